"""Warm Worker serving: `runners/worker/serve.mjs` keeps one workerd running and loads each Worker
snippet into a fresh isolate (workerd's Worker Loader), instead of starting Miniflare per snippet.

Each snippet still gets its own isolate, token and proxy route, and the same bundle, binding and
outbound path as the cold runner (`run.mjs`); `tests/run/test_warm_worker.py` runs snippets both ways
and compares the evidence. What differs: the stack of a handler that throws names the warm host
instead of Miniflare's entry worker. Both wait for the snippet's `ctx.waitUntil` work after the
answer (`runners/worker/settle.mjs`, up to workerd's 30 s), so what it prints and sends is its own,
and a job ends only then: nothing a snippet does late is counted as the next one's. The pinned
`@cloudflare/ai` generation (option `ai_version`) is bundled per job. A Worker loaded by the Worker
Loader has no Cache API (`caches.default` throws "No Cache was configured"), so a snippet that uses
`caches` runs cold (`WarmWorkers.serves`), where Miniflare gives it a local cache as the cold path always did;
so does one with bindings beyond `env.AI` (KV, D1, ...: Miniflare's simulators, `harness.runtimes.worker_bindings`).

A server runs one snippet at a time (so the output workerd prints is that snippet's); the pool starts
another when all are busy, so `-j N` uses up to N servers. A snippet that times out takes its server
down with it; the next one starts a fresh server. A server is replaced after `RECYCLE_AFTER` jobs.

`WarmWorkerServer` and `ServerPool` do not care what carries a server's lines (`JsonLinesHelper`):
`WarmWorkers` runs local servers for the local executors, `harness.run.docker.warm_worker` runs each
in a sandboxed container for the docker executor.
"""

from __future__ import annotations

import queue
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.model import HttpResponse
from harness.run.base import Launch, Outcome
from harness.run.local.helper_process import HelperProcess, JsonLinesHelper, Message
from harness.run.local.process import base_env, read_response

START_TIMEOUT_S = 30.0
RECYCLE_AFTER = 100
"""Jobs a server runs before it is replaced: workerd keeps every loaded isolate (~0.35 MB each), so
a server that ran thousands of snippets held over a gigabyte; a new one costs ~0.3 s."""
_GONE: dict[str, Any] = {}
"""Put in a server's answers once its output has ended."""
SERVER_ENV = ("HARNESS_MOCK_URL", "NODE_EXTRA_CA_CERTS")
"""Variables of a worker launch that hold for the whole run: the server is started with them."""
_COLD_ONLY = re.compile(rb"\bcaches\b")
"""What a warm isolate cannot give a snippet: the Cache API."""

OpenHelper = Callable[[Callable[[Message], None], Callable[[], None]], JsonLinesHelper]
"""Makes the (not yet started) helper of a server from its `on_message` and `on_end`."""


class WarmWorkerServer:
    """One `serve.mjs` and its workerd, as a context manager; `run` hands it one job at a time."""

    def __init__(self, env: dict[str, str], open_helper: OpenHelper) -> None:
        self.env = env
        """The run-wide variables it was started with (the mock's URL, the run's CA)."""
        self._answers: queue.Queue[dict[str, Any]] = queue.Queue()
        self._helper = open_helper(self._answers.put, lambda: self._answers.put(_GONE))
        self.jobs = 0
        """Jobs sent to it so far."""

    @property
    def alive(self) -> bool:
        return self._helper.running

    def __enter__(self) -> WarmWorkerServer:
        self._helper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._helper.__exit__()  # workerd goes with the server (its process group, or its container)

    def run(self, job: dict[str, Any], timeout_s: float) -> dict[str, Any] | None:
        """Sends one job and waits for its answer; None when it did not come in time (the server is
        then stopped, since a snippet may still hold workerd)."""
        self.jobs += 1
        self._helper.send({**job, "job": self.jobs})
        try:
            answer = self._answers.get(timeout=timeout_s)
        except queue.Empty:
            stuck = self._helper.stuck()
            self.__exit__()
            if stuck is not None:  # the server hung, not the snippet
                raise HarnessError(f"the warm Worker server stopped answering: {stuck}") from None
            return None
        if answer is _GONE:
            problem = self._helper.log_tail() or "no output"
            self.__exit__()
            raise HarnessError(f"the warm Worker server died: {problem}")
        return answer


class ServerPool:
    """A pool of warm Worker servers for a run: started on demand by `start(env)`, reused, stopped on
    `close`; `run` sends a job to an idle one. Thread-safe."""

    def __init__(self, start: Callable[[dict[str, str]], WarmWorkerServer]) -> None:
        self._start = start
        self._idle: list[WarmWorkerServer] = []
        self._all: list[WarmWorkerServer] = []
        self._lock = threading.Lock()
        self.started = 0
        """Servers started so far (for tests and the benchmark)."""

    def _take(self, env: dict[str, str]) -> WarmWorkerServer:
        with self._lock:
            while self._idle:
                server = self._idle.pop()
                if server.alive and server.env == env:
                    return server
            self.started += 1
        server = self._start(env).__enter__()
        with self._lock:
            self._all.append(server)
        return server

    def _give_back(self, server: WarmWorkerServer) -> None:
        with self._lock:
            if server.alive and server.jobs < RECYCLE_AFTER:
                self._idle.append(server)
                return
            if server in self._all:
                self._all.remove(server)
        server.__exit__()

    def close(self) -> None:
        with self._lock:
            servers, self._all, self._idle = self._all, [], []
        for server in servers:
            server.__exit__()

    @staticmethod
    def serves(launch: Launch) -> bool:
        """Whether a launch of the `worker` runner can run warm (else it runs cold, as `run.mjs`)."""
        if any(launch.env.get(k) for k in ("HARNESS_BINDINGS", "HARNESS_EVENT", "HARNESS_NPM_PACKAGES")):  # cold only
            return False
        return not any(_COLD_ONLY.search(content) for content in launch.files.values())

    def run(self, launch: Launch, job: dict[str, Any], timeout_s: float, output_limit: int,
            response: Callable[[dict[str, Any]], HttpResponse | None]) -> Outcome:
        """Runs `job` (what serve.mjs needs of `launch` but the snippet's code) on an idle server;
        `response` reads the Worker's answer from the server's."""
        env = {name: launch.env[name] for name in SERVER_ENV if name in launch.env}
        job = {**job, "token": launch.env.get("HARNESS_TOKEN", ""), "proxy": launch.env.get("HTTPS_PROXY", ""),
               "limit": output_limit, "aiVersion": launch.env.get("HARNESS_AI_VERSION", ""),
               "requests": launch.env.get("HARNESS_REQUESTS", ""),  # world: see harness/worker_request.py
               "pages": launch.env.get("HARNESS_PAGES", "")}  # bindings helper: a Pages Function's route
        started = time.monotonic()
        try:
            server = self._take(env)
        except HarnessError as error:
            return Outcome(None, "", "", time.monotonic() - started, infra_error=str(error))
        try:
            answer = server.run(job, timeout_s)
        except HarnessError as error:
            return Outcome(None, "", "", time.monotonic() - started, infra_error=str(error))
        finally:
            self._give_back(server)
        duration = time.monotonic() - started
        if answer is None:
            return Outcome(None, "", "", duration, timed_out=True)
        return Outcome(exit_code=int(answer["exit"]), stdout=answer.get("stdout", ""), stderr=answer.get("stderr", ""),
                       duration_s=duration, output_truncated=bool(answer.get("truncated")),
                       response=response(answer))


class WarmWorkers(ServerPool):
    """The local warm Worker servers of a run (each a `serve.mjs` process with a temporary dir)."""

    def __init__(self, runners_dir: Path) -> None:
        super().__init__(self._local_server)
        self.runners_dir = runners_dir

    def _local_server(self, env: dict[str, str]) -> WarmWorkerServer:
        argv = ["node", str(self.runners_dir / "worker" / "serve.mjs")]

        def open_helper(on_message: Callable[[Message], None], on_end: Callable[[], None]) -> JsonLinesHelper:
            return _LocalServerProcess(argv, env, on_message, on_end)

        return WarmWorkerServer(env, open_helper)

    def execute(self, launch: Launch, workdir: Path, timeout_s: float, output_limit: int) -> Outcome:
        """Runs a launch of the `worker` runner (`node run.mjs <entry> <result>`) on a warm server."""
        for name, content in launch.files.items():
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            (workdir / name).write_bytes(content)
        entry, result = (part.replace("{workdir}", str(workdir)) for part in launch.argv[2:4])
        return self.run(launch, {"entry": entry, "result": result}, timeout_s, output_limit,
                        lambda _: read_response(Path(result)))


class _LocalServerProcess(HelperProcess):
    """A local `serve.mjs`, with a temporary dir of its own (HARNESS_WARM_DIR) removed after it."""

    def __init__(self, argv: list[str], env: dict[str, str], on_message: Callable[[Message], None],
                 on_end: Callable[[], None]) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="harness-warm-worker-"))
        super().__init__(argv, {**base_env(self._dir), **env, "HARNESS_WARM_DIR": str(self._dir)},
                         "warm Worker server", START_TIMEOUT_S, on_message, on_end)

    def _close(self) -> None:
        super()._close()  # workerd is in the server's process group: it goes too
        shutil.rmtree(self._dir, ignore_errors=True)
