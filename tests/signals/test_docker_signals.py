"""SIGINT and SIGTERM to `harness run` under docker (and `auto`, which takes docker when it is ready):
the snippet containers, the mock sidecar and their volumes go, the reports say what finished; after a
SIGKILL the next run (a local one even) removes the killed run's containers and volumes."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator

import pytest
from docker import DockerClient
from run.docker_support import engine_client  # tests/ is the root of the test packages

from signals.watch import AFTER, ALL, PID_LABEL, Watched, every_report_written, leftovers, nothing_left

pytestmark = pytest.mark.docker
INTERRUPTED = ("skipped", "not run: interrupted")


@pytest.fixture(scope="module")
def engine() -> Iterator[DockerClient]:
    yield from engine_client()


def _in_flight(run: Watched, engine: DockerClient) -> None:
    """Until the quick snippets have run and a slow one's container runs."""
    run.wait_for("[5/8]", timeout_s=90)
    time.sleep(1.5)  # the next two (slow) snippets start in containers made ready ahead
    assert engine.containers.list(filters={"label": [f"{PID_LABEL}={run.pid}", "org.harness.role=snippet"]})


@pytest.mark.parametrize(("executor", "signum", "code"), [
    ("docker", signal.SIGTERM, 143),
    ("auto", signal.SIGINT, 130),
])
def test_a_signal_with_containers_in_flight_removes_them_and_reports_what_finished(
        harness_run: Callable[..., Watched], engine: DockerClient, executor: str, signum: int, code: int) -> None:
    run = harness_run(ALL, executor)
    _in_flight(run, engine)
    run.send(signum)
    exit_code, took = run.end(20)
    assert exit_code == code, run.stderr()
    assert took < 15
    statuses = run.statuses()
    assert all(status == ("passed", "") if "b-slow.md" not in sid else status == INTERRUPTED
               for sid, status in statuses.items()), statuses
    assert run.report()["summary"]["executor"] == "docker"
    every_report_written(run)
    nothing_left(run)


def test_a_signal_while_the_sidecar_starts_abandons_the_start(
        harness_run: Callable[..., Watched], engine: DockerClient) -> None:
    run = harness_run(ALL, "docker")
    deadline = time.monotonic() + 60
    while not engine.containers.list(filters={"label": [f"{PID_LABEL}={run.pid}", "org.harness.role=mock"]}):
        assert time.monotonic() < deadline and run.proc.poll() is None, run.stderr()
        time.sleep(0.05)
    run.send(signal.SIGTERM)
    exit_code, took = run.end(20)
    assert exit_code == 143, run.stderr()
    assert set(run.statuses().values()) == {INTERRUPTED}
    nothing_left(run)


def test_after_a_sigkill_the_next_run_removes_the_containers_and_volumes(
        harness_run: Callable[..., Watched], engine: DockerClient) -> None:
    killed = harness_run(ALL, "docker", name="killed")
    _in_flight(killed, engine)
    killed.send(signal.SIGKILL)
    killed.end(10)
    left = leftovers(killed)
    assert left["containers"] and left["volumes"], left
    following = harness_run(AFTER, "local", name="next", tmp=killed.tmp)
    code, _ = following.end(60)
    assert code == 0, following.stderr()
    nothing_left(killed)
