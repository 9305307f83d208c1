"""`harness trend`: three reports give a table and a page with one point and one bar per run."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from harness.cli import main
from harness.model import RunResult, Status
from harness.report import json_report


def _with_fixed(run: RunResult, count: int) -> RunResult:
    """The run with its first `count` failed snippets passing."""
    failed = [r for r in run.results if r.status is Status.FAILED][:count]
    results = tuple(dataclasses.replace(r, status=Status.PASSED, findings=()) if r in failed else r
                    for r in run.results)
    return dataclasses.replace(run, results=results)


def test_trend_over_three_reports_draws_coverage_and_failures(fixture_run: RunResult, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    reports = []
    for day, fixed in (("day1", 0), ("day2", 2), ("day3", 5)):
        json_report.write(_with_fixed(fixture_run, fixed), tmp_path / f"{day}.json")
        reports.append(str(tmp_path / f"{day}.json"))
    out = tmp_path / "out" / "trend.html"
    assert main(["trend", *reports, "--html", str(out)]) == 0
    failed = sum(r.status is Status.FAILED for r in fixture_run.results)
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[0] for row in rows[1:]] == ["day1", "day2", "day3"]
    assert [int(row.split()[-1]) for row in rows[1:]] == [failed, failed - 2, failed - 5]
    page = out.read_text()
    assert page.count('<circle class="dot"') == 3 and "<script" not in page
    heights = [float(h) for h in re.findall(r'<rect class="bar"[^>]* height="([\d.]+)"', page)]
    assert len(heights) == 3 and heights[0] > heights[1] > heights[2] > 0
    assert [t for t in re.findall(r"<title>(day\d): ", page)][:3] == ["day1", "day2", "day3"]


def test_trend_of_a_file_that_is_no_report_is_a_harness_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{}")
    assert main(["trend", str(bad)]) == 2
