"""A 5xx a Worker's code gives on every answer (a sample of changing the status) is what the page promises,
not a crash; one from a `catch`, an `if` or a helper still is. A Worker that passes the request on to its origin
and reads the answer as JSON asks with `Accept: application/json`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.check.deliberate import answers_on_purpose
from harness.worker_request import suggested

ROOT = Path(__file__).resolve().parents[2]
PAGE = "fixtures/pages/unseen/relabel-origin-answer.md"

_HANDLER = "export default {\n  async fetch(request) {\n%s\n  },\n};\n"


@pytest.mark.parametrize(("body", "on_purpose"), [
    ("    return new Response('later', { status: 503 });", True),
    ("    try { return new Response('ok', { status: 503 }); } finally { }", True),
    ("    if (request.method === 'POST') { return new Response('no', { status: 503 }); }\n"
     "    return new Response('ok');", False),
    ("    if (request.method === 'POST') return new Response('no', { status: 503 });\n"
     "    return new Response('ok');", False),
    ("    try { return await fetch(request); } catch (e) { return new Response(e.message, { status: 503 }); }", False),
    ("    return new Response('later', { status: 502 });", False),  # another status than the one answered
])
def test_a_status_the_handler_sets_on_every_request_is_on_purpose(body: str, on_purpose: bool) -> None:
    assert answers_on_purpose(_HANDLER % body, 503) is on_purpose


def test_a_helper_that_answers_5xx_is_not_the_handlers_choice() -> None:
    code = "function unavailable() {\n  return new Response('x', { status: 503 });\n}\n" + _HANDLER % (
        "    return unavailable();")
    assert not answers_on_purpose(code, 503)


def test_a_worker_reading_its_origins_answer_as_json_asks_for_json() -> None:
    passes_on = _HANDLER % "    const o = await fetch(request);\n    return Response.json(await o.json());"
    assert ("accept", "application/json") in suggested(passes_on).headers
    reads_its_own = _HANDLER % "    const o = await fetch('https://example.com/data');\n    return o;"
    assert "accept" not in dict(suggested(reads_its_own).headers)


def test_the_page_runs_as_it_promises_and_a_caught_error_still_fails(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", PAGE, "--executor", "local", "--no-cache",
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    relabel, caught = json.loads(out.read_text())["snippets"]
    assert relabel["status"] == "passed", done.stdout + done.stderr
    assert relabel["response"]["status"] == 503 and json.loads(relabel["response"]["body"])["relabelled"] is True
    assert caught["status"] == "failed"
    assert [f["rule"] for f in caught["findings"] if f["severity"] == "error"] == ["RUN003"]
