"""The local executor: each snippet is a process on this machine, the mock a thread of the harness."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from harness.errors import HarnessError
from harness.mock.server import MockConfig, MockServer
from harness.model import HttpResponse, RecordedRequest
from harness.route import Route
from harness.run.base import Launch, Outcome, Runner
from harness.run.common import parse_response

if TYPE_CHECKING:
    from harness.run.warm_worker import WarmWorkers

OUTPUT_LIMIT = 1_000_000
"""Bytes of stdout (and of stderr) kept per snippet; the rest is read and dropped."""


class _CappedReader(threading.Thread):
    """Drains a pipe so the child never blocks, keeping at most `limit` bytes."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        super().__init__(daemon=True)
        self._stream, self._limit = stream, limit
        self.data = bytearray()
        self.truncated = False

    def run(self) -> None:
        while chunk := self._stream.read(65536):
            room = self._limit - len(self.data)
            if room > 0:
                self.data += chunk[:room]
            if len(chunk) > room:
                self.truncated = True

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


def base_env(workdir: Path) -> dict[str, str]:
    """A minimal environment: nothing of the harness's own (tokens, CA bundles, proxies) leaks in."""
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "TMPDIR": str(workdir),
    }


def read_response(path: Path) -> HttpResponse | None:
    """The Worker answer a launch wrote (see `Launch.result_file`), if it wrote one."""
    return parse_response(path.read_bytes()) if path.exists() else None


def run_process(launch: Launch, workdir: Path, timeout_s: float, output_limit: int = OUTPUT_LIMIT) -> Outcome:
    """Lays out `launch` in `workdir`, runs it in its own process group and kills the group at the
    timeout (so children of the snippet die with it)."""
    for name, content in launch.files.items():
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    argv = [part.replace("{workdir}", str(workdir)) for part in launch.argv]
    env = {**base_env(workdir), **launch.env}
    started = time.monotonic()
    try:
        proc = subprocess.Popen(argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        return Outcome(None, "", "", 0.0, infra_error=f"cannot start {argv[0]}: {error}")
    assert proc.stdout is not None and proc.stderr is not None
    readers = [_CappedReader(proc.stdout, output_limit), _CappedReader(proc.stderr, output_limit)]
    for reader in readers:
        reader.start()
    timed_out = False
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        _kill_group(proc.pid)
        proc.wait()
    for reader in readers:
        reader.join(timeout=5)
    duration = time.monotonic() - started
    response = read_response(workdir / launch.result_file) if launch.result_file else None
    return Outcome(
        exit_code=None if timed_out else proc.returncode,
        stdout=readers[0].text(),
        stderr=readers[1].text(),
        duration_s=duration,
        timed_out=timed_out,
        output_truncated=readers[0].truncated or readers[1].truncated,
        response=response,
    )


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class LocalExecutor:
    """Runs snippets as local processes against an in-process mock on 127.0.0.1."""

    name = "local"

    def __init__(self, runners_dir: Path, config: MockConfig | None = None,
                 output_limit: int = OUTPUT_LIMIT, warm_workers: bool = False) -> None:
        """`warm_workers`: Worker snippets run on warm servers (one workerd for many snippets, a fresh
        isolate each; see `harness.run.warm_worker`) instead of one Miniflare process each."""
        self.runners_dir = runners_dir
        self._config = config or MockConfig()
        self._output_limit = output_limit
        self._mock: MockServer | None = None
        self._warm: WarmWorkers | None = None
        if warm_workers:
            from harness.run.warm_worker import WarmWorkers  # it builds on this module

            self._warm = WarmWorkers(runners_dir)

    def __enter__(self) -> LocalExecutor:
        try:
            self._mock = MockServer(self._config).__enter__()
        except Exception as error:  # any start-up failure is the harness's, not a snippet's
            raise HarnessError(f"the Workers AI mock did not start: {error}") from error
        return self

    def __exit__(self, *exc: object) -> None:
        if self._warm is not None:
            self._warm.close()
        if self._mock is not None:
            self._mock.__exit__(None, None, None)
            self._mock = None

    @property
    def mock(self) -> MockServer:
        if self._mock is None:
            raise HarnessError("the local executor is not started (use it as a context manager)")
        return self._mock

    def route(self, snippet_id: str) -> Route:
        return self.mock.route(snippet_id)

    def execute(self, runner: Runner, launch: Launch, timeout_s: float) -> Outcome:
        with tempfile.TemporaryDirectory(prefix=f"harness-{runner.name}-") as tmp:
            if self._warm is not None and runner.name == "worker" and self._warm.serves(launch):
                return self._warm.execute(launch, Path(tmp), timeout_s, self._output_limit)
            return run_process(launch, Path(tmp), timeout_s, self._output_limit)

    def requests_of(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        return self.mock.journal.for_snippet(snippet_id)

    def take_requests(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        """`requests_of`, and the mock forgets them (see `Executor.take_requests`)."""
        return self.mock.journal.take(snippet_id)
