"""SIGINT and SIGTERM during `harness run`: stop quickly, leave nothing behind, report what finished.

`Interrupts` is a context manager the CLI opens around a whole run (main thread only). The first signal
sets `cancelled`, kills every process of the run (`RunFootprint.stop_processes`) and asks the executor to
stop what it runs elsewhere (`Interruptible`: the docker executor kills its snippet containers). A job
that had not started, or was stopped in flight, ends "not run: interrupted" (`INTERRUPTED`, status
skipped) instead of running (`guard`, `settle`); the run then winds down on its ordinary path: the
executor leaves (removing its mock, containers and volumes), the reports are written for what
finished, and the exit code is 128 + the signal (130 for SIGINT, 143 for SIGTERM).

A second signal kills again and shortens the watchdog: if the run has not ended `FORCED_S` after it (or
`GRACE_S` after the first), the watchdog removes the run's processes, folder, containers and volumes
itself and exits with that code, without reports. Nothing waits on a snippet's own timeout.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import FrameType, TracebackType
from typing import Any, Protocol, runtime_checkable

from harness.errors import HarnessError
from harness.launch import HeldSignals
from harness.model import RecordedRequest, RunResult, Snippet, SnippetResult, Status
from harness.pipeline import Progress
from harness.route import Route
from harness.run.base import Executor, Launch, Outcome, Runner
from harness.run.lifecycle import RunFootprint

INTERRUPTED = "not run: interrupted"
"""The reason of a snippet that did not run, or did not finish, because the run was interrupted."""
SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_S = 30.0
"""After the first signal, the longest the run may take to wind down before the watchdog ends it."""
FORCED_S = 5.0
"""After a second signal, the same."""


class Interrupted(BaseException):  # noqa: N818 (like KeyboardInterrupt, which it stands for)
    """Raised by the signal handler while the executor starts (`Interrupts.starting`), to abandon the start."""


@runtime_checkable
class Interruptible(Protocol):
    """An executor that runs snippets outside this process tree (containers) and can stop them at once."""

    def interrupt(self) -> None:
        """Stops every snippet in flight (their `execute` returns soon); the executor stays usable to leave."""
        ...


class Interrupts:
    """Signal handling for one run (see the module docstring)."""

    def __init__(self, footprint: RunFootprint, announce: Callable[[str], None] = lambda _: None,
                 grace_s: float = GRACE_S, forced_s: float = FORCED_S) -> None:
        self._footprint, self._announce = footprint, announce
        self._grace_s, self._forced_s = grace_s, forced_s
        self._cancelled = threading.Event()
        self._finished = threading.Event()
        self._executor: Executor | None = None
        self._running = False
        self._starting = False
        self._previous: dict[int, Any] = {}
        self.signum: int | None = None
        """The first signal received, if any."""
        self.count = 0
        """Signals received so far."""

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def exit_code(self) -> int | None:
        """128 + the first signal's number once one came (130: SIGINT, 143: SIGTERM), else None."""
        return None if self.signum is None else 128 + self.signum

    def __enter__(self) -> Interrupts:
        """Installs the handlers (main thread only), taking over signals held while the harness loaded."""
        if threading.current_thread() is not threading.main_thread():
            return self
        held: list[int] = []
        for signum in SIGNALS:
            previous = signal.signal(signum, self._handle)
            if isinstance(previous, HeldSignals):
                held += [s for s in previous.pending if s not in held]
                previous = previous.previous.get(signum, signal.SIG_DFL)
            self._previous[signum] = previous
        for number in held:
            self._handle(number, None)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Puts the earlier handlers back; after a signal, ignores further ones instead: the process is
        ending on the first, and a late one must not kill it half way through its clean-up
        (`RunFootprint.end`) or change its exit code."""
        self._finished.set()
        for signum, handler in self._previous.items():
            signal.signal(signum, handler if self.signum is None else signal.SIG_IGN)
        self._previous.clear()

    @contextmanager
    def starting(self) -> Iterator[None]:
        """While the executor starts (mock, sidecar container): a signal abandons the start by raising
        `Interrupted` (an executor leaves nothing behind when its start fails half way)."""
        if self.cancelled:
            raise Interrupted
        self._starting = True
        try:
            yield
        finally:
            self._starting = False

    def watch(self, executor: Executor) -> None:
        """From now on a signal stops what `executor` and the run's processes are running."""
        self._executor, self._running = executor, True
        if self.cancelled:
            self._stop_in_flight()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1
        name = signal.Signals(signum).name
        if self.signum is None:
            self.signum = signum
            self._cancelled.set()
            self._announce(f"harness: {name}: stopping; what finished is reported, the rest is marked "
                           f"{INTERRUPTED!r}")
            self._arm(self._grace_s)
        else:
            self._announce(f"harness: {name} again: cleaning up, exiting within {self._forced_s:g} s")
            self._arm(self._forced_s)
        self._stop_in_flight()
        if self._starting:
            self._starting = False
            raise Interrupted

    def _stop_in_flight(self) -> None:
        """Kills the run's processes now and, off the signal handler, the executor's containers."""
        if not self._running:  # extraction still goes (its worker processes are needed): nothing runs yet
            return
        self._footprint.stop_processes()
        executor = self._executor
        if isinstance(executor, Interruptible):
            threading.Thread(target=executor.interrupt, name="harness-interrupt", daemon=True).start()

    def _arm(self, after_s: float) -> None:
        threading.Thread(target=self._watchdog, args=(after_s,), name="harness-watchdog", daemon=True).start()

    def _watchdog(self, after_s: float) -> None:
        if self._finished.wait(after_s):
            return
        print(f"harness: the run did not end within {after_s:g} s of the signal: removing what it started",
              file=sys.stderr)
        try:
            self._footprint.end()
        finally:
            os._exit(self.exit_code or 1)

    def guard(self, executor: Executor) -> Executor:
        """`executor` as the run's jobs see it: once cancelled, a job that starts or ends is interrupted."""
        return _Guarded(executor, self)

    def settle(self, run: RunResult) -> RunResult:
        """`run` with every job the interrupt stopped marked skipped, `INTERRUPTED`."""
        return replace(run, results=tuple(map(settled, run.results))) if self.cancelled else run

    @staticmethod
    def progress(show: Progress | None) -> Progress | None:
        """`show`, told of a stopped job as `settle` will report it."""
        return None if show is None else lambda done, total, result: show(done, total, settled(result))


def not_run(snippet: Snippet) -> SnippetResult:
    """A snippet that did not run because the run was interrupted."""
    return SnippetResult(snippet, Status.SKIPPED, None, (), reason=INTERRUPTED)


def settled(result: SnippetResult) -> SnippetResult:
    """A job the interrupt stopped (an error `INTERRUPTED`, see `Interrupts.guard`; a page session's
    blocks say where they are first) as skipped; others as they are."""
    stopped = result.status is Status.ERROR and result.reason.endswith(INTERRUPTED)
    return not_run(result.snippet) if stopped else result


class _Guarded:
    """An entered executor whose `route` and `execute` refuse (with `INTERRUPTED`) once the run is
    cancelled; an `execute` that returns after the signal was stopped by it, so it is refused too."""

    def __init__(self, inner: Executor, interrupts: Interrupts) -> None:
        self._inner, self._interrupts = inner, interrupts
        self.name, self.runners_dir = inner.name, inner.runners_dir

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        pass  # the session leaves the executor itself

    def _check(self) -> None:
        if self._interrupts.cancelled:
            raise HarnessError(INTERRUPTED)

    def route(self, snippet_id: str) -> Route:
        self._check()
        return self._inner.route(snippet_id)

    def execute(self, runner: Runner, launch: Launch, timeout_s: float) -> Outcome:
        self._check()
        outcome = self._inner.execute(runner, launch, timeout_s)
        self._check()
        return outcome

    def requests_of(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        return self._inner.requests_of(snippet_id)

    def take_requests(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        return self._inner.take_requests(snippet_id)
