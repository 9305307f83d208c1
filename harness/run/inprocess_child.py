"""The warm interpreter of the `inprocess` executor, and the snippets forked from it.

Started once per run with the Python runner's own interpreter (so snippets import the runner's
pinned `requests` and `httpx`); the harness's packages come after the runner's on `sys.path`. It
imports everything, answers one request through each client so the lazy imports are done, freezes
the heap, then forks one child per snippet. Single-threaded, so forking is safe.

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
from pathlib import Path
from typing import Any

from harness.mock.inprocess import InProcessMock
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
    """In the forked process: becomes the snippet's interpreter, runs it, records its requests."""
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
    with routed_to(mock):
        status = run_script(argv[0])
        _finish_like_the_interpreter()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    entries = [entry_to_dict(e) for e in mock.journal.all()]
    errors = [repr(e) for e in mock.errors]
    (meta / "journal.json").write_text(json.dumps({"requests": entries, "mock_errors": errors}))
    return status


def warm_up(mock: InProcessMock) -> None:
    """One request through each client, so that nothing is imported lazily in a child."""
    import httpx
    import requests

    with routed_to(mock):
        requests.post(WARM_URL, json={"prompt": "warm"}, timeout=10)
        httpx.post(WARM_URL, json={"prompt": "warm"})
    mock.close()
    mock.journal.clear()


class Zygote:
    """Reads jobs, forks a child for each, reports pids and exit codes."""

    def __init__(self, mock: InProcessMock, search_path: list[str], out_fd: int) -> None:
        self.mock, self.search_path, self.out_fd = mock, search_path, out_fd
        self.children: dict[int, tuple[int, int]] = {}
        """pidfd -> (job number, pid)"""

    def send(self, message: dict[str, Any]) -> None:
        os.write(self.out_fd, (json.dumps(message) + "\n").encode())

    def start(self, job: dict[str, Any]) -> None:
        pid = os.fork()
        if pid == 0:
            status = 70
            try:
                os.setpgid(0, 0)
                os.close(self.out_fd)
                for fd in self.children:
                    os.close(fd)
                status = child(job, self.mock, self.search_path)
            except BaseException:  # a fault of the harness in the child: on its stderr (or the zygote's log)
                traceback.print_exc()
            finally:
                os._exit(status)
        with contextlib.suppress(OSError):  # the child may have got there first
            os.setpgid(pid, pid)
        self.children[os.pidfd_open(pid)] = (int(job["job"]), pid)
        self.send({"job": job["job"], "pid": pid})

    def reap(self, pidfd: int) -> None:
        number, pid = self.children.pop(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self.send({"job": number, "exit": os.waitstatus_to_exitcode(status)})

    def serve(self) -> None:
        pending = b""
        while True:
            ready, _, _ = select.select([0, *self.children], [], [])
            for fd in ready:
                if fd != 0:
                    self.reap(fd)
                    continue
                data = os.read(0, 1 << 16)
                if not data:
                    return
                pending += data
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if line.strip():
                        self.start(json.loads(line))


def main(extra_paths: list[str]) -> None:
    """Entry point: `extra_paths` (the harness's packages) were appended to `sys.path` by the caller."""
    search_path = [p for p in sys.path[1:] if p not in extra_paths]
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # stray prints never reach the protocol stream
    mock = InProcessMock()
    warm_up(mock)
    gc.collect()
    gc.freeze()
    zygote = Zygote(mock, search_path, out_fd)
    zygote.send({"ready": True})
    zygote.serve()
