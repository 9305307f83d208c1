"""The pytest-markdown-docs comparison reads its JUnit report right: times, and real failures only."""

from __future__ import annotations

from pathlib import Path

from harness.bench.pmd import junit_outcomes

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3">
<testcase classname="a.md" name="[CodeFence#1]" time="0.004"><properties><property name="k" value="v"/></properties>
</testcase>
<testcase classname="b.md" name="[CodeFence#1]" time="0.002"><system-out>printed</system-out></testcase>
<testcase classname="c.md" name="[CodeFence#1]" time="0.010"><failure message="boom">trace</failure></testcase>
</testsuite></testsuites>
"""


def test_only_failures_and_errors_count_as_failed(tmp_path: Path) -> None:
    (tmp_path / "junit.xml").write_text(REPORT)
    assert junit_outcomes(tmp_path / "junit.xml") == ([0.004, 0.002, 0.010], 1)
