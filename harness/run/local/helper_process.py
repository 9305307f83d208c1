"""A long-lived helper process that speaks JSON lines: the warm Python of the `inprocess` executor and
the warm Worker servers. Started in its own process group, ready when its first message says so,
stopped with everything in that group; its stderr kept in a file for error messages.

`JsonLinesHelper` is what such a helper is to its users, whatever carries its lines: `HelperProcess`
(a local process) and `harness.run.docker.warm_worker`'s helper in a container (a `docker exec -i`)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from harness.errors import HarnessError

Message = dict[str, Any]
_STUCK_STATES = {"T": "its process is stopped", "t": "its process is stopped by a tracer",
                 "D": "its process is stuck in the kernel (uninterruptible sleep)"}


class JsonLinesHelper:
    """A context manager around one helper, whatever carries its lines (subclasses: `_open`, `_close`,
    `_write`, `log_tail`); `on_message` gets each message after the first (which must be
    `{"ready": true}`), from a reader thread; `on_end` is called once when its output ends."""

    def __init__(self, what: str, start_timeout_s: float, on_message: Callable[[Message], None],
                 on_end: Callable[[], None] = lambda: None) -> None:
        self.what = what
        self._start_timeout_s = start_timeout_s
        self._on_message, self._on_end = on_message, on_end
        self._open_now = False
        self._ready = threading.Event()
        self._ended = threading.Event()
        self._write_lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._open_now and not self._ended.is_set()

    def __enter__(self) -> JsonLinesHelper:
        try:
            self._open()
        except BaseException:
            self.__exit__()
            raise
        self._open_now = True
        threading.Thread(target=self._read, name=f"harness-{self.what}", daemon=True).start()
        if not self._ready.wait(self._start_timeout_s) or self._ended.is_set():
            problem = self.log_tail()
            self.__exit__()
            raise HarnessError(f"the {self.what} did not start within {self._start_timeout_s:g}s: "
                               f"{problem or 'no output'}")
        return self

    def __exit__(self, *exc: object) -> None:
        self._open_now = False
        self._close()

    def send(self, message: Message) -> None:
        """Writes one message; `HarnessError` when the helper no longer reads."""
        if not self.running:
            raise HarnessError(f"the {self.what} is not running: {self.log_tail() or 'stopped'}")
        try:
            with self._write_lock:
                self._write((json.dumps(message) + "\n").encode())
        except OSError as error:
            raise HarnessError(f"the {self.what} stopped: {self.log_tail() or error}") from error

    def log_tail(self) -> str:
        """The end of what the helper wrote on stderr."""
        raise NotImplementedError

    def stuck(self) -> str | None:
        """Why the helper cannot answer although it has not ended (e.g. its process is stopped), if that
        can be seen from outside; None otherwise (a helper that is merely slow, or a snippet that is)."""
        return None

    def _open(self) -> None:
        """Starts the helper (raising `HarnessError` or the transport's own error if it cannot)."""
        raise NotImplementedError

    def _close(self) -> None:
        """Stops the helper and everything it started; safe to call more than once, or after `_open` failed."""
        raise NotImplementedError

    def _write(self, data: bytes) -> None:
        raise NotImplementedError

    def _lines(self) -> Iterable[bytes]:
        """The helper's stdout, line by line, until it ends (the reader thread's)."""
        raise NotImplementedError

    def _read(self) -> None:
        try:
            for line in self._lines():
                message = json.loads(line)
                if not self._ready.is_set():
                    self._ready.set()
                    continue
                self._on_message(message)
        finally:
            self._ended.set()
            self._ready.set()
            self._on_end()


class HelperProcess(JsonLinesHelper):
    """A helper run as a local process, in a process group of its own (see `JsonLinesHelper`)."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], what: str, start_timeout_s: float,
                 on_message: Callable[[Message], None], on_end: Callable[[], None] = lambda: None) -> None:
        super().__init__(what, start_timeout_s, on_message, on_end)
        self.argv, self.env = list(argv), dict(env)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def __enter__(self) -> HelperProcess:
        super().__enter__()
        return self

    def _open(self) -> None:
        self._log = tempfile.TemporaryFile(prefix="harness-helper-")  # noqa: SIM115 (closed by _close)
        try:
            self._proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                                          env=self.env, start_new_session=True)
        except OSError as error:
            raise HarnessError(f"cannot start the {self.what}: {error}") from error

    def _close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()  # type: ignore[union-attr]
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(2)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def stuck(self) -> str | None:
        """A helper process that is stopped (SIGSTOP, a debugger) or in uninterruptible sleep."""
        proc = self._proc
        if proc is None:
            return None
        try:
            state = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return None
        return _STUCK_STATES.get(state)

    def _write(self, data: bytes) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise OSError("stopped")
        proc.stdin.write(data)
        proc.stdin.flush()

    def log_tail(self) -> str:
        log = self._log
        if log is None:
            return ""
        with contextlib.suppress(ValueError, OSError):
            log.seek(0)
            return log.read().decode("utf-8", "replace")[-2000:].strip()
        return ""

    def _lines(self) -> Iterable[bytes]:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        return proc.stdout
