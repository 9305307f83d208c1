"""`scripts/compare_runs.py`: which snippets changed status or findings between two JSON reports."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "compare_runs.py"


def finding(rule: str, line: int, severity: str = "error", message: str = "m") -> dict[str, Any]:
    return {"rule": rule, "name": "", "severity": severity, "message": message, "page": "p.md", "line": line,
            "details": {}}


BEFORE: dict[str, Any] = {
    "summary": {},
    "page_findings": [finding("PAGE001", 6, "warning")],
    "snippets": [
        {"id": "p.md::g1::python", "status": "failed", "findings": [finding("REQ003", 12)]},
        {"id": "p.md::g1::curl", "status": "passed", "findings": [finding("REQ004", 20, "warning", "sends x")]},
        {"id": "p.md::g2::1", "status": "skipped", "findings": []},
    ],
}


def compare(tmp_path: Path, after: dict[str, Any], *flags: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "before.json").write_text(json.dumps(BEFORE))
    (tmp_path / "after.json").write_text(json.dumps(after))
    return subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "before.json"), str(tmp_path / "after.json"),
                           *flags], capture_output=True, text=True, timeout=60)


def test_the_same_run_agrees(tmp_path: Path) -> None:
    done = compare(tmp_path, copy.deepcopy(BEFORE))
    assert done.returncode == 0 and done.stdout == "" and "the runs agree" in done.stderr


def test_a_status_and_a_finding_that_changed_are_printed(tmp_path: Path) -> None:
    after = copy.deepcopy(BEFORE)
    after["snippets"][0].update(status="passed", findings=[])
    after["snippets"][1]["findings"].append(finding("TS001", 21, "warning"))
    done = compare(tmp_path, after)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "p.md::g1::python: failed -> passed", "  - error REQ003 line 12",
        "p.md::g1::curl: passed", "  + warning TS001 line 21",
    ]


def test_a_moved_finding_and_a_page_finding_count(tmp_path: Path) -> None:
    after = copy.deepcopy(BEFORE)
    after["snippets"][0]["findings"] = [finding("REQ003", 13)]
    after["page_findings"] = []
    done = compare(tmp_path, after)
    assert done.returncode == 1
    assert "  - error REQ003 line 12" in done.stdout and "  + error REQ003 line 13" in done.stdout
    assert "p.md::page:\n" in done.stdout and "  - warning PAGE001 line 6" in done.stdout


def test_messages_count_only_when_asked(tmp_path: Path) -> None:
    after = copy.deepcopy(BEFORE)
    after["snippets"][1]["findings"] = [finding("REQ004", 20, "warning", "sends y")]
    assert compare(tmp_path, after).returncode == 0
    done = compare(tmp_path, after, "--messages")
    assert done.returncode == 1 and "  + warning REQ004 line 20: sends y" in done.stdout


def test_snippets_on_one_side_only(tmp_path: Path) -> None:
    after = copy.deepcopy(BEFORE)
    after["snippets"] = after["snippets"][1:] + [{"id": "p.md::g3::node", "status": "passed", "findings": []}]
    done = compare(tmp_path, after)
    assert done.returncode == 1
    assert done.stdout.splitlines() == ["p.md::g1::python: only before", "p.md::g3::node: only after"]


@pytest.mark.parametrize("text", ["not json", '{"summary": {}}'])
def test_a_file_that_is_no_report_is_exit_2(tmp_path: Path, text: str) -> None:
    (tmp_path / "bad.json").write_text(text)
    (tmp_path / "before.json").write_text(json.dumps(BEFORE))
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "before.json"), str(tmp_path / "bad.json")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "not a harness JSON report" in done.stderr
