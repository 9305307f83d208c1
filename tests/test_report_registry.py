"""Report formats come from one registry: the built-ins and the `harness.reports` entry points, each
offered as `--NAME FILE` by `harness run`/`merge` and as `--harness-NAME FILE` under pytest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import main, parser
from harness.errors import HarnessError
from harness.report.json_report import load_run, to_dict
from harness.report.registry import report_formats, write_reports

PLUGIN = '''
from harness.report.registry import ReportFormat, text_writer

def _render(run):
    return "".join(f"{r.snippet.id},{r.status.value}\\n" for r in run.results)

CSV = ReportFormat("csv", "CSV", "also write a CSV of statuses to FILE", text_writer(_render))
NOT_A_FORMAT = object()
'''


def install_plugin(root: Path, entry: str) -> None:
    """A distribution on `root` (put on sys.path) whose entry point in `harness.reports` is `entry`."""
    (root / "csv_report.py").write_text(PLUGIN)
    info = root / "csv_report-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: csv-report\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[harness.reports]\ncsv = {entry}\n")


@pytest.fixture
def fresh_registry() -> Iterator[None]:
    report_formats.cache_clear()
    yield
    report_formats.cache_clear()


def test_the_built_ins_each_make_an_option() -> None:
    names = [report.name for report in report_formats()]
    assert names == ["console", "json", "junit", "html", "markdown"]
    args = parser().parse_args(["run", "p.md", "--junit", "j.xml", "--console", "c.txt"])
    assert (args.junit, args.console, args.json) == ("j.xml", "c.txt", None)


def test_a_plugins_format_is_offered_and_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 fresh_registry: None) -> None:
    install_plugin(tmp_path, "csv_report:CSV")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert [report.name for report in report_formats()][-1] == "csv"
    run = load_run({"summary": {}, "snippets": [
        {"id": "p.md::g1::py", "page": "p.md", "line": 3, "group": "g1", "label": "py", "language": "py",
         "runner": None, "status": "skipped", "reason": "why", "findings": [], "code": ""}]})
    said: list[str] = []
    write_reports(run, {"csv": str(tmp_path / "out.csv")}, said.append)
    assert (tmp_path / "out.csv").read_text() == "p.md::g1::py,skipped\n"
    assert said == [f"CSV report: {tmp_path / 'out.csv'}"]
    report = tmp_path / "r.json"
    report.write_text(json.dumps(to_dict(run)))
    assert main(["merge", str(report), "--csv", str(tmp_path / "merged.csv")]) == 0
    assert (tmp_path / "merged.csv").read_text() == "p.md::g1::py,skipped\n"


def test_a_plugin_that_is_no_format_fails_naming_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        fresh_registry: None) -> None:
    install_plugin(tmp_path, "csv_report:NOT_A_FORMAT")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(HarnessError, match=r"report plugin 'csv' \(csv_report:NOT_A_FORMAT\) is not a ReportFormat"):
        report_formats()

