"""The docker executor's sandbox, proven with tiny fake runners: no network but the mock, a
timeout that kills, a read-only file system, capped output, and nothing left behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from docker import DockerClient

from harness.errors import HarnessError
from harness.model import Snippet
from harness.route import Route
from harness.run.base import Launch
from harness.run.docker.engine import RUN_LABEL
from harness.run.docker.executor import DockerExecutor
from harness.run.docker.sandbox import Limits

from .docker_support import engine_client

pytestmark = pytest.mark.docker

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
URL = f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/run/@cf/meta/llama-3-8b-instruct"


@dataclass
class FakeRunner:
    """A runner whose launches the test writes itself; `name` picks the image."""

    name: str = "python"
    warm_server: bool = False

    def available(self) -> str | None:
        return None

    def launch(self, snippet: Snippet, route: Route, runners_dir: Path) -> Launch:
        raise NotImplementedError


PY, SH = FakeRunner("python"), FakeRunner("shell")


def py(code: str, **launch: object) -> Launch:
    return Launch(argv=("python3", "-c", code), **launch)  # type: ignore[arg-type]


def sh(script: str, **launch: object) -> Launch:
    return Launch(argv=("bash", "-c", script), **launch)  # type: ignore[arg-type]



@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()

@pytest.fixture(scope="module")
def executor(docker_client: DockerClient) -> Iterator[DockerExecutor]:
    with DockerExecutor(build=True, limits=Limits(memory="256m")) as ex:
        yield ex
    left = docker_client.containers.list(all=True, filters={"label": ex.labels.selector})
    assert left == [], "containers left behind after the run"
    assert docker_client.volumes.list(filters={"label": ex.labels.selector}) == []


def still_works(executor: DockerExecutor) -> None:
    """The run goes on: the next snippet runs normally."""
    out = executor.execute(SH, sh("echo next"), 30)
    assert (out.exit_code, out.stdout, out.infra_error) == (0, "next\n", None)


def test_files_argv_env_and_user(executor: DockerExecutor) -> None:
    launch = py("import os, sys; print(os.getcwd(), os.getuid(), open('{workdir}/a/b.txt').read(), os.environ['X']);"
                " print('to stderr', file=sys.stderr); sys.exit(3)", files={"a/b.txt": b"content"}, env={"X": "y"})
    out = executor.execute(PY, launch, 30)
    assert (out.exit_code, out.stdout, out.stderr) == (3, "/work 10001 content y\n", "to stderr\n")
    assert out.duration_s > 0 and out.infra_error is None


def test_no_privileges_and_no_capabilities(executor: DockerExecutor) -> None:
    out = executor.execute(SH, sh("grep -E '^(CapEff|NoNewPrivs)' /proc/self/status"), 30)
    assert out.stdout.split() == ["CapEff:", "0000000000000000", "NoNewPrivs:", "1"]


@pytest.mark.parametrize("target", ["1.1.1.1:443", "127.0.0.1:9", "8.8.8.8:53", "10.0.0.1:80"])
def test_no_host_or_port_but_the_mock_is_reachable(executor: DockerExecutor, target: str) -> None:
    host, port = target.split(":")
    code = (f"import socket\ntry:\n    socket.create_connection(('{host}', {port}), timeout=5)\n"
            "    print('connected')\nexcept OSError as e:\n    print('refused', type(e).__name__)")
    out = executor.execute(PY, py(code), 30)
    assert out.stdout.startswith("refused"), out.stdout + out.stderr
    still_works(executor)


def test_names_resolve_only_to_the_mock(executor: DockerExecutor) -> None:
    code = ("import socket\nprint(socket.gethostbyname('api.cloudflare.com'))\n"
            "try:\n    socket.gethostbyname('example.com')\nexcept OSError:\n    print('no dns')")
    out = executor.execute(PY, py(code), 30)
    assert out.stdout.split() == ["127.0.0.1", "no", "dns"], out.stderr


def test_an_endless_snippet_is_killed_at_its_timeout(executor: DockerExecutor) -> None:
    started = time.monotonic()
    out = executor.execute(PY, py("while True: pass"), 2)
    assert out.timed_out and out.exit_code is None
    assert 2 <= time.monotonic() - started < 10
    still_works(executor)


@pytest.mark.parametrize("path", ["/opt/runners/x", "/etc/x", "/x", "/harness/x"])
def test_writing_outside_the_work_dir_fails(executor: DockerExecutor, path: str) -> None:
    out = executor.execute(SH, sh(f"echo hi > {path}"), 30)
    assert out.exit_code != 0 and ("Read-only file system" in out.stderr or "Permission denied" in out.stderr)
    ok = executor.execute(SH, sh("echo hi > /work/ok && echo hi > /tmp/ok && cat /work/ok"), 30)
    assert (ok.exit_code, ok.stdout) == (0, "hi\n")


def test_a_flood_of_output_is_cut_and_reported(executor: DockerExecutor) -> None:
    started = time.monotonic()
    out = executor.execute(SH, sh("head -c 100000000 /dev/zero | tr '\\0' x; echo done >&2"), 60)
    assert out.exit_code == 0 and out.output_truncated
    assert len(out.stdout) == 1_000_000 and out.stderr == "done\n"
    assert time.monotonic() - started < 30
    still_works(executor)


def test_a_result_file_becomes_the_response(executor: DockerExecutor) -> None:
    answer = '{"status": 201, "headers": [["content-type", "text/plain"]], "body_b64": "aGk="}'
    write = f"echo '{answer}' > r.json"
    out = executor.execute(SH, sh(write, result_file="r.json"), 30)
    assert out.response is not None
    assert (out.response.status, out.response.header("Content-Type"), out.response.body) == (201, "text/plain", b"hi")
    assert executor.execute(SH, sh("true", result_file="r.json"), 30).response is None


def test_traffic_reaches_the_mock_and_belongs_to_its_snippet(executor: DockerExecutor) -> None:
    route = executor.route("page.md::g1::curl")
    assert route.proxy_url == f"http://{route.token}:x@127.0.0.1:8080" and route.ca_file == "/harness/ca.pem"
    curl = (f"curl -sS -x '{route.proxy_url}' --cacert {route.ca_file} {URL} "
            "-H 'Authorization: Bearer harness-test-token' -d '{\"prompt\": \"hi\"}'")
    out = executor.execute(SH, sh(curl), 30)
    assert '"success":true' in out.stdout, out.stderr
    [request] = executor.requests_of("page.md::g1::curl")
    assert (request.via, request.method, request.json, request.status) == ("rest", "POST", {"prompt": "hi"}, 200)
    assert request.snippet_id == "page.md::g1::curl" and request.seq >= 1
    assert executor.requests_of("page.md::g1::other") == ()


@pytest.mark.parametrize("over", ["channel", "exec"])
def test_a_finished_snippets_requests_are_taken_from_the_sidecar(executor: DockerExecutor, over: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """What the pipeline does once a snippet is done: the sidecar's mock hands its entries over and
    forgets them, over the standing channel or (when that is gone) one exec of admin.py."""
    if over == "exec":
        monkeypatch.setattr(executor, "_channel", None)
    snippet_id = f"take.md::g1::{over}"
    route = executor.route(snippet_id)
    curl = (f"curl -sS -x '{route.proxy_url}' --cacert {route.ca_file} {URL} "
            "-H 'Authorization: Bearer harness-test-token' -d '{\"prompt\": \"hi\"}'")
    assert executor.execute(SH, sh(curl), 30).exit_code == 0
    assert [r.json for r in executor.take_requests(snippet_id)] == [{"prompt": "hi"}]
    assert executor.requests_of(snippet_id) == () and executor.take_requests(snippet_id) == ()


def test_a_snippet_that_ignores_the_proxy_still_reaches_only_the_mock(executor: DockerExecutor) -> None:
    """By name: api.cloudflare.com is 127.0.0.1 in the namespace, where the mock serves TLS with the
    run's CA (such a request carries no token, so it belongs to no snippet)."""
    curl = f"curl -sS --noproxy '*' --cacert /harness/ca.pem {URL} -H 'Authorization: Bearer x' -d '{{}}'"
    out = executor.execute(SH, sh(curl), 30)
    assert out.exit_code == 0 and '"success":false' in out.stdout.replace(" ", ""), out.stderr


def test_parallel_snippets_keep_their_own_output(executor: DockerExecutor) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        outs = list(pool.map(lambda i: executor.execute(SH, sh(f"sleep 1; echo {i}"), 30), range(12)))
    assert [out.stdout for out in outs] == [f"{i}\n" for i in range(12)]


def test_a_missing_image_is_an_infrastructure_error(executor: DockerExecutor) -> None:
    out = executor.execute(FakeRunner("no-such-runner"), sh("true"), 30)
    assert out.infra_error and "no-such-runner" in out.infra_error


def test_a_mock_that_does_not_start_leaves_nothing_behind(docker_client: DockerClient) -> None:
    broken = DockerExecutor(image_overrides={"mock": "harness-runner-shell:latest"}, start_timeout_s=5)
    with pytest.raises(HarnessError, match="mock sidecar"):
        broken.__enter__()
    assert docker_client.containers.list(all=True, filters={"label": broken.labels.selector}) == []
    assert docker_client.volumes.list(filters={"label": broken.labels.selector}) == []


SIGTERMED = """
import sys, time
from harness.run.docker.executor import DockerExecutor
with DockerExecutor(build=True) as ex:
    print(ex.labels.run_id, flush=True)
    time.sleep(60)
"""


def test_a_sidecar_that_dies_during_the_run_is_reported(docker_client: DockerClient) -> None:
    executor = DockerExecutor().__enter__()
    docker_client.containers.get(f"harness-{executor.labels.run_id}-mock").kill()
    with pytest.raises(HarnessError, match="mock sidecar"):
        executor.route("page.md::g1::late")
    with pytest.raises(HarnessError, match="died during the run"):
        executor.__exit__()
    assert docker_client.containers.list(all=True, filters={"label": executor.labels.selector}) == []
    assert docker_client.volumes.list(filters={"label": executor.labels.selector}) == []


def test_sigterm_removes_the_runs_containers(docker_client: DockerClient, executor: DockerExecutor) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SIGTERMED], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    run_id = proc.stdout.readline().strip()
    assert docker_client.containers.list(filters={"label": f"{RUN_LABEL}={run_id}"}), "the mock sidecar runs"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    assert docker_client.containers.list(all=True, filters={"label": f"{RUN_LABEL}={run_id}"}) == []
    assert docker_client.volumes.list(filters={"label": f"{RUN_LABEL}={run_id}"}) == []
