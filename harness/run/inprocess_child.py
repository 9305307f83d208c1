"""The warm interpreter of the `inprocess` executor, and the snippets forked from it.

Started once per run with the Python runner's own interpreter (so snippets import the runner's
pinned `requests` and `httpx`); the harness's packages come after the runner's on `sys.path`. It
routes both clients to the in-process mock, answers one request through each so the lazy imports
are done, freezes the heap, then forks one child per snippet (ahead of time: see `Zygote`).
Single-threaded, so forking is safe.

Protocol, one JSON object a line. In on stdin: `{"job": n, "snippet": key, "argv": [script, ...],
"workdir": dir, "meta": dir, "env": {...}}`. Out on the original stdout: `{"ready": true}` once,
then per job `{"job": n, "pid": pid}` when forked and `{"job": n, "exit": code}` when reaped (a
negative code: killed by that signal). The child writes `stdout`, `stderr` and `journal.json`
(its requests, as `entry_to_dict`) into `meta`, never into the snippet's work dir.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import gc
import io
import json
import os
import select
import sys
import threading
import traceback
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.mock.inprocess import InProcessMock, config_from_json
from harness.mock.journal import entry_to_dict
from harness.run.inprocess_clients import routed_to

WARM_URL = "https://api.cloudflare.com/client/v4/accounts/0/ai/run/@cf/meta/llama-3-8b-instruct"


def exit_status(code: object) -> int:
    """The process exit status `sys.exit(code)` gives (a message goes to stderr, as the interpreter does)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def run_script(script: str) -> int:
    """Runs `script` as `__main__` like `python script.py` does; a traceback without this frame."""
    module = types.ModuleType("__main__")
    module.__file__ = script
    module.__builtins__ = builtins  # type: ignore[attr-defined]
    sys.modules["__main__"] = module
    try:
        code = compile(Path(script).read_bytes(), script, "exec", dont_inherit=True)
        exec(code, module.__dict__)
    except SystemExit as stop:
        return exit_status(stop.code)
    except BaseException as error:  # the snippet's own failure: reported as the interpreter would
        tail = error.__traceback__.tb_next if error.__traceback__ else None
        traceback.print_exception(error.with_traceback(tail) if tail or isinstance(error, SyntaxError) else error)
        return 1
    return 0


def _finish_like_the_interpreter() -> None:
    """Waits for the snippet's non-daemon threads, then runs `atexit` handlers."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()


def _redirect(meta: Path) -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        target = os.open(meta / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                  errors="backslashreplace", write_through=True)


def child(job: dict[str, Any], mock: InProcessMock, search_path: list[str]) -> int:
    """In a forked process: becomes the snippet's interpreter, runs it, records its requests."""
    meta = Path(job["meta"])
    _redirect(meta)
    argv = [str(a) for a in job["argv"]]
    os.chdir(job["workdir"])
    os.environ.clear()
    os.environ.update(job["env"])
    sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    sys.argv = argv
    sys.path[:] = [os.path.dirname(argv[0]), *search_path]
    mock.claim(job["snippet"])
    status = run_script(argv[0])
    _finish_like_the_interpreter()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    entries = [entry_to_dict(e) for e in mock.journal.all()]
    errors = [repr(e) for e in mock.errors]
    (meta / "journal.json").write_text(json.dumps({"requests": entries, "mock_errors": errors}))
    return status


def warm_up(mock: InProcessMock) -> None:
    """One request through each client (already routed to `mock`), so that nothing is imported lazily
    later, and the journal left empty."""
    import httpx
    import requests

    requests.post(WARM_URL, json={"prompt": "warm"}, timeout=10)
    httpx.post(WARM_URL, json={"prompt": "warm"})
    mock.journal.clear()


@dataclass
class _Child:
    pid: int
    job_fd: int
    """Where its job is written (then closed); -1 once it has one."""
    status_fd: int
    """Where it writes its exit status just before it exits; -1 once read."""
    number: int | None = None
    """The job it runs; None while it is a spare."""
    reported: bool = False


class Zygote:
    """Reads jobs, hands each to a forked child, reports pids and exit codes.

    It keeps `spares` children forked ahead of time, each of which answers one request through the
    mock (making its own event loop and copying the memory pages that touches) and then waits on a
    pipe for a job, so that a job neither waits for a fork nor pays for those first touches. A spare
    is forked anew when a job's child has been reaped. A child writes its exit status to a pipe just
    before it exits, so that the status is reported without waiting for the process to be torn down.
    """

    def __init__(self, mock: InProcessMock, search_path: list[str], out_fd: int, spares: int = 3) -> None:
        self.mock, self.search_path, self.out_fd, self.spares = mock, search_path, out_fd, spares
        self.children: dict[int, _Child] = {}
        """pidfd -> child"""
        self.statuses: dict[int, int] = {}
        """status pipe -> pidfd of its child"""

    def send(self, message: dict[str, Any]) -> None:
        os.write(self.out_fd, (json.dumps(message) + "\n").encode())

    def fork_spare(self) -> int:
        job_read, job_write = os.pipe()
        status_read, status_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(job_write)
            os.close(status_read)
            self._become_child(job_read, status_write)
        os.close(job_read)
        os.close(status_write)
        with contextlib.suppress(OSError):  # the child may have got there first
            os.setpgid(pid, pid)
        pidfd = os.pidfd_open(pid)
        self.children[pidfd] = _Child(pid, job_write, status_read)
        self.statuses[status_read] = pidfd
        return pidfd

    def _inherited(self) -> list[int]:
        fds = [self.out_fd, *self.children, *self.statuses]
        return fds + [c.job_fd for c in self.children.values() if c.job_fd >= 0]

    def _become_child(self, job_fd: int, status_fd: int) -> None:
        status = 70
        try:
            os.setpgid(0, 0)
            for fd in self._inherited():
                os.close(fd)
            import requests

            requests.post(WARM_URL, json={"prompt": "warm"}, timeout=10)
            self.mock.journal.clear()
            with os.fdopen(job_fd, "rb") as pipe:
                data = pipe.read()
            status = child(json.loads(data), self.mock, self.search_path) if data else 0
            os.write(status_fd, str(status).encode())
        except BaseException:  # a fault of the harness in the child: on its stderr (or the zygote's log)
            traceback.print_exc()
        finally:
            os._exit(status)

    def start(self, job: dict[str, Any]) -> None:
        spare = next((fd for fd, c in self.children.items() if c.number is None), None)
        pidfd = spare if spare is not None else self.fork_spare()
        chosen = self.children[pidfd]
        chosen.number = int(job["job"])
        with os.fdopen(chosen.job_fd, "wb") as pipe:
            pipe.write(json.dumps(job).encode())
        chosen.job_fd = -1
        self.send({"job": chosen.number, "pid": chosen.pid})

    def top_up(self) -> None:
        while sum(1 for c in self.children.values() if c.number is None) < self.spares:
            self.fork_spare()

    def status_ready(self, status_fd: int) -> None:
        """A child's last words: its exit status, reported at once (or nothing: it died first)."""
        data = os.read(status_fd, 16)
        os.close(status_fd)
        pidfd = self.statuses.pop(status_fd)
        gone = self.children[pidfd]
        gone.status_fd = -1
        if data and gone.number is not None:
            gone.reported = True
            self.send({"job": gone.number, "exit": int(data)})

    def reap(self, pidfd: int) -> None:
        gone = self.children.pop(pidfd)
        os.close(pidfd)
        for fd in (gone.job_fd, gone.status_fd):
            if fd >= 0:
                os.close(fd)
        self.statuses.pop(gone.status_fd, None)
        _, status = os.waitpid(gone.pid, 0)
        if gone.number is not None and not gone.reported:
            self.send({"job": gone.number, "exit": os.waitstatus_to_exitcode(status)})
        self.top_up()

    def serve(self) -> None:
        self.top_up()
        pending = b""
        while True:
            ready, _, _ = select.select([0, *self.statuses, *self.children], [], [])
            for fd in sorted(ready, key=lambda fd: fd not in self.statuses):  # last words before reaping
                if fd in self.statuses:
                    self.status_ready(fd)
                elif fd in self.children:
                    self.reap(fd)
                elif fd == 0:
                    data = os.read(0, 1 << 16)
                    if not data:
                        return
                    pending += data
                    while b"\n" in pending:
                        line, pending = pending.split(b"\n", 1)
                        if line.strip():
                            self.start(json.loads(line))


def main(config: str, extra_paths: list[str]) -> None:
    """Entry point: the mock is built from `config` (`config_to_json`); `extra_paths` (the harness's
    packages) were appended to `sys.path` by the caller."""
    search_path = [p for p in sys.path[1:] if p not in extra_paths]
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # stray prints never reach the protocol stream
    mock = InProcessMock(config_from_json(config))
    routing = routed_to(mock)  # entered for the zygote's life (kept referenced): every child is born routed
    routing.__enter__()
    warm_up(mock)
    mock.close()  # its event loop is not for children
    gc.collect()
    gc.freeze()
    zygote = Zygote(mock, search_path, out_fd)
    zygote.send({"ready": True})
    try:
        zygote.serve()
    finally:  # spares read the end of their pipes and leave
        for spare in zygote.children.values():
            if spare.job_fd >= 0:
                os.close(spare.job_fd)
