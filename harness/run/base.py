"""The contract between runners (what to run for a language) and executors (where to run it).

A runner turns a snippet into a `Launch`: files to lay in a fresh work dir, a command line, and
environment variables. An executor (local process, docker container) lays the files, runs the
command with a timeout and hands back what happened. Neither knows the other's insides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from harness.errors import HarnessError as HarnessError
from harness.model import HttpResponse, RecordedRequest, Snippet
from harness.route import Route


@dataclass(frozen=True)
class Launch:
    """What to run: laid out in a fresh work dir and started there."""

    argv: tuple[str, ...]
    """The command; `{workdir}` in any item is replaced by the work dir's path by the executor."""
    files: Mapping[str, bytes] = field(default_factory=dict)
    """Relative path -> content, written into the work dir before the command starts."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Environment variables on top of the executor's minimal base (PATH, HOME, LANG)."""
    result_file: str | None = None
    """A file (relative to the work dir) the command writes a Worker's HTTP answer into, as JSON
    `{"status": int, "headers": [[k, v], ...], "body_b64": str}`; None for plain scripts."""


@dataclass(frozen=True)
class Outcome:
    """What an executor saw."""

    exit_code: int | None
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool = False
    output_truncated: bool = False
    response: HttpResponse | None = None
    infra_error: str | None = None


class Runner(Protocol):
    """Turns a snippet of one runtime into a `Launch`. One module per runtime under `harness/run/`."""

    name: str
    """`python`, `node`, `shell`, `worker`: also the folder under `runners/` and the image name."""
    warm_server: bool
    """Its launches may run on a warm server that loads each snippet fresh (the Worker runner's
    `serve.mjs`, one workerd for many snippets) when the executor keeps warm servers, instead of one
    process per snippet."""

    def available(self) -> str | None:
        """None when this runner can run here (locally), else the reason it cannot."""
        ...

    def launch(self, snippet: Snippet, route: Route, runners_dir: Path) -> Launch:
        """The files, command and environment that run `snippet` with its traffic sent along `route`.
        `runners_dir` is where `runners/` is (on the host, or inside a container image)."""
        ...


class Executor(Protocol):
    """Runs snippets somewhere, against a mock it owns for the length of a run.

    Used as a context manager: entering starts the mock (in-process thread, or a sidecar
    container), leaving stops it and everything the executor started, also on failure.
    """

    name: str
    runners_dir: Path
    """Where `runners/` is as the launched commands see it."""

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...

    def route(self, snippet_id: str) -> Route:
        """Registers a snippet with the mock and says how its traffic reaches it."""
        ...

    def execute(self, runner: Runner, launch: Launch, timeout_s: float) -> Outcome:
        """Runs one launch in a fresh work dir; never raises for a snippet's own failure."""
        ...

    def requests_of(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        """The journal's entries for one snippet, in order of arrival."""
        ...

    def take_requests(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        """`requests_of`, and the mock forgets them: a run is done with that snippet (the journal of
        `harness mock` itself keeps everything)."""
        ...
