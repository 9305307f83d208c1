"""Spare Node processes for the local executors: each snippet still gets a process of its own, started
ahead of its job.

A spare is `node --require shim.cjs run.mjs --spare JOB_FD READY_FD` (see `runners/node/run.mjs`):
Node's start, the resolution hooks' thread, undici and a first fetch (against a server of the
spare's own, nothing recorded) are paid before there is a job, then it says "ready" and blocks on
its job pipe. A job is one JSON line: the snippet's file, work dir and whole environment; the spare
takes them (cwd, `process.env`, `argv`, the proxy of that snippet's route) and runs the snippet as
`run.mjs FILE` would. A spare runs one snippet and exits: nothing of one snippet (globals, module
cache, environment, cwd, timers, handles, a patched `fetch`) can reach the next, as with a fresh
process (`tests/run/test_node_spares.py` holds both ways to the same answers). Its stdin is
/dev/null from the start; its stdout and stderr are pipes nothing is written to before the job; it
has a process group of its own, killed at the job's end or timeout like a fresh process's.

What a spare cannot take at run time is what Node reads as it starts (`NODE_OPTIONS`,
`NODE_EXTRA_CA_CERTS`, the locale, ...: `STARTUP_ENV`): a spare serves a launch only when those
variables are the ones it was started with; any other launch runs fresh. The pool keeps `size`
spares; one taken is replaced when its job ends (a start slows what runs beside it).
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import re
import select
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from harness.run.base import Launch, Outcome
from harness.run.local.process import base_env, drain, finish, kill_group, lay_out, run_process

READY_TIMEOUT_S = 30.0
SPARES = 2
STARTUP_ENV = re.compile(r"^(NODE_|UV_|OPENSSL_|SSL_|LC_|LANG|TZ$)")
"""Variables Node (or OpenSSL, libuv, ICU) reads as it starts, which a spare must have been started with."""


def startup_env(env: Mapping[str, str]) -> frozenset[tuple[str, str]]:
    """The part of an environment a spare must have been started with."""
    return frozenset((name, value) for name, value in env.items() if STARTUP_ENV.match(name))


class _Spare:
    """One spare process: its job pipe (ours to write) and its ready pipe (ours to read)."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: str, output_limit: int) -> None:
        job_read, self.job_fd = os.pipe()
        self.ready_fd, ready_write = os.pipe()
        try:
            self.proc = subprocess.Popen([*argv, "--spare", str(job_read), str(ready_write)], cwd=cwd, env=env,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         pass_fds=(job_read, ready_write), start_new_session=True)
        except OSError:
            os.close(self.job_fd)
            os.close(self.ready_fd)
            raise
        finally:
            os.close(job_read)
            os.close(ready_write)
        self.readers = drain(self.proc, output_limit)

    def wait_ready(self, timeout_s: float) -> bool:
        """True once it said it is ready; False when it died or did not say so in time."""
        ready, _, _ = select.select([self.ready_fd], [], [], timeout_s)
        return bool(ready) and os.read(self.ready_fd, 64).startswith(b"ready")

    def hand_over(self, job: Mapping[str, object]) -> bool:
        """Writes its job; False when it no longer reads."""
        try:
            data = memoryview((json.dumps(job) + "\n").encode())
            while data:
                data = data[os.write(self.job_fd, data):]
            return True
        except OSError:
            return False
        finally:
            self.close_pipes()

    def close_pipes(self) -> None:
        for fd in (self.job_fd, self.ready_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.job_fd = self.ready_fd = -1

    def discard(self) -> None:
        self.close_pipes()
        kill_group(self.proc.pid)
        self.proc.wait()
        for reader in self.readers:
            reader.join(timeout=5)


class NodeSpares:
    """A pool of spare Node processes for the Node runner's launches (`serves`); thread-safe."""

    def __init__(self, runners_dir: Path, output_limit: int, size: int = SPARES) -> None:
        here = runners_dir / "node"
        self.argv = ["node", "--require", str(here / "shim.cjs"), str(here / "run.mjs")]
        """What a fresh launch of the Node runner runs, before its script."""
        self.size = size
        self.output_limit = output_limit
        self.started = 0
        """Spares started so far."""
        self.served = 0
        """Launches run in a spare so far (the others ran fresh)."""
        self._spares: collections.deque[_Spare] = collections.deque()
        self._startup: frozenset[tuple[str, str]] | None = None
        self._lock = threading.Lock()
        self._home: tempfile.TemporaryDirectory[str] | None = None
        """The spares' cwd, HOME and TMPDIR until their job gives them their own (made with the first)."""
        self._closed = False

    def serves(self, launch: Launch) -> bool:
        """A launch of the Node runner (`node --require shim.cjs run.mjs {workdir}/<script>`)."""
        *head, script = launch.argv
        return self.size > 0 and head == self.argv and script.startswith("{workdir}/")

    def execute(self, launch: Launch, workdir: Path, timeout_s: float) -> Outcome:
        """Runs `launch` (one it `serves`) in a spare, or fresh when no spare can take it."""
        spare = self._take(startup_env(launch.env))
        if spare is None:
            return run_process(launch, workdir, timeout_s, self.output_limit)
        try:
            argv = lay_out(launch, workdir)
            ready = spare.wait_ready(READY_TIMEOUT_S)
            started = time.monotonic()
            job = {"file": argv[-1], "workdir": str(workdir), "env": {**base_env(workdir), **launch.env}}
            if not ready or not spare.hand_over(job):
                spare.discard()
                return run_process(launch, workdir, timeout_s, self.output_limit)
            with self._lock:
                self.served += 1
            return finish(spare.proc, spare.readers, started, timeout_s, launch, workdir)
        finally:
            self._top_up()

    def _take(self, startup: frozenset[tuple[str, str]]) -> _Spare | None:
        """The oldest spare, when the pool's are started as `startup` asks (a pool started otherwise
        is emptied and started anew for it); None when there is none to take."""
        with self._lock:
            if self._closed:
                return None
            if startup != self._startup:
                self._drop_all()
                self._startup = startup
            spare = self._spares.popleft() if self._spares else None
        if spare is None:
            self._top_up()
        return spare

    def _top_up(self) -> None:
        with self._lock:
            while not self._closed and self._startup is not None and len(self._spares) < self.size:
                if self._home is None:
                    self._home = tempfile.TemporaryDirectory(prefix="harness-node-spares-")
                env = {**base_env(Path(self._home.name)), **dict(self._startup)}
                try:
                    self._spares.append(_Spare(self.argv, env, self._home.name, self.output_limit))
                except OSError:
                    return  # the next launch runs fresh, and says why if node cannot start
                self.started += 1

    def _drop_all(self) -> None:
        while self._spares:
            self._spares.popleft().discard()

    def close(self) -> None:
        """Stops every spare (none ran a snippet) and removes their folder."""
        with self._lock:
            self._closed = True
            self._drop_all()
            if self._home is not None:
                self._home.cleanup()
                self._home = None
