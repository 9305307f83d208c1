"""One `harness run fixtures/hostile --executor docker` for the whole hostile suite, watched from the host.

The pages are outside `fixtures/pages` on purpose: `harness run fixtures/pages` (`make run`, the report
tests) runs with the local executor, with no sandbox, where a fork bomb or a disk filler is real.

While the run goes, the host listens on 127.0.0.1:47211 (the port `host-loopback.md` knocks on), keeps a
secret in /tmp (the file `read-host-files.md` looks for) and samples its own free memory. After it, the
engine is asked for anything labelled with the run's pid, and the process table for the daemons a
snippet started.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from docker import DockerClient
from run.docker_support import engine_client  # tests/ is the root of the test packages

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures" / "hostile"
LISTEN_PORT = 47211
SECRET_FILE = Path("/tmp/harness-hostile-secret.txt")
PID_LABEL = "org.harness.pid"
"""The label with the pid of the harness process that owns a container or volume (the engine module's
`PID_LABEL`, spelt out here so the test does not depend on where that module lives)."""
RUN_BOUND_S = 240.0
"""The whole run (images already built), 14 snippets at -j 3; measured at about 30 s."""


@dataclass
class HostWatch:
    """What the host saw while the run went."""

    knocks: list[str] = field(default_factory=list)
    """Peers that connected to the host's 127.0.0.1:47211."""
    min_available_kb: int = 0
    start_available_kb: int = 0
    stop: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class HostileRun:
    """The run's report, how it ended and what was left after it."""

    report: dict[str, Any]
    """The JSON report."""
    returncode: int
    wall_s: float
    watch: HostWatch
    containers_left: list[str]
    """Names of containers (running or not) labelled with the run's pid, after it ended."""
    volumes_left: list[str]
    processes_left: list[str]
    """Host processes whose command line is one of the daemons `leftover-daemon.md` starts."""
    secret: str

    def snippet(self, page: str) -> dict[str, Any]:
        """The one snippet of `fixtures/hostile/<page>`."""
        [found] = [s for s in self.report["snippets"] if s["page"].endswith(f"/{page}")]
        return found

    def rules(self, page: str) -> list[str]:
        """The rule codes of the findings about that snippet."""
        return [f["rule"] for f in self.snippet(page)["findings"]]


def _available_kb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1])
    raise AssertionError("no MemAvailable in /proc/meminfo")


def _listen(watch: HostWatch, server: socket.socket) -> None:
    server.settimeout(0.2)
    while not watch.stop.is_set():
        try:
            conn, peer = server.accept()
        except TimeoutError:
            continue
        watch.knocks.append(f"{peer[0]}:{peer[1]}")
        conn.close()


def _sample_memory(watch: HostWatch) -> None:
    while not watch.stop.is_set():
        watch.min_available_kb = min(watch.min_available_kb, _available_kb())
        time.sleep(0.2)


def _daemons() -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        if cmdline in ("sleep 3671", "sleep 3672"):
            found.append(f"{proc.name}: {cmdline}")
    return found


@pytest.fixture(scope="session")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()


@pytest.fixture(scope="session")
def hostile_run(docker_client: DockerClient, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    out = tmp_path_factory.mktemp("hostile") / "run.json"
    secret = f"host secret {os.urandom(8).hex()}"
    SECRET_FILE.write_text(secret + "\n")
    start_kb = _available_kb()
    watch = HostWatch(min_available_kb=start_kb, start_available_kb=start_kb)
    server = socket.create_server(("127.0.0.1", LISTEN_PORT), reuse_port=False)
    threads = [threading.Thread(target=_listen, args=(watch, server), daemon=True),
               threading.Thread(target=_sample_memory, args=(watch,), daemon=True)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "run", str(PAGES.relative_to(ROOT)),
                                 "--executor", "docker", "--build", "-j", "3", "-q", "--no-cache", "--json", str(out)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            stdout, stderr = proc.communicate(timeout=RUN_BOUND_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail(f"the hostile run did not end within {RUN_BOUND_S:.0f} s")
        wall_s = time.monotonic() - started
        assert out.exists(), f"no report: {stdout[-2000:]}{stderr[-2000:]}"
        labelled = {"label": f"{PID_LABEL}={proc.pid}"}
        containers = [c.name for c in docker_client.containers.list(all=True, filters=labelled)]
        volumes = [v.name for v in docker_client.volumes.list(filters=labelled)]
        yield HostileRun(json.loads(out.read_text()), proc.returncode, wall_s, watch, containers, volumes,
                         _daemons(), secret)
    finally:
        watch.stop.set()
        for thread in threads:
            thread.join(timeout=2)
        server.close()
        SECRET_FILE.unlink(missing_ok=True)
