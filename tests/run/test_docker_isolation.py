"""`--isolation group|run`: warm containers give the evidence a fresh container per snippet gives,
keep the sandbox, leave nothing of one snippet to the next, run -j N, and come and go with their
group. Also: the executor through an explicit DOCKER_HOST, with nothing bind-mounted from this machine."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from docker import DockerClient

from harness.errors import HarnessError
from harness.pipeline import RunOptions, execute, plan
from harness.run.docker.engine import ROLE_LABEL
from harness.run.docker.executor import DockerExecutor
from harness.run.docker.sandbox import Limits
from harness.run.docker.warm_pool import group_of

from .docker_support import engine_client
from .test_docker_exec import PY, SH, py, sh

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "fixtures" / "pages" / "seed.md"
WARM = ("group", "run")


@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()


@pytest.fixture(scope="module", params=WARM)
def warm(request: pytest.FixtureRequest, docker_client: DockerClient) -> Iterator[DockerExecutor]:
    """A run with warm containers (images built when missing); nothing of it is left afterwards."""
    with DockerExecutor(build=True, limits=Limits(memory="256m"), isolation=request.param) as ex:
        yield ex
    assert docker_client.containers.list(all=True, filters={"label": ex.labels.selector}) == []
    assert docker_client.volumes.list(filters={"label": ex.labels.selector}) == []


def warm_containers(client: DockerClient, executor: DockerExecutor) -> list[Any]:
    """The warm containers of `executor`'s run that are running now."""
    return list(client.containers.list(filters={"label": [executor.labels.selector, f"{ROLE_LABEL}=warm"]}))


# --- evidence: the seed page gets the same under every isolation ---------------------------------------------


def seed_evidence(isolation: str, jobs: int) -> tuple[list[tuple[Any, ...]], int]:
    """Per snippet of the seed page: label, status, exit code, stdout, answer, requests, findings;
    and how many warm containers the run started."""
    the_plan = plan([str(SEED)])
    options = RunOptions(executor="docker", jobs=jobs, typecheck=False, build_images=True)
    with DockerExecutor(build=True, isolation=isolation) as executor:
        run = execute(the_plan, executor, options)
        started = executor.warm_started
    evidence = []
    for result in run.results:
        ev = result.evidence
        assert ev is not None and ev.infra_error is None, result.reason
        evidence.append((
            result.snippet.label, result.status.value, ev.exit_code, ev.stdout, ev.response, ev.timed_out,
            [(r.via, r.method, r.url, r.json, r.status, tuple(h for h in r.headers if h[0] != "x-harness-token"))
             for r in ev.requests],
            sorted((f.rule, f.line, f.severity.value) for f in result.findings),
        ))
    return evidence, started


def test_the_seed_page_gets_the_same_evidence_under_every_isolation() -> None:
    cold, started = seed_evidence("snippet", jobs=1)
    assert [e[0] for e in cold] == ["streaming", "worker", "node", "python", "curl"] and started == 0
    for isolation, jobs in (("group", 1), ("run", 1), ("group", 3), ("run", 3)):
        evidence, started = seed_evidence(isolation, jobs)
        assert evidence == cold, f"--isolation {isolation} -j {jobs}"
        # worker, node, python, shell; -j may run the two Python tabs at once
        assert 4 <= started <= 4 + jobs - 1, (isolation, jobs, started)


# --- the sandbox of a warm container -------------------------------------------------------------------------


def test_files_argv_env_user_and_paths_as_in_a_cold_container(warm: DockerExecutor) -> None:
    launch = py("import os, sys; print(os.getcwd(), os.environ['HOME'], os.environ['TMPDIR'], os.getuid(),"
                " open('{workdir}/a/b.txt').read(), os.environ['X']); print('to stderr', file=sys.stderr); sys.exit(3)",
                files={"a/b.txt": b"content"}, env={"X": "y"})
    out = warm.execute(PY, launch, 30)
    assert (out.exit_code, out.stdout, out.stderr) == (3, "/work /work /tmp 10001 content y\n", "to stderr\n")
    assert out.duration_s > 0 and out.infra_error is None


ENVIRONMENT = ("import os, sys; print(sorted((k, v) for k, v in os.environ.items() if k != 'HOSTNAME'), os.getcwd(),"
               " os.getuid(), os.getgid(), os.umask(18), sys.stdin.read(), sorted(os.listdir('/proc/self/fd')),"
               " sorted(os.listdir('.')), os.getpgrp() == os.getpid())")
"""Everything of its surroundings a snippet sees, but the host name (the container's id)."""


@pytest.fixture(scope="module")
def cold() -> Iterator[DockerExecutor]:
    with DockerExecutor(build=True, limits=Limits(memory="256m")) as ex:
        yield ex


@pytest.mark.parametrize("files", [{}, {"a/b.txt": b"x"}])
def test_a_snippet_sees_the_surroundings_a_cold_container_gives(warm: DockerExecutor, cold: DockerExecutor,
                                                               files: dict[str, bytes]) -> None:
    launch = py(ENVIRONMENT, files=files, env={"X": "y"})
    in_warm, in_cold = warm.execute(PY, launch, 30), cold.execute(PY, launch, 30)
    assert in_warm.exit_code == in_cold.exit_code == 0, in_warm.stderr + in_cold.stderr
    assert in_warm.stdout == in_cold.stdout


def test_the_warm_container_has_the_sandbox_of_a_cold_one(warm: DockerExecutor, docker_client: DockerClient) -> None:
    out = warm.execute(SH, sh("grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; echo x > /etc/x"), 30)
    assert out.stdout.split() == ["CapEff:", "0000000000000000", "NoNewPrivs:", "1"]
    assert "Read-only file system" in out.stderr or "Permission denied" in out.stderr
    [container, *_] = [c for c in warm_containers(docker_client, warm) if "shell" in c.attrs["Config"]["Image"]]
    host = container.attrs["HostConfig"]
    assert (host["ReadonlyRootfs"], host["CapDrop"], host["SecurityOpt"]) == (True, ["ALL"], ["no-new-privileges"])
    assert (host["Memory"], host["NanoCpus"], host["PidsLimit"]) == (256 * 2**20, 10**9, 256)
    assert host["NetworkMode"] == f"container:{warm.sidecar.namespace.container_id}"
    assert container.attrs["Config"]["User"] == "10001:10001"


def test_names_resolve_only_to_the_mock_and_nothing_else_is_reachable(warm: DockerExecutor) -> None:
    code = ("import socket\nprint(socket.gethostbyname('api.cloudflare.com'))\n"
            "try:\n    socket.create_connection(('1.1.1.1', 443), timeout=5)\nexcept OSError:\n    print('refused')")
    out = warm.execute(PY, py(code), 30)
    assert out.stdout.split() == ["127.0.0.1", "refused"], out.stderr


def test_a_flood_of_output_is_cut_and_reported(warm: DockerExecutor) -> None:
    out = warm.execute(SH, sh("head -c 5000000 /dev/zero | tr '\\0' x; echo done >&2"), 60)
    assert out.exit_code == 0 and out.output_truncated
    assert len(out.stdout) == 1_000_000 and set(out.stdout) == {"x"} and out.stderr == "done\n"
    small = warm.execute(SH, sh("printf 'no newline'"), 30)
    assert (small.stdout, small.output_truncated) == ("no newline", False)


def test_a_result_file_becomes_the_response(warm: DockerExecutor) -> None:
    answer = '{"status": 201, "headers": [["content-type", "text/plain"]], "body_b64": "aGk="}'
    out = warm.execute(SH, sh(f"echo '{answer}' > r.json", result_file="r.json"), 30)
    assert out.response is not None
    assert (out.response.status, out.response.header("Content-Type"), out.response.body) == (201, "text/plain", b"hi")
    assert warm.execute(SH, sh("true", result_file="r.json"), 30).response is None


def test_big_work_dirs_go_in_through_the_api(warm: DockerExecutor) -> None:
    blob = os.urandom(300_000)
    out = warm.execute(SH, sh("sha256sum big.bin | cut -c1-16", files={"big.bin": blob}), 30)
    assert out.stdout == hashlib.sha256(blob).hexdigest()[:16] + "\n", out.stderr


# --- one snippet leaves nothing to the next ------------------------------------------------------------------

LEAVE_BEHIND = """
sleep 300 &                                     # a plain background job
setsid sh -c 'sleep 300' &                      # one in a session of its own
python3 -c 'import subprocess; subprocess.Popen(["sleep", "300"], start_new_session=True, env={})' 2>/dev/null
(sleep 1; echo LATE; echo LATE > /work/late) &  # one that writes after the snippet ended
echo left > /work/mine; echo left > /tmp/.mine; echo left > /dev/shm/mine; touch /dev/mqueue/mine
mkdir /work/locked; touch /work/locked/f; chmod 000 /work/locked
ipcmk -M 4096 >/dev/null                        # shared memory outlives its process
exit 0
"""

PROCESSES = "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done 2>/dev/null"
LOOK_AROUND = f"""
sleep 2
{PROCESSES} | grep -c 'sleep 30[0]'
ls -A /work /tmp /dev/shm /dev/mqueue | tr '\\n' ' '
echo; tail -n +2 /proc/sysvipc/shm | wc -l
"""


def test_a_snippet_that_leaves_processes_and_files_behind_does_not_touch_the_next(warm: DockerExecutor) -> None:
    first = warm.execute(PY, sh(LEAVE_BEHIND), 30)  # the python image: its bash has python3 beside it
    assert first.exit_code == 0 and first.stdout == "", first.stderr
    after = warm.execute(PY, sh(LOOK_AROUND, files={"own.txt": b"x"}), 30)
    sleepers, files, shared_memory = after.stdout.splitlines()
    empty = ["/dev/mqueue:", "/dev/shm:", "/tmp:", "/work:"]
    assert (sleepers, files.split(), shared_memory) == ("0", [*empty, "own.txt"], "0"), after.stdout
    assert warm.warm_started >= 1


def test_a_timeout_kills_the_snippets_group_and_the_container_serves_the_next(warm: DockerExecutor) -> None:
    started = time.monotonic()
    out = warm.execute(SH, sh("sleep 300 & while :; do :; done"), 2)
    assert (out.timed_out, out.exit_code, out.infra_error) == (True, None, None), out
    assert 2 <= time.monotonic() - started < 15, time.monotonic() - started
    count = warm.warm_started
    nxt = warm.execute(SH, sh(f"{PROCESSES} | grep -c 'sleep 30[0]'; {PROCESSES} | grep -c 'do :; don[e]'"), 30)
    assert nxt.stdout.split() == ["0", "0"], nxt.stdout + nxt.stderr
    assert warm.warm_started == count, "the container was reused"


def test_parallel_snippets_keep_their_own_output_and_work_dirs(warm: DockerExecutor) -> None:
    def one(i: int) -> str:
        return warm.execute(SH, sh("sleep 0.5; cat n.txt; ls | wc -l", files={"n.txt": f"{i}\n".encode()}), 30).stdout

    with ThreadPoolExecutor(max_workers=4) as pool:
        outs = list(pool.map(one, range(12)))
    assert outs == [f"{i}\n1\n" for i in range(12)]


# --- containers come and go with their group -----------------------------------------------------------------


WORK_VOLUME = "grep ' /work ' /proc/self/mountinfo | cut -d' ' -f1"
"""Prints the mount id of the container's work volume (ids are unique across the machine; its host name is the
mock's, which it shares)."""


def test_a_group_holds_its_containers_while_it_runs_and_a_later_group_takes_them_over(
        docker_client: DockerClient) -> None:
    """The pipeline routes and runs each job in one thread: `other` plays a second job thread."""
    with DockerExecutor(build=True, isolation="group") as executor, ThreadPoolExecutor(max_workers=1) as other:
        def route(snippet_id: str) -> None:
            executor.route(snippet_id)

        def run(snippet_id: str | None = None) -> str:
            """Runs one snippet (routed first, if given); the work volume (so the container) it ran in."""
            if snippet_id is not None:
                executor.route(snippet_id)
            out = executor.execute(SH, sh(f"{WORK_VOLUME}; ls -A /tmp /work | tr -d '\\n'; touch /tmp/x"), 30)
            assert (out.exit_code, out.infra_error) == (0, None), out
            volume, listing = out.stdout.split("\n", 1)
            assert listing == "/tmp:/work:", "each snippet finds the container fresh"
            return volume

        g1 = run("p.md::g1::curl")
        assert run("p.md::g1::curl#2") == g1 and executor.warm_started == 1
        g2 = other.submit(run, "p.md::g2::curl").result()  # g1 is done: none of its snippets routed or running
        assert g2 == g1 and executor.warm_started == 1, "g1's container went to g2"
        other.submit(route, "p.md::g2::curl#2").result()  # routed, not run yet: g2 is not done
        g3 = run("p.md::g3::curl")
        assert g3 != g1 and executor.warm_started == 2, "g2 holds its container until it is done"
        assert other.submit(run).result() == g1, "g2's next snippet runs in g2's container"
        assert len(warm_containers(docker_client, executor)) == 2
    assert docker_client.containers.list(all=True, filters={"label": executor.labels.selector}) == []


def test_snippet_ids_name_their_group() -> None:
    assert group_of("docs/a.md::g2::curl") == "docs/a.md::g2"
    assert group_of("docs/a.md::g2::a::b@attempt2") == "docs/a.md::g2"


def test_an_unknown_isolation_is_refused() -> None:
    with pytest.raises(HarnessError, match="isolation"):
        DockerExecutor(isolation="container")


# --- DOCKER_HOST ---------------------------------------------------------------------------------------------

THROUGH_DOCKER_HOST = """
import json, sys
import docker
from harness.run.base import Launch
from harness.run.docker.executor import DockerExecutor

class Shell:
    name = "shell"
    warm_server = False

found = {}
for isolation in ("snippet", "group", "run"):
    with DockerExecutor(build=True, isolation=isolation) as ex:
        script = "cat f; curl -s -o /dev/null -w '%{http_code}' --cacert /harness/ca.pem https://api.cloudflare.com/"
        out = ex.execute(Shell(), Launch(("bash", "-c", script), {"f": b"in "}), 30)
        client = docker.from_env()
        mounts = [m["Type"] for c in client.containers.list(filters={"label": ex.labels.selector})
                  for m in c.attrs["Mounts"]]
        found[isolation] = [out.exit_code, out.stdout, out.infra_error, sorted(set(mounts))]
print(json.dumps(found))
"""


def test_the_executor_runs_through_an_explicit_docker_host(docker_client: DockerClient) -> None:
    """A remote engine is not available here: DOCKER_HOST names this engine's socket explicitly, and no
    container of the run may bind-mount a path of this machine (a remote engine could not see it)."""
    socket = "/var/run/docker.sock"
    if not Path(socket).exists():
        pytest.fail(f"the engine's socket is not at {socket}")
    env = {**os.environ, "DOCKER_HOST": f"unix://{socket}"}
    done = subprocess.run([sys.executable, "-c", THROUGH_DOCKER_HOST], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.splitlines()[-1])
    for isolation in ("snippet", "group", "run"):
        exit_code, stdout, problem, mounts = found[isolation]
        assert (exit_code, problem) == (0, None) and stdout.startswith("in "), (isolation, found[isolation])
        assert "bind" not in mounts and "volume" in mounts, (isolation, mounts)


# --- the command line ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("executor", ["docker", "local"])
def test_harness_run_takes_isolation_and_other_executors_ignore_it(executor: str, tmp_path: Path) -> None:
    report = tmp_path / "run.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", str(SEED), "-q", "--no-cache", "--no-typecheck",
                           "--executor", executor, "--build", "--isolation", "group", "-j", "2", "--json", str(report)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert report.exists(), done.stdout + done.stderr
    snippets = json.loads(report.read_text())["snippets"]
    assert [(s["label"], s["status"] != "error") for s in snippets] == [
        ("streaming", True), ("worker", True), ("node", True), ("python", True), ("curl", True)], done.stderr


# --- the standing line to the mock sidecar -------------------------------------------------------------------


KILL_RELAY = "for p in /proc/[0-9]*; do grep -q 'admin import call' $p/cmdline 2>/dev/null && kill ${p#/proc/}; done"


def test_registration_and_journal_go_over_one_standing_exec_and_fall_back_when_it_breaks(
        docker_client: DockerClient) -> None:
    curl = ("curl -sS -x \"$HTTPS_PROXY\" --cacert /harness/ca.pem -H 'Authorization: Bearer harness-test-token' "
            "-d '{\"prompt\": \"hi\"}' https://api.cloudflare.com/client/v4/accounts/"
            "023e105f4ecef8ad9ca31a8372d0c353/ai/run/@cf/meta/llama-3-8b-instruct")
    with DockerExecutor(build=True, isolation="run") as executor:
        assert executor._channel is not None
        route = executor.route("p.md::g1::curl")
        out = executor.execute(SH, sh(curl, env={"HTTPS_PROXY": route.proxy_url}), 30)
        assert '"success":true' in out.stdout.replace(" ", ""), out.stderr
        over_channel = executor.requests_of("p.md::g1::curl")
        assert [(r.via, r.status) for r in over_channel] == [("rest", 200)]
        assert over_channel == executor.sidecar.journal("p.md::g1::curl"), "the same entries as admin.py gives"
        docker_client.containers.get(f"harness-{executor.labels.run_id}-mock").exec_run(["sh", "-c", KILL_RELAY])
        assert executor.requests_of("p.md::g1::curl") == over_channel and executor._channel is None
        assert executor.route("p.md::g1::other").token != route.token
