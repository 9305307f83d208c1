"""The standing supervisor of a warm container: one `docker exec -i` runs snippet after snippet, each
finding the container fresh; a timeout, an output flood and a broken channel are handled, the last
by giving the container up (the snippet gets an infra error, or a fresh container when the break is
seen before it is handed over)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from docker import DockerClient

from harness.run.docker import images
from harness.run.docker.engine import ROLE_LABEL
from harness.run.docker.executor import DockerExecutor
from harness.run.docker.sandbox import Limits
from harness.run.docker.warm_container import WarmContainer

from .docker_support import engine_client
from .test_docker_exec import PY, sh

pytestmark = pytest.mark.docker

LIMITS = Limits(memory="256m", output_bytes=100_000)
SLEEPERS = "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done 2>/dev/null | grep -c 'sleep 30[0-9]'"
"""How many of the `sleep 30x` a snippet may have left run in the container (0 when none)."""


@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()


@pytest.fixture(scope="module")
def run(docker_client: DockerClient) -> Iterator[DockerExecutor]:
    with DockerExecutor(build=True, limits=LIMITS, isolation="run") as executor:
        yield executor
    assert docker_client.containers.list(all=True, filters={"label": executor.labels.selector}) == []
    assert docker_client.volumes.list(filters={"label": executor.labels.selector}) == []


@pytest.fixture
def warm(run: DockerExecutor, docker_client: DockerClient) -> Iterator[WarmContainer]:
    """A warm container of the python image (bash, coreutils and python3) of the run, by itself."""
    image = images.image_for("python", docker_client)
    assert image is not None
    container = WarmContainer(docker_client, image, run.sidecar.namespace, run.labels, LIMITS).start()
    yield container
    container.remove()


def supervisor_of(container: WarmContainer) -> str:
    """The pid of the process that starts `container`'s snippets (their parent), from inside."""
    out = container.run(sh("echo $PPID"), 30)
    assert out.exit_code == 0 and out.infra_error is None, out
    return out.stdout.strip()


def kill_in(client: DockerClient, executor: DockerExecutor, image: str, pid: str) -> None:
    """Kills `pid` in the run's one warm container of `image`, from a `docker exec` of its own."""
    [container] = [c for c in client.containers.list(filters={"label": [executor.labels.selector,
                                                                        f"{ROLE_LABEL}=warm"]})
                   if c.attrs["Config"]["Image"] == image]
    assert container.exec_run(["sh", "-c", f"kill -KILL {pid}"], user="10001:10001").exit_code == 0


def test_consecutive_snippets_share_the_supervisor_and_nothing_else(warm: WarmContainer) -> None:
    supervisor = supervisor_of(warm)
    first = warm.run(sh("sleep 300 & setsid sleep 301 & echo left > /tmp/.a; echo left > a; mkfifo /dev/shm/f;"
                        " echo $PPID", files={"own": b"x"}), 30)
    assert (first.exit_code, first.stdout, first.infra_error) == (0, f"{supervisor}\n", None), first
    second = warm.run(sh(f"sleep 1; {SLEEPERS}; ls -A /tmp /work /dev/shm | tr '\\n' ' '; echo $PPID"), 30)
    assert second.stdout.split() == ["0", "/dev/shm:", "/tmp:", "/work:", supervisor], second
    assert not warm.broken and warm.usable


def test_stdout_and_stderr_reach_their_snippet_only(warm: WarmContainer) -> None:
    out = warm.run(sh("printf out; printf err >&2; cat; echo read >&2", files={"a": b"1"}), 30)
    assert (out.stdout, out.stderr, out.exit_code) == ("out", "errread\n", 0), "stdin is /dev/null, not the jobs"
    nxt = warm.run(sh("echo next; exit 4"), 30)
    assert (nxt.stdout, nxt.stderr, nxt.exit_code, nxt.output_truncated) == ("next\n", "", 4, False)


def test_a_timeout_kills_the_snippet_and_the_supervisor_goes_on(warm: WarmContainer) -> None:
    supervisor = supervisor_of(warm)
    started = time.monotonic()
    out = warm.run(sh("echo begun; sleep 300 & while :; do :; done"), 2)
    assert (out.timed_out, out.exit_code, out.infra_error, out.stdout) == (True, None, None, "begun\n"), out
    assert 2 <= time.monotonic() - started < 15
    nxt = warm.run(sh(f"{SLEEPERS}; echo $PPID"), 30)
    assert nxt.stdout.split() == ["0", supervisor] and not nxt.timed_out


def test_a_flood_of_output_is_cut_per_stream_and_the_next_answer_is_whole(warm: WarmContainer) -> None:
    out = warm.run(sh("head -c 3000000 /dev/zero | tr '\\0' x; head -c 200000 /dev/zero | tr '\\0' y >&2; echo z"),
                   60)
    assert (out.exit_code, out.output_truncated, out.infra_error) == (0, True, None)
    assert out.stdout == "x" * LIMITS.output_bytes and out.stderr == "y" * LIMITS.output_bytes
    nxt = warm.run(sh("echo next"), 30)
    assert (nxt.stdout, nxt.stderr, nxt.output_truncated) == ("next\n", "", False)


def test_a_result_file_and_big_work_dirs_travel_over_the_channel(warm: WarmContainer) -> None:
    blob = bytes(range(256)) * 2000  # 512 KB: more than a command argument may hold
    answer = '{"status": 200, "headers": [], "body_b64": "aGk="}'
    out = warm.run(sh(f"cmp -s big.bin copy && echo same; echo '{answer}' > r.json",
                      files={"big.bin": blob, "copy": blob}, result_file="r.json"), 30)
    assert (out.stdout, out.stderr) == ("same\n", "") and out.response is not None and out.response.body == b"hi"


def test_a_supervisor_killed_between_snippets_is_seen_before_the_next_is_handed_over(
        warm: WarmContainer, run: DockerExecutor, docker_client: DockerClient) -> None:
    supervisor = supervisor_of(warm)
    kill_in(docker_client, run, warm.image, supervisor)
    deadline = time.monotonic() + 10
    while warm.usable and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not warm.usable
    out = warm.run(sh("echo never"), 30)
    assert out.exit_code is None and "did not report" in (out.infra_error or "") and warm.broken, out


def test_a_supervisor_killed_during_a_snippet_gives_an_infra_error_and_the_container_up(warm: WarmContainer) -> None:
    out = warm.run(sh("echo before; kill -KILL $PPID; sleep 1; echo after"), 30)
    assert out.exit_code is None and out.stdout.startswith("before\n"), out
    assert "supervisor did not report" in (out.infra_error or "") and warm.broken and not warm.usable


def test_the_pool_gives_a_broken_container_up_and_runs_the_snippet_on_a_fresh_one(
        run: DockerExecutor, docker_client: DockerClient) -> None:
    run.route("p.md::g1::python")
    pid = run.execute(PY, sh("echo $PPID"), 30).stdout.strip()
    started = run.warm_started
    kill_in(docker_client, run, images.image_for("python", docker_client) or "", pid)
    time.sleep(1)  # the engine ends the exec's connection
    run.route("p.md::g1::python#2")
    out = run.execute(PY, sh("echo $PPID"), 30)
    assert (out.exit_code, out.infra_error) == (0, None) and run.warm_started == started + 1, out
    run.route("p.md::g1::python#3")
    killed = run.execute(PY, sh("kill -KILL $PPID"), 30)
    assert killed.infra_error is not None
    run.route("p.md::g1::python#4")
    nxt = run.execute(PY, sh("echo fine"), 30)
    assert (nxt.stdout, nxt.infra_error) == ("fine\n", None) and run.warm_started == started + 2
