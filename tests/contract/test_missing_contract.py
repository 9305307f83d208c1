"""Without the Cloudflare API contract the harness says so once at start (which file, how to build it), and
the snippets that call the API are `error` with that cause: the harness's gap, not a finding of the page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from harness.mock.catalog import Catalog
from harness.mock.config import MockConfig, mock_state
from harness.mock.journal import Journal
from harness.mock.registry import Registry
from harness.mock.services.cloudflare_api import SERVICE
from harness.mock.services.cloudflare_api.store import ENV, missing_contract

ROOT = Path(__file__).resolve().parents[2]
CONFIG = MockConfig()
BEARER = {"Authorization": f"Bearer {CONFIG.api_token}"}


def test_the_message_names_the_file_and_how_to_build_it(tmp_path: Path) -> None:
    message = missing_contract(tmp_path)
    assert message is not None
    assert str(tmp_path / "index.json") in message and "make contract" in message and ENV in message
    (tmp_path / "index.json").write_text("{}")
    assert missing_contract(tmp_path) is None


def test_the_service_answers_503_with_the_cause_and_is_not_a_mock_bug(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, str(tmp_path / "absent"))
    state = mock_state(CONFIG, Catalog.load(), Journal(), Registry(), Path())
    client = TestClient(Starlette(routes=list(SERVICE.routes(state))), base_url="https://api.cloudflare.com")
    answer = client.get(f"/client/v4/accounts/{CONFIG.account_id}/gateway/lists", headers=BEARER)
    assert answer.status_code == 503
    [error] = answer.json()["errors"]
    assert "absent/index.json is missing" in error["message"] and "make contract" in error["message"]
    assert state.errors == []  # not a crash of the mock
    graphql = client.post("/client/v4/graphql", headers=BEARER, json={"query": "{ viewer { zones { zoneTag } } }"})
    assert graphql.status_code == 200  # GraphQL needs no contract


def test_a_run_says_it_once_and_the_snippets_are_errors(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    env = {**os.environ, ENV: str(tmp_path / "absent")}
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", "fixtures/pages/cloudflare-api/crud.md",
                           "--executor", "local", "--no-cache", "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr  # the harness's fault, not the page's
    assert done.stderr.count("no Cloudflare API contract") == 1, done.stderr
    assert "make contract" in done.stderr and str(tmp_path / "absent" / "index.json") in done.stderr
    report = json.loads(out.read_text())
    snippets = {s["line"]: s for s in report["snippets"]}
    assert {line: s["status"] for line, s in snippets.items()} == {13: "error", 26: "error", 46: "error"}
    for snippet in snippets.values():
        assert "was not checked: no Cloudflare API contract" in snippet["reason"], snippet["reason"]
        assert snippet["findings"] == []
