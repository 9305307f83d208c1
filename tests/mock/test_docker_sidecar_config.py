"""The docker executor's mock sidecar gets the configuration's scenarios and OpenAPI documents."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.mock.scenarios import parse_scenario
from harness.mock.server import MockConfig
from harness.run.base import Launch
from harness.run.docker.engine import engine_problem
from harness.run.docker.executor import DockerExecutor

from .helpers import CONFIG, LLAMA

pytestmark = pytest.mark.docker

API = "https://api.cloudflare.com/client/v4"
DOCUMENT = {
    "openapi": "3.0.3",
    "servers": [{"url": API}],
    "paths": {"/user/tokens/verify": {"get": {"responses": {"200": {"content": {"application/json": {
        "example": {"success": True, "errors": [], "messages": [], "result": {"status": "active"}}}}}}}}},
}


class Shell:
    name = "shell"

    def available(self) -> str | None:
        return None


@pytest.fixture(scope="module")
def executor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DockerExecutor]:
    problem = engine_problem()
    if problem:  # as tests/run/docker_support.py: CI must have an engine
        if os.environ.get("CI"):
            pytest.fail(f"CI needs a Docker engine: {problem}")
        pytest.skip(f"no Docker engine: {problem}")
    document = tmp_path_factory.mktemp("openapi") / "doc.json"
    document.write_text(json.dumps(DOCUMENT))
    config = MockConfig(scenarios=(parse_scenario({"pages": "limits.md", "error": "capacity"}, "t"),),
                        openapi_docs=(Path(document),))
    with DockerExecutor(config, build=True) as ex:
        yield ex


def curl(executor: DockerExecutor, snippet_id: str, args: str) -> str:
    route = executor.route(snippet_id)
    script = (f"curl -sS -x '{route.proxy_url}' --cacert {route.ca_file} "
              f"-H 'Authorization: Bearer {CONFIG.api_token}' {args}")
    out = executor.execute(Shell(), Launch(argv=("bash", "-c", script)), 60)  # type: ignore[arg-type]
    assert out.exit_code == 0, out.stderr
    return out.stdout


def test_a_pages_scenario_applies_in_the_sidecar(executor: DockerExecutor) -> None:
    url = f"{API}/accounts/{CONFIG.account_id}/ai/run/{LLAMA}"
    limited = json.loads(curl(executor, "limits.md::g::curl", f"{url} -d '{{\"prompt\": \"hi\"}}'"))
    other = json.loads(curl(executor, "other.md::g::curl", f"{url} -d '{{\"prompt\": \"hi\"}}'"))

    assert limited["errors"][0]["code"] == 3040 and other["success"] is True
    assert [r.status for r in executor.requests_of("limits.md::g::curl")] == [429]


def test_an_openapi_path_is_answered_in_the_sidecar(executor: DockerExecutor) -> None:
    answer = json.loads(curl(executor, "verify.md::g::curl", f"{API}/user/tokens/verify"))

    assert answer["result"] == {"status": "active"}
