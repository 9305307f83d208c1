"""The cache's lossless round trip of the model's dataclasses."""

from __future__ import annotations

import json

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
from harness.serialize import dump, load


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
