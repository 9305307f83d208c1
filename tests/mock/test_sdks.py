"""The official SDKs against the mock, unchanged but for their base URL: the Python `cloudflare`
package (v3 `client.workers.ai.run`, v4 and v5 `client.ai.run`) and the npm `cloudflare` package
run text generation (plain, messages, streaming) and embeddings, and raise the typed errors they
map from the mock's error answers. The SDKs are installed once per version in a throwaway cache
(`tests/mock/sdk_envs.py`); nothing here is skipped."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.mock.scenarios import parse_scenario
from harness.mock.server import MockConfig, MockServer
from harness.model import RecordedRequest

from .sdk_envs import npm_sdk, python_sdk

SCRIPTS = Path(__file__).parent / "sdk_scripts"
FORCED = ("auth", "too-large", "rate-limit", "capacity", "internal")
NATURAL = ("invalid-input", "no-such-model", "bad-token", "routing")
LLAMA = "@cf/meta/llama-3-8b-instruct"
SDKS = {  # name: (language, version, scheme)
    "python-3": ("python", "3.1.1", "http"),
    "python-4": ("python", "4.3.1", "https"),
    "python-5": ("python", "5.9.0", "http"),
    "npm-7": ("npm", "7.3.0", "https"),
}
EXPECTED = {  # error: (status, code, Python class, npm class)
    "invalid-input": (400, 5006, "BadRequestError", "BadRequestError"),
    "no-such-model": (400, 5007, "BadRequestError", "BadRequestError"),
    "bad-token": (403, 10000, "PermissionDeniedError", "PermissionDeniedError"),
    "auth": (401, 10000, "AuthenticationError", "AuthenticationError"),
    "routing": (400, 7003, "BadRequestError", "BadRequestError"),  # then 7000 "No route for that URI"
    "too-large": (413, 3006, "APIStatusError", "APIError"),
    "rate-limit": (429, 3036, "RateLimitError", "RateLimitError"),
    "capacity": (429, 3040, "RateLimitError", "RateLimitError"),
    "internal": (500, 5000, "InternalServerError", "InternalServerError"),
}


@dataclass(frozen=True)
class SdkRun:
    """What one SDK got, and what the mock recorded meanwhile."""

    language: str
    result: dict[str, Any]
    journal: tuple[RecordedRequest, ...]
    seconds: float


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    scenarios = tuple(parse_scenario({"pages": f"sdk/{name}.md", "error": name}, name) for name in FORCED)
    with MockServer(MockConfig(scenarios=scenarios), tls_port=0) as server:
        yield server


def _command(language: str, version: str, work: Path) -> list[str]:
    if language == "python":
        return [str(python_sdk(version)), str(SCRIPTS / "python_sdk.py")]
    (work / "node_modules").symlink_to(npm_sdk(version), target_is_directory=True)
    (work / "npm_sdk.mjs").write_bytes((SCRIPTS / "npm_sdk.mjs").read_bytes())
    return ["node", str(work / "npm_sdk.mjs")]


_RUNS: dict[str, SdkRun] = {}


@pytest.fixture(params=list(SDKS))
def sdk(request: pytest.FixtureRequest, mock: MockServer, tmp_path_factory: pytest.TempPathFactory) -> SdkRun:
    """The SDK's run against the mock (once per SDK and module)."""
    name = request.param
    if name not in _RUNS:
        language, version, scheme = SDKS[name]
        command = _command(language, version, tmp_path_factory.mktemp(name))
        port = mock.tls_port if scheme == "https" else mock.app_port
        base = f"{scheme}://localhost:{port}/client/v4"
        tokens = {error: mock.register(f"sdk/{error}.md::errors::{name}") for error in (*NATURAL, *FORCED)}
        env = {**os.environ, "SSL_CERT_FILE": str(mock.ca_file), "NODE_EXTRA_CA_CERTS": str(mock.ca_file)}
        for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
            env.pop(proxy, None)
        before = {entry.seq for entry in mock.journal.all()}
        started = time.monotonic()
        done = subprocess.run([*command, base, mock.config.account_id, mock.config.api_token, json.dumps(tokens)],
                              capture_output=True, text=True, timeout=120, env=env)
        seconds = time.monotonic() - started
        assert done.returncode == 0, done.stderr
        journal = tuple(entry for entry in mock.journal.all() if entry.seq not in before)
        _RUNS[name] = SdkRun(language, json.loads(done.stdout), journal, seconds)
    return _RUNS[name]


def test_text_generation_plain_and_with_messages(sdk: SdkRun) -> None:
    assert sdk.result["chat"]["response"].startswith(f"Mock answer from {LLAMA}")
    assert sdk.result["messages"]["response"].startswith(f"Mock answer from {LLAMA}")
    chat = next(e for e in sdk.journal if e.json == {"prompt": "Tell me a story"})
    assert (chat.via, chat.method, chat.model, chat.status) == ("rest", "POST", LLAMA, 200)
    assert chat.path.endswith(f"/client/v4/accounts/{MockConfig().account_id}/ai/run/{LLAMA}")


def test_streaming_text_generation(sdk: SdkRun) -> None:
    assert sdk.result["stream_type"] == "text/event-stream"
    events = [line.removeprefix("data: ") for line in sdk.result["stream"]]
    assert events[-1] == "[DONE]"
    assert "".join(json.loads(e)["response"] for e in events[:-1]) == sdk.result["chat"]["response"]


def test_embeddings(sdk: SdkRun) -> None:
    assert sdk.result["embeddings"]["shape"] == [2, 384]
    assert [len(v) for v in sdk.result["embeddings"]["data"]] == [384, 384]


@pytest.mark.parametrize("error", list(EXPECTED))
def test_typed_errors_from_the_envelope(sdk: SdkRun, error: str) -> None:
    status, code, python_class, npm_class = EXPECTED[error]
    got = sdk.result["errors"][error]

    assert got is not None, f"{error}: the SDK raised nothing"
    kind, got_status, errors = got
    assert (kind, got_status) == (python_class if sdk.language == "python" else npm_class, status)
    assert [e["code"] for e in errors] == ([code, 7000] if error == "routing" else [code]) and errors[0]["message"]


def test_each_error_was_answered_once(sdk: SdkRun, mock: MockServer) -> None:
    for error, (status, _, _, _) in EXPECTED.items():
        sent = [e for e in sdk.journal if e.snippet_id and e.snippet_id.startswith(f"sdk/{error}.md::")]
        assert [e.status for e in sent] == [status], error
