"""Reports show a request body's size as sent, whether the run still holds its bytes or not."""

from __future__ import annotations

from dataclasses import replace

from harness.model import RecordedRequest
from harness.report.json_report import request_dict
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
