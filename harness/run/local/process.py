"""A snippet as a process on this machine: laid out in a work dir, run in its own process group,
killed with its children at the timeout, its output drained and capped."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO

from harness.model import HttpResponse
from harness.run.base import Launch, Outcome
from harness.run.common import OUTPUT_LIMIT, parse_response
from harness.run.lifecycle import RUN_ENV, current_marker


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
    """A minimal environment: nothing of the harness's own (tokens, CA bundles, proxies) leaks in but the
    run's marker (`harness.run.lifecycle.RUN_ENV`), by which the run's processes are found and ended."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "TMPDIR": str(workdir),
    }
    marker = current_marker()
    if marker is not None:
        env[RUN_ENV] = marker
    return env


def read_response(path: Path) -> HttpResponse | None:
    """The Worker answer a launch wrote (see `Launch.result_file`), if it wrote one."""
    return parse_response(path.read_bytes()) if path.exists() else None


def lay_out(launch: Launch, workdir: Path) -> list[str]:
    """Writes `launch`'s files into `workdir`; its argv with `{workdir}` filled in."""
    for name, content in launch.files.items():
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return [part.replace("{workdir}", str(workdir)) for part in launch.argv]


def run_process(launch: Launch, workdir: Path, timeout_s: float, output_limit: int = OUTPUT_LIMIT) -> Outcome:
    """Lays out `launch` in `workdir`, runs it in its own process group and kills the group at the
    timeout (so children of the snippet die with it)."""
    argv = lay_out(launch, workdir)
    env = {**base_env(workdir), **launch.env}
    started = time.monotonic()
    try:
        proc = subprocess.Popen(argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        return Outcome(None, "", "", 0.0, infra_error=f"cannot start {argv[0]}: {error}")
    return finish(proc, drain(proc, output_limit), started, timeout_s, launch, workdir)


def drain(proc: subprocess.Popen[bytes], output_limit: int) -> list[_CappedReader]:
    """Readers (started) of `proc`'s stdout and stderr, each keeping at most `output_limit` bytes."""
    assert proc.stdout is not None and proc.stderr is not None
    readers = [_CappedReader(proc.stdout, output_limit), _CappedReader(proc.stderr, output_limit)]
    for reader in readers:
        reader.start()
    return readers


def finish(proc: subprocess.Popen[bytes], readers: list[_CappedReader], started: float, timeout_s: float,
           launch: Launch, workdir: Path) -> Outcome:
    """Waits for `proc` (its own process group) up to `timeout_s`, kills the group, and says what it did."""
    timed_out = False
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        kill_group(proc.pid)
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


def kill_group(pid: int) -> None:
    """Kills process group `pid` (a process started with `start_new_session`), if it is still there."""
    if pid > 0:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
