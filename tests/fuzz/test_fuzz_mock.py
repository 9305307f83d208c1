"""`harness mock`, fuzzed by schemathesis against its contract over loopback HTTP: no server error, no
crash, every answer fits its schema (status, content type, body).

A short round by default (`HARNESS_FUZZ_EXAMPLES`, 4 examples an operation, one model per task); `make
fuzz` runs a long one (every catalog model, many examples). `HARNESS_FUZZ_OPENAPI=path` fuzzes another
OpenAPI document (e.g. the Cloudflare REST contract generated at setup) instead of the Workers AI routes,
and `HARNESS_FUZZ_MOCK_CONFIG=harness.toml` starts the mock with that configuration.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from harness.extract.placeholder_values import TEST_API_TOKEN
from harness.mock.catalog import Catalog

from .contract import ACCOUNT_PARAMETERS, EXCERPT, load_document, workers_ai_document

EXAMPLES = int(os.environ.get("HARNESS_FUZZ_EXAMPLES", "4"))
LONG = EXAMPLES > 20
"""A long round (`make fuzz`) fuzzes every model of the catalog with fresh random cases; a short one (the
suite's) one model per kind, with the same cases each time, so CI does not turn red by chance."""
AUTH = {"Authorization": f"Bearer {TEST_API_TOKEN}"}
CRASH = re.compile(r"Traceback|Exception in ASGI application|Internal Server Error")


class MockProcess:
    """A `harness mock` on 127.0.0.1 with its HTTP base URL; its stderr kept to look for crashes."""

    def __init__(self, folder: Path) -> None:
        self.stderr_path = folder / "mock.stderr"
        harness = Path(sys.executable).parent / "harness"
        argv = [str(harness), "mock", "--host", "127.0.0.1", "--proxy-port", "0", "--app-port", "0",
                "--tls-port", "-1", "--state-dir", str(folder / "state")]
        if os.environ.get("HARNESS_FUZZ_MOCK_CONFIG"):  # scenarios or OpenAPI documents the mock serves
            argv += ["--config", os.environ["HARNESS_FUZZ_MOCK_CONFIG"]]
        self._stderr = self.stderr_path.open("w")
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self._stderr, text=True, cwd=folder)
        self.base_url = self._wait_for_base_url()

    def _wait_for_base_url(self) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            found = re.search(r"HTTP base URL:\s+(\S+)", line)
            if found:
                return found.group(1)
            if not line:
                break
        self.stop()
        raise AssertionError(f"harness mock did not start: {self.stderr_path.read_text()[-2000:]}")

    def stop(self) -> int:
        """SIGTERM (then SIGKILL after 15 s); the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stderr.close()
        return self.process.returncode


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockProcess]:
    served = MockProcess(tmp_path_factory.mktemp("fuzz"))
    yield served
    served.stop()


def contract_document() -> dict[str, Any]:
    """The document to fuzz: `HARNESS_FUZZ_OPENAPI`'s, else the Workers AI run routes."""
    given = os.environ.get("HARNESS_FUZZ_OPENAPI")
    if given:
        return load_document(Path(given))
    return workers_ai_document(EXCERPT, list(Catalog.load().models) if LONG else None)


CONTRACT = schemathesis.openapi.from_dict(contract_document())
OPERATIONS = {result.ok().label: result.ok() for result in CONTRACT.get_all_operations()}

def any_id_in_path(path: str) -> bool:
    """The path has a parameter other than the (pinned) account: `{model_name}`, `{zone_id}`, ..."""
    return any(name not in ACCOUNT_PARAMETERS for name in re.findall(r"\{(\w+)\}", path))


EXCLUDED = [ignored_auth]
"""Not checked: `ignored_auth` (the mock's auth answers are tested in tests/mock; schemathesis would
send no token at all, which the harness's snippets never do)."""


def fuzz_operation(operation: Any, mock: MockProcess, examples: int = EXAMPLES) -> None:
    """One operation's round (`examples` cases): no server error, every answer fits the contract."""
    excluded = list(EXCLUDED)
    if any_id_in_path(operation.path):  # a made-up id names nothing the mock knows: 404 is right
        excluded.append(positive_data_acceptance)

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck), database=None, derandomize=examples <= 20)
    def exchange(case: Any) -> None:
        response = case.call(base_url=mock.base_url, headers=AUTH, timeout=30)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
        case.validate_response(response, excluded_checks=excluded, headers=AUTH)

    exchange()


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_answer_fits_the_contract(label: str, mock: MockProcess) -> None:
    fuzz_operation(OPERATIONS[label], mock)


def test_the_mock_survived_the_round(mock: MockProcess) -> None:
    assert mock.process.poll() is None, "the mock died during the fuzz round"
    health = httpx.get(mock.base_url.removesuffix("/client/v4") + "/__harness/health", timeout=10)
    assert health.status_code == 200
    assert mock.stop() == 0
    crashes = CRASH.findall(mock.stderr_path.read_text())
    assert crashes == [], mock.stderr_path.read_text()[-3000:]
