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


def _spread(ms: float) -> dict[str, float]:
    return {"median_ms": ms, "p95_ms": ms, "n": 10}


def test_the_pmd_target_is_the_median_of_the_rounds_ratios() -> None:
    from harness.bench.inprocess_pmd import pmd_target

    rounds = [{"inprocess": {"per_runner": {"python": _spread(ours)}},
               "pytest_markdown_docs": {"per_snippet": _spread(theirs)}, "ratio": ours / theirs}
              for ours, theirs in ((9.0, 3.0), (5.0, 2.5), (6.0, 4.0))]
    assert pmd_target({"rounds": rounds, "ratio": 2.0}) == [
        "holds: inprocess per snippet 2.00 x pytest-markdown-docs (median of 3 rounds: 9.0 vs 3.0 ms, "
        "5.0 vs 2.5 ms, 6.0 vs 4.0 ms; target <= 2 x)"]
    assert pmd_target({"rounds": rounds, "ratio": 2.1})[0].startswith("MISSED: inprocess per snippet 2.10 x")
    assert pmd_target({"skipped": "offline"}) == []


def test_the_node_target_compares_each_local_run_with_the_bare_limit() -> None:
    from harness.bench.inprocess_pmd import node_target

    bare = {"per_runner": {"node": _spread(400.0)}}
    runs = [{"executor": "local", "warm_workers": False, "per_runner": {"node": _spread(210.0)}},
            {"executor": "local", "warm_workers": True, "per_runner": {"node": _spread(120.0)}},
            {"executor": "inprocess", "warm_workers": True, "per_runner": {"node": _spread(100.0)}}]
    assert node_target(bare, runs, 100) == [
        "MISSED: Node snippets under local (cold Workers), N=100: median 210 ms, 0.53 x the bare limit's "
        "400 ms (target <= 0.5 x)",
        "holds: Node snippets under local (warm Workers), N=100: median 120 ms, 0.30 x the bare limit's "
        "400 ms (target <= 0.5 x)"]


def test_pmd_times_are_the_junit_reports_unrounded(tmp_path: Path) -> None:
    """Each test's setup, call and teardown added, as in the JUnit report, which rounds them to 1 ms
    (a median of 2 or 3 ms then moves the ratio by a third)."""
    from harness.bench.corpus import write_python_pages
    from harness.bench.pmd import ensure_venv, run_pmd

    write_python_pages(tmp_path, 3)
    result = run_pmd(tmp_path, ensure_venv())
    assert (result["tests"], result["failed"], result["exit_code"]) == (3, 0, 0), result["tail"]
    rounded, _ = junit_outcomes(tmp_path / "pmd-junit.xml")
    assert sorted(round(t, 3) for t in result["durations"]) == sorted(rounded)
    assert any(abs(t * 1000 - round(t * 1000)) > 1e-6 for t in result["durations"])
