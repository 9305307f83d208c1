"""Real clients, unchanged, against the mock (installed once per version, tests/mock/sdk_envs.py):
the `openai` packages (PyPI and npm): chat (streamed, with tools and their results, structured
output), completions, embeddings (float and base64), responses, models, errors, and AI Gateway's
unified billing, the Python answers validated by the package's own pydantic types
(scripts/openai_py.py); `langchain-cloudflare` (chat, stream, tools, embeddings) and the official
`cloudflare` SDK (image, speech, tools, a validation error) (scripts/langchain_py.py)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mock.sdk_envs import npm_env, python_env

from harness.mock.server import MockConfig, MockServer

SCRIPTS = Path(__file__).parent / "scripts"
PYTHON = ("openai==3.51.0", "cloudflare==5.9.0", "langchain-cloudflare==0.4.3")


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(MockConfig(), tls_port=0) as server:
        yield server


def urls(mock: MockServer) -> list[str]:
    base, account = f"https://localhost:{mock.tls_port}", mock.config.account_id
    return [f"{base}/client/v4/accounts/{account}/ai/v1", f"{base}/v1/{account}/gw/compat", mock.config.api_token]


def env_for(mock: MockServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    ca = str(mock.ca_file)
    return {**env, "SSL_CERT_FILE": ca, "REQUESTS_CA_BUNDLE": ca, "NODE_EXTRA_CA_CERTS": ca}


@pytest.fixture(scope="module")
def python_run(mock: MockServer) -> dict[str, Any]:
    argv = [str(python_env(*PYTHON)), str(SCRIPTS / "openai_py.py"), *urls(mock)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180, env=env_for(mock))
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def npm_run(mock: MockServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("openai-npm")
    (work / "node_modules").symlink_to(npm_env("openai@7.55.0"), target_is_directory=True)
    (work / "openai_npm.mjs").write_bytes((SCRIPTS / "openai_npm.mjs").read_bytes())
    done = subprocess.run(["node", str(work / "openai_npm.mjs"), *urls(mock)], capture_output=True, text=True,
                          timeout=180, env=env_for(mock))  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_python_chat_stream_tools_and_structured_output(python_run: dict[str, Any]) -> None:
    assert python_run["chat"]["content"].startswith("Mock answer from @cf/meta/llama-3.1-8b-instruct")
    assert python_run["stream"] == {"finish": "stop", "usage": True} and python_run["final"] == "stop"
    assert python_run["tools"] == {"call": {"name": "get_weather", "arguments": '{"city": "Lisbon"}'}, "then": "stop"}
    assert set(python_run["parsed"]) == {"city", "degrees"}


def test_python_completions_embeddings_responses_models_errors(python_run: dict[str, Any]) -> None:
    assert python_run["completion"].startswith("Mock answer")
    assert python_run["embeddings"] == {"dims": 1024, "same": True}
    assert python_run["responses"] == "Mock answer" and python_run["models"] > 50
    assert python_run["responses_stream"] == ["response.created", "response.completed", "Mock answer"]
    status, body = python_run["error"]
    assert status == 400 and "5007" in json.dumps(body)
    assert python_run["unified"] == "openai/gpt-4.1-mini"


def test_npm_stream_final_completion_base64_embeddings_and_responses(npm_run: dict[str, Any]) -> None:
    assert npm_run["final"] == {"finish": "stop", "text": True}
    assert npm_run["embeddings"] == {"dims": 768, "finite": True}
    assert npm_run["responses"].startswith("Mock answer") and npm_run["tools"] == "get_weather"
    assert npm_run["error"] == [400, "BadRequestError"]


@pytest.fixture(scope="module")
def langchain_run(mock: MockServer) -> dict[str, Any]:
    base = f"https://localhost:{mock.tls_port}/client/v4"
    argv = [str(python_env(*PYTHON)), str(SCRIPTS / "langchain_py.py"), base, mock.config.account_id,
            mock.config.api_token]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180, env=env_for(mock))
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_langchain_cloudflare_chat_stream_tools_and_embeddings(langchain_run: dict[str, Any]) -> None:
    assert langchain_run["invoke"] == langchain_run["stream"] == "Mock answer"
    assert langchain_run["tool_calls"] == [["get_weather", {"city": "Lisbon"}]]
    assert langchain_run["embeddings"] == [768, 768]


def test_cloudflare_sdk_image_speech_tools_and_error(langchain_run: dict[str, Any]) -> None:
    assert langchain_run["image"] == "89504e47"  # PNG
    assert langchain_run["speech"] == "fffb"  # an MP3 frame
    assert langchain_run["sdk_tools"] == [{"name": "get_weather", "arguments": {"city": "Lisbon"}}]
    assert langchain_run["error"] == [400, 5006, {}]
