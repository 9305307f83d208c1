"""Reading a driver's report back: each request goes to the block that was running when it was recorded."""

from __future__ import annotations

import base64

import pytest

from harness.errors import HarnessError
from harness.model import RecordedRequest
from harness.sessions_run.results import attribute, parse_reports


def _request(at: float, path: str) -> RecordedRequest:
    return RecordedRequest(None, "rest", "POST", "https://api.cloudflare.com" + path, path, (), b"", at=at)


def test_each_request_goes_to_the_last_cell_started_before_it() -> None:
    starts = [10.0, 20.0, 30.0]
    sent = [_request(9.5, "/early"), _request(12.0, "/a"), _request(20.0, "/b"), _request(29.9, "/late-b"),
            _request(31.0, "/c"), _request(99.0, "/after-the-end")]
    split = attribute(sent, starts)
    assert [[r.path for r in cell] for cell in split] == [
        ["/early", "/a"], ["/b", "/late-b"], ["/c", "/after-the-end"]]


def test_reports_are_told_from_other_output_by_their_mark() -> None:
    python = 'MK {"cell": 0, "start": 1.0, "end": 2.0, "exit": 1, "stdout": "hi\\n", "stderr": "boom"}\nstray\n'
    [report], other = parse_reports("python", python, "MK")
    assert (report.index, report.exit_code, report.stdout, report.stderr, other) == (0, 1, "hi\n", "boom", "stray")
    out = base64.b64encode(b"hello\n").decode()
    [shell], _ = parse_reports("shell", f"MK 2 1.5 2.5 3 -{out} - 1\n", "MK")
    assert (shell.index, shell.exit_code, shell.stdout, shell.stderr, shell.truncated) == (1, 3, "hello\n", "", True)
    assert parse_reports("python", 'MKX {"cell": 0}\n', "MK")[0] == []


def test_a_report_that_does_not_parse_is_the_harness_fault() -> None:
    with pytest.raises(HarnessError, match="python session driver"):
        parse_reports("python", "MK {not json\n", "MK")
