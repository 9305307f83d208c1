"""The `inprocess` executor: Python snippets forked from a warm interpreter, their requests answered
by the mock's app in that process (requests-mock, respx) instead of over sockets.

Everything else (Node, shell, Workers) runs as with the local executor, which this one wraps: its
mock server also takes what an in-process snippet sends by other means (`urllib`, a subprocess
running curl), since the child keeps the proxy environment a local snippet gets. A child's journal
entries are copied into the run's journal under the snippet's key when it ends, so `requests_of`
and the checks see the same `RecordedRequest`s the local executor gives.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import harness
from harness.errors import HarnessError
from harness.mock.inprocess import config_to_json
from harness.mock.journal import entry_from_dict
from harness.mock.server import MockConfig, MockServerError
from harness.model import RecordedRequest
from harness.route import Route
from harness.run.base import Launch, Outcome, Runner
from harness.run.common import OUTPUT_LIMIT
from harness.run.executor_kind import ExecutorKind, ExecutorSettings
from harness.run.local.executor import LocalExecutor
from harness.run.local.helper_process import HelperProcess
from harness.run.local.process import base_env, kill_group

START_TIMEOUT_S = 60.0
FORK_TIMEOUT_S = 30.0
_BOOT = ("import gc; gc.disable(); "  # until each child: see `harness.run.inprocess.child.main`
         "import sys; config, jobs, extra = sys.argv[1], sys.argv[2], sys.argv[3:]; del sys.argv[1:]; "
         "sys.path += extra; from harness.run.inprocess.child import main; main(config, jobs, extra)")


@dataclass
class _Job:
    ended: threading.Event = field(default_factory=threading.Event)
    exit_code: int | None = None
    journal: dict[str, Any] | None = None
    """What the mock recorded, when the child's own exit report brought it."""


class WarmInterpreter:
    """The zygote (`harness.run.inprocess.child`) as a context manager: started, ready within a
    timeout, and stopped with every child it forked. Its mock is built from `config`; its spares'
    named pipes are made in `jobs_dir`, and each job is written straight into one of them."""

    def __init__(self, python: Path, config: MockConfig, jobs_dir: Path,
                 start_timeout_s: float = START_TIMEOUT_S) -> None:
        extra = [p for p in sys.path if p.endswith("site-packages")] + [str(Path(harness.__file__).parents[1])]
        argv = [str(python), "-P", "-c", _BOOT, config_to_json(config), str(jobs_dir), *extra]  # -P: not the cwd's
        self._helper = HelperProcess(argv, base_env(Path.cwd()),
                                     f"warm Python {python}", start_timeout_s, self._dispatch, self._end)
        self._jobs: dict[int, _Job] = {}
        """pid of the child -> its job"""
        self._spares: collections.deque[tuple[int, str]] = collections.deque()
        """(pid, named pipe) of the spares that said they wait for a job, oldest first"""
        self._changed = threading.Condition()

    @property
    def alive(self) -> bool:
        return self._helper.running

    def __enter__(self) -> WarmInterpreter:
        self._helper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        for pid in list(self._jobs):
            kill_group(pid)
        self._helper.__exit__()

    def _dispatch(self, message: dict[str, Any]) -> None:
        with self._changed:
            if "spare" in message:
                self._spares.append((int(message["spare"]), str(message["fifo"])))
                self._changed.notify()
                return
            pid = int(message["pid"])
            if any(spare == pid for spare, _ in self._spares):  # it died before its job
                self._spares = collections.deque(s for s in self._spares if s[0] != pid)
            job = self._jobs.get(pid)
        if job is not None and not job.ended.is_set():  # the child's own report comes before the zygote's
            job.exit_code = int(message["exit"])
            job.journal = message.get("journal")
            job.ended.set()

    def _end(self) -> None:
        with self._changed:
            self._changed.notify_all()
        for job in list(self._jobs.values()):
            job.ended.set()

    def _hand_over(self, request: dict[str, Any]) -> tuple[int, _Job]:
        """Writes `request` into the pipe of a spare (the oldest that is still there); its pid and job."""
        line = (json.dumps(request) + "\n").encode()
        deadline = time.monotonic() + FORK_TIMEOUT_S
        while True:
            with self._changed:
                while not self._spares:
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._helper.running:
                        raise HarnessError("the warm Python did not fork a snippet: "
                                           f"{self._helper.log_tail() or 'no answer'}")
                    self._changed.wait(left)
                pid, fifo = self._spares.popleft()
                job = self._jobs[pid] = _Job()
            if _write_job(fifo, line):
                return pid, job
            with self._changed:
                del self._jobs[pid]

    def run(self, request: dict[str, Any], timeout_s: float) -> tuple[int | None, bool, dict[str, Any] | None]:
        """Hands `request` to a child; `(exit code, timed out, journal)`, the journal when it came
        with the child's exit report (else it is in the `meta` file, if anywhere). Raises
        `HarnessError` when the warm interpreter is gone."""
        pid, job = self._hand_over(request)
        try:
            timed_out = not job.ended.wait(timeout_s)
            kill_group(pid)  # as a local run ends: whatever the snippet left running goes with it
            if timed_out:
                job.ended.wait(10)
            elif job.exit_code is None:
                raise HarnessError(f"the warm Python died: {self._helper.log_tail() or 'no output'}")
            return (None if timed_out else job.exit_code), timed_out, job.journal
        finally:
            with self._changed:
                del self._jobs[pid]


def _write_job(fifo: str, line: bytes) -> bool:
    """Writes a job into a spare's named pipe; False when the spare is gone (no reader, or no pipe)."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        os.set_blocking(fd, True)
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view):]
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _outputs(meta: Path) -> tuple[Path, Path, Path]:
    """The stdout, stderr and journal files a child writes for the job whose `meta` prefix this is."""
    return Path(f"{meta}.stdout"), Path(f"{meta}.stderr"), Path(f"{meta}.journal.json")


def _read_capped(path: Path, limit: int) -> tuple[str, bool]:
    if not path.exists():
        return "", False
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    return data[:limit].decode("utf-8", errors="replace"), len(data) > limit


class InProcessExecutor:
    """Python snippets in-process (forked from a warm interpreter); other runners as local processes."""

    name = "inprocess"

    def __init__(self, runners_dir: Path, config: MockConfig | None = None,
                 output_limit: int = OUTPUT_LIMIT, warm_workers: bool = False) -> None:
        self.runners_dir = runners_dir
        self._config = config or MockConfig()
        self._local = LocalExecutor(runners_dir, self._config, output_limit, warm_workers=warm_workers)
        self._output_limit = output_limit
        self._python = runners_dir / "python" / ".venv" / "bin" / "python"
        self._warm: WarmInterpreter | None = None
        self._warm_lock = threading.Lock()
        self._keys: dict[str, str] = {}
        self._mock_errors: list[str] = []
        self._meta: tempfile.TemporaryDirectory[str] | None = None
        """Where children write their output and journal, a few files per snippet (removed once read)."""
        self._numbers = itertools.count(1)

    def __enter__(self) -> InProcessExecutor:
        self._local.__enter__()
        self._meta = tempfile.TemporaryDirectory(prefix="harness-inprocess-")
        if self._python.exists():  # start-up overlaps with whatever the run does before its first snippet
            threading.Thread(target=self._start_quietly, name="harness-zygote-start", daemon=True).start()
        return self

    def _start_quietly(self) -> None:
        with contextlib.suppress(HarnessError):  # reported by the first Python snippet, which tries again
            self._warm_interpreter()

    def __exit__(self, *exc: object) -> None:
        try:
            with self._warm_lock:
                if self._warm is not None:
                    self._warm.__exit__()
                    self._warm = None
        finally:
            if self._meta is not None:
                self._meta.cleanup()
            self._local.__exit__(*exc)
        if self._mock_errors and not any(exc):
            raise MockServerError("the mock failed while answering in-process requests: "
                                  + "; ".join(self._mock_errors))

    def route(self, snippet_id: str) -> Route:
        route = self._local.route(snippet_id)
        self._keys[route.token] = snippet_id
        return route

    def requests_of(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        return self._local.requests_of(snippet_id)

    def take_requests(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        """`requests_of`, and the run's journal forgets them (see `Executor.take_requests`)."""
        return self._local.take_requests(snippet_id)

    def execute(self, runner: Runner, launch: Launch, timeout_s: float) -> Outcome:
        key = self._keys.pop(urlsplit(launch.env.get("HTTPS_PROXY", "")).username or "", None)
        if runner.name != "python":
            return self._local.execute(runner, launch, timeout_s)
        if self._meta is None:
            raise HarnessError("the in-process executor is not started (use it as a context manager)")
        meta = Path(self._meta.name) / str(next(self._numbers))
        try:
            with tempfile.TemporaryDirectory(prefix="harness-python-") as workdir:
                return self._execute_python(launch, key, Path(workdir), meta, timeout_s)
        finally:
            for path in _outputs(meta):
                path.unlink(missing_ok=True)

    def _warm_interpreter(self) -> WarmInterpreter:
        with self._warm_lock:
            if self._warm is not None and not self._warm.alive:
                self._warm.__exit__()
                self._warm = None
            if self._warm is None:
                if self._meta is None:
                    raise HarnessError("the in-process executor is not started (use it as a context manager)")
                self._warm = WarmInterpreter(self._python, self._config, Path(self._meta.name)).__enter__()
            return self._warm

    def _execute_python(self, launch: Launch, key: str | None, workdir: Path, meta: Path,
                        timeout_s: float) -> Outcome:
        for name, content in launch.files.items():
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            (workdir / name).write_bytes(content)
        argv = [part.replace("{workdir}", str(workdir)) for part in launch.argv]
        script = next((i for i, part in enumerate(argv) if part.endswith(".py")), None)
        if script is None or key is None:
            return Outcome(None, "", "", 0.0, infra_error="the in-process executor runs Python scripts routed "
                           "through its own mock only")
        started = time.monotonic()
        request = {"snippet": key, "argv": argv[script:], "workdir": str(workdir), "meta": str(meta),
                   "env": {**base_env(workdir), **launch.env}}
        try:
            exit_code, timed_out, journal = self._warm_interpreter().run(request, timeout_s)
        except HarnessError as error:
            return Outcome(None, "", "", time.monotonic() - started, infra_error=str(error))
        duration = time.monotonic() - started
        out, err, journal_file = _outputs(meta)
        stdout, cut_out = _read_capped(out, self._output_limit)
        stderr, cut_err = _read_capped(err, self._output_limit)
        if journal is None and journal_file.exists():
            journal = json.loads(journal_file.read_text())
        if journal is not None:
            self._keep_requests(journal, key)
        return Outcome(exit_code=exit_code, stdout=stdout, stderr=stderr, duration_s=duration, timed_out=timed_out,
                       output_truncated=cut_out or cut_err)

    def _keep_requests(self, data: dict[str, Any], key: str) -> None:
        self._mock_errors += data.get("mock_errors", [])
        for entry in data.get("requests", []):
            self._local.mock.journal.record(replace(entry_from_dict(entry), snippet_id=key))


def make_inprocess(settings: ExecutorSettings) -> InProcessExecutor:
    return InProcessExecutor(settings.runners_dir, settings.mock, warm_workers=settings.warm_workers)


INPROCESS = ExecutorKind("inprocess", make_inprocess)
