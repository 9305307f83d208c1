"""A forked child of the warm interpreter as the snippet's own interpreter: its stdio on files, its
work dir, environment, argv and path, the script run as `__main__` (`python script.py` as far as the
snippet can tell), and its exit report to the zygote's protocol stream (see `harness.run.inprocess.child`)."""

from __future__ import annotations

import atexit
import builtins
import contextlib
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


def _redirect(meta: str) -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        target = os.open(f"{meta}.{name}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                  errors="backslashreplace", write_through=True)


def child(job: dict[str, Any], mock: InProcessMock, search_path: list[str]) -> tuple[int, dict[str, Any]]:
    """In a forked process: becomes the snippet's interpreter, runs it; its exit status and what
    the mock recorded (`{"requests": [entry_to_dict, ...], "mock_errors": [...]}`)."""
    meta = str(job["meta"])
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
    return status, {"requests": [entry_to_dict(e) for e in mock.journal.all()],
                    "mock_errors": [repr(e) for e in mock.errors]}


def stream_identity(fd: int) -> tuple[int, int] | None:
    """The device and inode of what `fd` is open on; None when it is closed."""
    try:
        found = os.fstat(fd)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def send_exit(out_fd: int, protocol: tuple[int, int] | None, status: int, journal: dict[str, Any],
              meta: str) -> None:
    """A child's own exit report, with its journal when the whole line fits in one atomic pipe write
    (`PIPE_BUF`); otherwise the journal goes to `<meta>.journal.json`. Nothing is written to `out_fd`
    unless it is still the protocol stream (`protocol`: its device and inode), which a snippet may
    have closed or reused: the zygote then reports the exit when it reaps the child."""
    pid = os.getpid()
    line = (json.dumps({"pid": pid, "exit": status, "journal": journal}) + "\n").encode()
    ours = protocol is not None and stream_identity(out_fd) == protocol
    if not ours or len(line) > select.PIPE_BUF:
        Path(f"{meta}.journal.json").write_text(json.dumps(journal))
        line = (json.dumps({"pid": pid, "exit": status}) + "\n").encode()
    if ours:
        with contextlib.suppress(OSError):
            os.write(out_fd, line)
