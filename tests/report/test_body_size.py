"""Reports show a request body's size as sent, whether the run still holds its bytes or not."""

from __future__ import annotations

from dataclasses import replace

from harness.model import RecordedRequest
from harness.report.json_report import load_run, request_dict
from harness.report.mask import Masker

TOKEN = "harness-test-token"
SENT = RecordedRequest("p.md::g1::sh", "rest", "POST", "https://x/", "/", (), f'{{"t": "{TOKEN}"}}'.encode(),
                       json={"t": TOKEN})


def test_a_let_go_body_keeps_its_size() -> None:
    kept = replace(SENT, body=b"", body_size=SENT.size)

    assert kept.size == len(SENT.body) == request_dict(SENT)["body_bytes"] == request_dict(kept)["body_bytes"]


def test_masking_hides_values_but_not_the_size_sent() -> None:
    masker = Masker({"{API_TOKEN}": TOKEN})
    whole, let_go = masker.request(SENT), masker.request(replace(SENT, body=b"", body_size=SENT.size))

    assert TOKEN.encode() not in whole.body and whole.json == {"t": "{API_TOKEN}"}
    assert whole.size == let_go.size == len(SENT.body)


def test_a_body_without_values_is_not_copied_and_one_with_them_is_masked_whole() -> None:
    masker = Masker({"{API_TOKEN}": TOKEN, "{ACCOUNT_ID}": "0123abcd"})
    plain = replace(SENT, body=b"\xff\xfe not text, and no value in it", json=None)
    both = replace(SENT, body=f"\xe9 0123abcd/{TOKEN}".encode(), json=None)

    assert masker.request(plain).body is plain.body
    assert masker.request(both).body == "\xe9 {ACCOUNT_ID}/{API_TOKEN}".encode()


def test_a_report_read_back_keeps_the_size_sent() -> None:
    """`harness merge` and `diff` read JSON reports: the size sent survives the round trip."""
    entry = {"id": SENT.snippet_id, "page": "p.md", "line": 1, "group": "g1", "label": "sh", "language": "sh",
             "runner": "shell", "status": "passed", "reason": "", "exit_code": 0, "duration_s": 0.1, "stdout": "",
             "stderr": "", "response": None, "findings": [], "code": "", "requests": [request_dict(SENT)]}
    [result] = load_run({"summary": {}, "snippets": [entry]}).results
    assert result.evidence is not None
    [read] = result.evidence.requests
    assert read.body == b"" and read.size == len(SENT.body)
