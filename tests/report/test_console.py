"""Console: the progress bar (rich on a terminal, plain lines with ETA in CI) and the closing summary."""

from __future__ import annotations

import io

from harness.model import RunResult
from harness.report import console, triage


def test_plain_progress_prints_one_line_per_snippet_with_an_eta(fixture_run: RunResult) -> None:
    out = io.StringIO()
    progress = console.ProgressLine(out)  # a StringIO is no terminal: plain lines
    total = len(fixture_run.results)
    for done, result in enumerate(fixture_run.results, 1):
        progress(done, total, result)
    lines = out.getvalue().splitlines()
    assert len(lines) == total
    assert lines[0].startswith(f"[1/{total}] ") and fixture_run.results[0].snippet.where in lines[0]
    assert " (eta " in lines[0] and "eta" not in lines[-1]


def test_bar_on_a_terminal_draws_a_rich_progress_bar(fixture_run: RunResult) -> None:
    out = io.StringIO()
    progress = console.ProgressLine(out, plain=False)
    total = len(fixture_run.results)
    for done, result in enumerate(fixture_run.results, 1):
        progress(done, total, result)
    text = out.getvalue()
    assert f"{total}/{total}" in text and "eta" in text and "━" in text
    assert text.count("\n") < total  # one bar, not a line per snippet


def test_closing_summary_names_the_top_findings_before_the_totals(fixture_run: RunResult) -> None:
    text = console.render(fixture_run)
    tail = text[text.index("Fix first:"):]
    top = triage.failure_groups(fixture_run)[0]
    assert tail.splitlines()[1].split()[:2] == [str(len(top.where)), top.rule]
    assert top.cause[:40] in tail.splitlines()[1]
    assert "Not run: " in tail and tail.index("Not run: ") < tail.index(console.summary_line(fixture_run))
    assert text.rstrip().endswith(console.summary_line(fixture_run))
