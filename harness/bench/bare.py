"""The bare limit: the snippets a run executes, each run directly by its interpreter against the same
mock at the same parallelism, with nothing of the harness around it.

The same files and the same routing environment as the runners lay out (the proxy and CA variables
are what lets a snippet reach the mock at all), then: `python snippet.py` with the Python runner's
interpreter, `node --require shim.cjs snippet.mjs` (Node 20's fetch needs the preload to honour the
proxy), `bash -e snippet.sh`, and for a Worker its bundle (the esbuild binary) served by one workerd
of its own (no Miniflare, no Node), `env.AI` bound to the mock by the same wrapper module, and one
`GET /`. No output capping, no journal reads, no checks. Each snippet leads a session of its own,
as under the executors: with the scheduler's autogroups, a process in the bench's own session shares
one group's CPU with everything else there, which on a busy machine made "bare" several times slower
than the harness.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness.mock.server import MockServer
from harness.pipeline import Job
from harness.run.base import Launch
from harness.run.local.process import base_env
from harness.run.registry import runners

TIMEOUT_S = 60.0
_WORKER_CONFIG = """using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "snippet", worker = .snippet), (name = "mock", external = (address = "{mock}", http = ())) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "snippet") ],
  extensions = [ (modules = [ (name = "harness:ai", esModule = embed "ai-binding.mjs", internal = true) ]) ],
);
const snippet :Workerd.Worker = (
  modules = [ (name = "worker.mjs", esModule = embed "bundle.mjs") ],
  compatibilityDate = "2024-09-23", compatibilityFlags = ["nodejs_compat"],
  bindings = [ (name = "AI", wrapped = (moduleName = "harness:ai",
    innerBindings = [ (name = "MOCK", service = "mock"), (name = "TOKEN", text = "{token}") ])) ],
);
"""


@dataclass(frozen=True)
class BareRun:
    """One snippet run bare."""

    runner: str
    duration_s: float
    exit_code: int | None


def _direct(runner: str, launch: Launch, workdir: Path, runners_dir: Path) -> list[str]:
    argv = [part.replace("{workdir}", str(workdir)) for part in launch.argv]
    if runner == "node" and not argv[-1].endswith(".ts"):  # TypeScript needs run.mjs to compile it
        return ["node", "--require", str(runners_dir / "node" / "shim.cjs"), argv[-1]]
    return argv


def _run_worker(launch: Launch, workdir: Path, runners_dir: Path) -> int | None:
    modules = runners_dir / "worker" / "node_modules"
    entry = next(str(workdir / name) for name in launch.files)
    bundled = subprocess.run(
        [str(modules / "@esbuild" / "linux-x64" / "bin" / "esbuild"), entry, "--bundle", "--format=esm",
         "--platform=neutral", "--target=es2022", "--conditions=workerd,worker,browser",
         "--main-fields=browser,module,main", "--external:node:*", "--external:cloudflare:*",
         f"--outfile={workdir / 'bundle.mjs'}", "--log-level=error"],
        env={**base_env(workdir), "NODE_PATH": str(modules)}, capture_output=True, timeout=TIMEOUT_S)
    if bundled.returncode != 0:
        return bundled.returncode
    (workdir / "ai-binding.mjs").write_bytes((runners_dir / "worker" / "ai-binding.mjs").read_bytes())
    mock = launch.env["HARNESS_MOCK_URL"].split("//", 1)[1]
    (workdir / "config.capnp").write_text(_WORKER_CONFIG.format(mock=mock, token=launch.env["HARNESS_TOKEN"]))
    ready, tell = os.pipe()
    server = subprocess.Popen([str(modules / "workerd" / "bin" / "workerd"), "serve", "config.capnp",
                               f"--control-fd={tell}"], cwd=workdir, pass_fds=(tell,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(tell)
    try:
        with os.fdopen(ready) as events:
            port = next(e["port"] for e in map(json.loads, events) if e.get("event") == "listen")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        connection.request("GET", "/")
        answer = connection.getresponse()
        answer.read()
        return 0
    finally:
        server.kill()
        server.wait()


def run_one(job: Job, mock: MockServer, runners_dir: Path) -> BareRun:
    """Runs one snippet bare; its wall time from laying out its files to its exit."""
    launch = runners(runners_dir)[job.runner].launch(job.snippet, mock.route(job.snippet.id), runners_dir)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="harness-bare-") as tmp:
        workdir = Path(tmp)
        for name, content in launch.files.items():
            (workdir / name).write_bytes(content)
        if job.runner == "worker":
            code = _run_worker(launch, workdir, runners_dir)
        else:
            done = subprocess.run(_direct(job.runner, launch, workdir, runners_dir), cwd=workdir,
                                  env={**base_env(workdir), **launch.env}, stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=TIMEOUT_S, start_new_session=True)
            code = done.returncode
    return BareRun(job.runner, time.monotonic() - started, code)


def run_bare(jobs: Sequence[Job], runners_dir: Path, parallel: int) -> tuple[list[BareRun], float]:
    """Every job run bare, `parallel` at a time, against one mock; the runs and the total wall time."""
    with MockServer() as mock:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            runs = list(pool.map(lambda job: run_one(job, mock, runners_dir), jobs))
        return runs, time.monotonic() - started
