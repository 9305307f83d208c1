"""`--isolation snippet`: every snippet in a container nothing ran in before, started ahead with the
sandbox of a snippet container, thrown away after; nothing of the run left when the executor exits."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from docker import DockerClient

from harness.run.base import Launch
from harness.run.docker.engine import ROLE_LABEL, RUN_LABEL, reap_orphans
from harness.run.docker.executor import DockerExecutor
from harness.run.docker.fresh_container import FreshContainer
from harness.run.docker.fresh_job import Answer
from harness.run.docker.sandbox import CA_DIR, USER, WORKDIR, Limits

from .docker_support import engine_client
from .test_docker_exec import PY, SH, py, sh

LIMITS = Limits(memory="256m", cpus=0.5, pids=128, tmp_size="16m")


@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()


@pytest.fixture(scope="module")
def executor(docker_client: DockerClient) -> Iterator[DockerExecutor]:
    with DockerExecutor(build=True, limits=LIMITS) as ex:
        yield ex
    assert docker_client.containers.list(all=True, filters={"label": ex.labels.selector}) == []
    assert docker_client.volumes.list(filters={"label": ex.labels.selector}) == []


def waiting(client: DockerClient, executor: DockerExecutor, image_runner: str = "shell") -> list[Any]:
    """The run's snippet containers started ahead that wait for a job (polled for up to 30 s)."""
    deadline = time.monotonic() + 30
    while True:
        found = [c for c in client.containers.list(filters={"label": [executor.labels.selector,
                                                                      f"{ROLE_LABEL}=snippet"]})
                 if f"harness-runner-{image_runner}" in (c.attrs["Config"]["Image"] or "")]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


SEEN = ("import os, re; print(re.search(r'upperdir=([^,]+)', next(line for line in open('/proc/self/mountinfo')"
        " if line.split()[4] == '/'))[1], sorted(os.listdir('/work')), sorted(os.listdir('/tmp')),"
        " sorted(open(f'/proc/{p}/cmdline', 'rb').read().split(b'\\0')[0].decode() for p in os.listdir('/proc')"
        " if p.isdigit() and int(p) != os.getpid())); open('/tmp/been-here', 'w').write('x')")
"""A snippet's container (its root's writable layer), its work dir and /tmp, and the other processes it sees
(the host name is the sidecar's, whose namespaces it joins)."""


@pytest.mark.docker
def test_every_snippet_runs_in_a_container_no_snippet_ran_in_before(executor: DockerExecutor) -> None:
    with ThreadPoolExecutor(3) as threads:
        outs = list(threads.map(lambda i: executor.execute(PY, py(SEEN, files={f"f{i}": b"x"}), 30), range(9)))
    assert all(out.exit_code == 0 for out in outs), [out.stderr for out in outs]
    hosts = [out.stdout.split()[0] for out in outs]
    assert len(set(hosts)) == len(hosts), "two snippets shared a container"
    for i, out in enumerate(outs):
        # its own file only, an empty /tmp; besides itself only the engine's init and the one-shot shell
        assert out.stdout.split(" ", 1)[1] == f"['f{i}'] [] ['/bin/sh', '/sbin/docker-init']\n", out.stdout
    assert executor.fresh_started >= len(outs)


@pytest.mark.docker
def test_a_container_started_ahead_has_the_sandbox_of_a_snippet_container(
        executor: DockerExecutor, docker_client: DockerClient) -> None:
    assert executor.execute(SH, sh("true"), 30).exit_code == 0  # the shell image is now started ahead
    ahead = waiting(docker_client, executor)
    assert ahead, "no container waits for the next shell snippet"
    config, host = ahead[0].attrs["Config"], ahead[0].attrs["HostConfig"]
    namespace = executor.sidecar.namespace
    assert (config["User"], config["WorkingDir"], config["Labels"][ROLE_LABEL]) == (USER, WORKDIR, "snippet")
    assert {"HOME=/work", "LANG=C.UTF-8", "TMPDIR=/tmp"} <= set(config["Env"])
    assert (config["OpenStdin"], config["StdinOnce"], config["Tty"]) == (True, True, False)
    assert host["NetworkMode"] == f"container:{namespace.container_id}" and host["ReadonlyRootfs"]
    assert (host["Memory"], host["MemorySwap"], host["NanoCpus"], host["PidsLimit"]) == (
        256 * 2**20, 256 * 2**20, 500_000_000, 128)
    assert (host["CapDrop"], host["SecurityOpt"], host["Init"], host["LogConfig"]["Type"]) == (
        ["ALL"], ["no-new-privileges"], True, "none")
    assert host["Tmpfs"] == {"/tmp": "rw,nosuid,nodev,size=16m,mode=1777"}
    mounts = {m["Destination"]: (m["Type"], m["RW"], m["Name"]) for m in ahead[0].attrs["Mounts"]}
    assert mounts[CA_DIR] == ("volume", False, namespace.ca_volume)
    work = f"harness-{executor.labels.run_id}-work-"
    assert mounts[WORKDIR][:2] == ("volume", True) and mounts[WORKDIR][2].startswith(work)
    # and it is the same as a snippet sees it: read-only root, no capabilities, the limits in force
    out = executor.execute(SH, sh("grep -E '^(CapEff|NoNewPrivs)' /proc/self/status;"
                                  " cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max;"
                                  " touch /etc/x 2>/dev/null || echo read-only"), 30)
    assert out.stdout.split() == ["CapEff:", "0000000000000000", "NoNewPrivs:", "1", "128", "read-only"], out.stdout


@pytest.mark.docker
def test_nothing_of_the_run_is_left_when_the_executor_exits_even_after_a_timeout(docker_client: DockerClient) -> None:
    with DockerExecutor(build=True, limits=LIMITS) as ex:
        with ThreadPoolExecutor(2) as threads:
            slow = threads.submit(ex.execute, SH, sh("sleep 600"), 1)
            quick = [threads.submit(ex.execute, SH, sh(f"echo {i}"), 30) for i in range(4)]
        assert slow.result().timed_out and slow.result().exit_code is None
        assert [q.result().stdout for q in quick] == [f"{i}\n" for i in range(4)]
        assert waiting(docker_client, ex), "containers wait for the next snippets"
    assert docker_client.containers.list(all=True, filters={"label": ex.labels.selector}) == []
    assert docker_client.volumes.list(filters={"label": ex.labels.selector}) == []


KILLED = """
import time
from harness.run.base import Launch
from harness.run.docker.executor import DockerExecutor
class Shell:
    name = "shell"
    warm_server = False
with DockerExecutor(build=True) as ex:
    assert ex.execute(Shell(), Launch(argv=("true",)), 30).exit_code == 0
    print(ex.labels.run_id, flush=True)
    time.sleep(600)
"""


@pytest.mark.docker
def test_containers_started_ahead_by_a_killed_run_are_reaped_as_orphans(docker_client: DockerClient) -> None:
    proc = subprocess.Popen([sys.executable, "-c", KILLED], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    run_id = proc.stdout.readline().strip()
    selector = f"{RUN_LABEL}={run_id}"
    deadline = time.monotonic() + 30
    while not docker_client.containers.list(filters={"label": [selector, f"{ROLE_LABEL}=snippet"]}):
        assert time.monotonic() < deadline, "no container started ahead"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    reap_orphans(docker_client)
    assert docker_client.containers.list(all=True, filters={"label": selector}) == []
    assert docker_client.volumes.list(filters={"label": selector}) == []


@pytest.mark.docker
def test_a_fresh_container_runs_one_job_and_exits_when_its_connection_ends(executor: DockerExecutor,
                                                                           docker_client: DockerClient) -> None:
    image = executor._image("shell")  # noqa: SLF001 - the image the executor runs shell snippets in
    assert image is not None

    def fresh() -> FreshContainer:
        return FreshContainer(docker_client, image, executor.sidecar.namespace, executor.labels, LIMITS)

    with fresh() as used, fresh() as abandoned:
        assert used.usable and abandoned.usable
        out = used.run(Launch(argv=("sh", "-c", "printf 'no newline'; printf err >&2; exit 3")), 30)
        assert (out.exit_code, out.stdout, out.stderr, out.infra_error) == (3, "no newline", "err", None)
        assert not used.usable
        with pytest.raises(AssertionError):
            used.run(Launch(argv=("true",)), 30)
        abandoned.close()  # as when the harness dies: the waiting process reads the end of its input
        assert docker_client.api.wait(abandoned.container_id, timeout=30)["StatusCode"] == 125
        ids = [used.container_id, abandoned.container_id]
    assert not [c for c in docker_client.containers.list(all=True) if c.id in ids]


def test_the_answer_finds_its_markers_across_frames_and_caps_only_the_snippets_output() -> None:
    answer = Answer(limit=5, mark="m1")
    for chunk in (b"abcdefg\n", b"m", b"1 0 1\naGk=\n"):
        answer.feed(1, chunk)
    assert not answer.complete
    answer.feed(2, b"oops\nm1\n")
    assert answer.complete and answer.report == (0, b"hi")
    assert (answer.out.text(), answer.err.text(), answer.truncated) == ("abcde", "oops", True)


def test_an_answer_cut_short_has_no_report() -> None:
    answer = Answer(limit=100, mark="m1")
    answer.feed(1, b"partial output\nm")
    assert not answer.complete and answer.report is None and answer.out.text() == "partial output\nm"
