"""The mock sidecar image and a runner image under test, as testcontainers (see `containers`): the
image itself is what is checked, started as the docker executor starts it but without the executor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docker import DockerClient
from testcontainers.core.container import DockerContainer

from harness.mock.scenarios import parse_scenario
from harness.mock.server import MockConfig
from harness.run.docker.sidecar import ADMIN, PROXY_PORT

from .containers import TEST_LABEL, image_under_test, leftovers, mock_container, runner_container
from .docker_support import engine_client

pytestmark = pytest.mark.docker

CONFIG = MockConfig()
MODEL_URL = f"https://api.cloudflare.com/client/v4/accounts/{CONFIG.account_id}/ai/run/@cf/meta/llama-3-8b-instruct"
CLIENT = """
import json, sys, requests
answer = requests.post(sys.argv[1], json={"messages": [{"role": "user", "content": "hi"}]},
                       headers={"Authorization": "Bearer " + sys.argv[2]}, timeout=10,
                       proxies={"https": sys.argv[3]}, verify="/public/ca.pem")
print(json.dumps({"status": answer.status_code, "body": answer.json()}))
"""
PYTHON = "/opt/harness/.venv/bin/python"


@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()


@pytest.fixture(scope="module")
def mock_image(docker_client: DockerClient) -> str:
    return image_under_test(docker_client, "mock")


@pytest.fixture(autouse=True)
def nothing_left_behind(docker_client: DockerClient) -> Iterator[None]:
    yield
    assert leftovers(docker_client) == []


def admin(mock: DockerContainer, *args: str) -> Any:
    done = mock.exec([*ADMIN, *args])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def call_model(mock: DockerContainer, snippet_id: str) -> dict[str, Any]:
    """One model call through the mock's proxy, from inside its network namespace, as `snippet_id`."""
    token = admin(mock, "register", snippet_id)["token"]
    proxy = f"http://{token}:x@127.0.0.1:{PROXY_PORT}"
    done = mock.exec([PYTHON, "-c", CLIENT, MODEL_URL, CONFIG.api_token, proxy])
    assert done.exit_code == 0, done.output
    answer: dict[str, Any] = json.loads(done.output.splitlines()[-1])
    return answer


def test_the_mock_image_answers_a_model_call_and_journals_it_for_its_snippet(
        docker_client: DockerClient, mock_image: str) -> None:
    with mock_container(mock_image) as mock:
        labels = mock.get_wrapped_container().labels
        assert labels[TEST_LABEL] == "mock" and labels["org.testcontainers.lang"] == "python"
        answer = call_model(mock, "page.md::g1::python")
        assert answer["status"] == 200 and answer["body"]["success"] is True, answer
        [entry] = admin(mock, "take", "page.md::g1::python")
        assert (entry["method"], entry["url"], entry["status"]) == ("POST", MODEL_URL, 200)
        assert admin(mock, "journal", "page.md::g1::python") == [], "take forgets what it returned"


def test_a_scenario_passed_in_the_environment_answers_for_the_model(mock_image: str) -> None:
    scenario = parse_scenario({"models": ["@cf/*"], "error": "rate-limit"}, "test")
    with mock_container(mock_image, MockConfig(scenarios=(scenario,))) as mock:
        answer = call_model(mock, "page.md::g1::python")
    assert answer["status"] == 429 and answer["body"]["success"] is False, answer


def test_a_mock_that_cannot_start_fails_its_wait_with_its_logs_and_is_removed(
        docker_client: DockerClient, mock_image: str) -> None:
    broken = mock_container(mock_image, HARNESS_MOCK_CONFIG="not json")
    with pytest.raises(RuntimeError, match=r"Container exited .* before emitting logs containing 'mock sidecar"):
        broken.__enter__()
    assert leftovers(docker_client) == [], "a container whose start failed is removed"


def test_the_python_image_runs_as_its_own_user_with_the_pinned_clients(docker_client: DockerClient) -> None:
    python = "/opt/runners/python/.venv/bin/python"
    pinned = dict(line.split("==") for line in (Path(__file__).resolve().parents[2] / "runners" / "python" /
                                                "requirements.txt").read_text().splitlines()
                  if "==" in line and not line.startswith("#"))
    probe = ("import json, os, requests, httpx; "
             "print(json.dumps([os.getuid(), requests.__version__, httpx.__version__]))")
    with runner_container(image_under_test(docker_client, "python"), [python, "-c", "import requests"]) as runner:
        done = runner.exec([python, "-c", probe])
        write = runner.exec(["sh", "-c", "touch /opt/runners/python/x"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output) == [10001, pinned["requests"], pinned["httpx"]]
    assert write.exit_code != 0, "the runner's own files are not the snippet user's to change"
