"""The cache's lossless round trip of the model's dataclasses."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from pathlib import Path

import pytest

from harness.mock.config import MockConfig
from harness.mock.errors import ServiceError
from harness.mock.inprocess import config_from_json, config_to_json
from harness.mock.journal import entry_from_dict, entry_to_dict
from harness.mock.scenarios import Scenario, parse_scenario
from harness.model import (
    Evidence,
    Finding,
    HttpResponse,
    RecordedRequest,
    Severity,
    Snippet,
    SnippetResult,
    Status,
)
from harness.run.docker.sidecar import config_env
from harness.serialize import dump, load

ROOT = Path(__file__).resolve().parents[1]


def test_snippet_result_round_trips_through_json() -> None:
    snippet = Snippet(id="p.md::g1::curl", page="p.md", group="g1", label="curl", language="sh", code="curl x\n",
                      line=4, source="$ curl x\n", expected_output='{"a": 1}', options={"timeout": "5"})
    request = RecordedRequest(snippet_id=snippet.id, via="rest", method="POST", url="https://h/p", path="/p",
                              headers=(("content-type", "application/json"), ("x", "y")), body=b"\x00\xff{}",
                              json={"prompt": "hi", "n": [1, 2]}, model="@cf/m", status=200, seq=3)
    evidence = Evidence(snippet=snippet, runner="shell", exit_code=0, stdout="out", stderr="", duration_s=0.25,
                        requests=(request,), response=HttpResponse(200, (("a", "b"),), b"body"))
    found = Finding(rule="REQ005", name="json-content-type", severity=Severity.WARNING, message="m", page="p.md",
                    line=6, snippet_id=snippet.id, details={"actual": "text/plain"})
    result = SnippetResult(snippet, Status.FAILED, evidence, (found,), reason="", attempts=2, flaky=True)
    assert load(SnippetResult, json.loads(json.dumps(dump(result)))) == result


def test_absent_evidence_and_none_values() -> None:
    snippet = Snippet(id="p.md::g2::1", page="p.md", group="g2", label=None, language="json", code="{}", line=9,
                      skip_reason="not runnable: json")
    result = SnippetResult(snippet, Status.SKIPPED, None, (), reason="not runnable: json")
    assert load(SnippetResult, json.loads(json.dumps(dump(result)))) == result


def test_the_docker_sidecar_reads_back_the_mock_config_it_was_given(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`MockConfig` goes to the sidecar through `harness.serialize`: every field arrives, documents by content."""
    document = {"openapi": "3.0.3", "paths": {"/ping": {"get": {"responses": {"200": {}}}}}}
    (tmp_path / "doc.json").write_text(json.dumps(document))
    config = MockConfig(account_id="a" * 32, api_token="t0k3n", hosts=("api.cloudflare.com", "x.test"),
                        scenarios=(parse_scenario({"tabs": ["curl"], "error": "capacity", "latency_ms": 5}, "s"),),
                        openapi_docs=(tmp_path / "doc.json",), max_body_bytes=1234)
    for name, value in config_env(config).items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("sidecar_under_test", ROOT / "runners" / "mock" / "sidecar.py")
    assert spec is not None and spec.loader is not None
    sidecar = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sidecar)

    read: MockConfig = sidecar.config_from_env()
    [path] = read.openapi_docs
    assert json.loads(path.read_text()) == document
    assert replace(read, openapi_docs=config.openapi_docs) == config


def test_mock_config_and_journal_entries_round_trip() -> None:
    config = MockConfig(scenarios=(Scenario(models=("@cf/x/*",), error=ServiceError(503, 9999, "down")),),
                        openapi_docs=(Path("/docs/api.json"),))
    assert config_from_json(config_to_json(config)) == config
    entry = RecordedRequest(snippet_id=None, via="blocked", method="CONNECT", url="x.test:443", path="",
                            headers=(("a", "1"), ("a", "2")), body=b"\xff", seq=4)
    assert entry_from_dict(json.loads(json.dumps(entry_to_dict(entry)))) == entry
