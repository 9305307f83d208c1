"""The plan on disk: what `plan` reads back from its spools is what extraction found, and a run
settled from a spool comes out in page order with every result."""

from __future__ import annotations

import random
from pathlib import Path

from harness.check.registry import XPASS
from harness.config import Config, apply_to_snippet
from harness.extract import DEFAULT_PLACEHOLDERS, find_pages
from harness.extract.parallel import extract_pages
from harness.model import SnippetResult, Status
from harness.pipeline import Job, RunOptions, plan, settle
from harness.run.registry import runner_name_for
from harness.spool import Spool

ROOT = Path(__file__).resolve().parents[2]
PAGES = str(ROOT / "fixtures" / "pages")


def test_the_spooled_plan_reads_back_what_extraction_found() -> None:
    found, _ = find_pages([PAGES])
    extractions = extract_pages(found, DEFAULT_PLACEHOLDERS, workers=1)
    snippets = [(e.page, apply_to_snippet(Config(), s)) for e in extractions for s in e.snippets]
    expected_jobs = [Job(page, s, runner) for page, s in snippets
                     if not s.skip_reason and (runner := runner_name_for(s))]

    the_plan = plan([PAGES], sessions=False)

    assert list(the_plan.pages) == [e.page for e in extractions]
    assert list(the_plan.jobs) == expected_jobs and len(the_plan.jobs) == len(expected_jobs) > 50
    assert the_plan.jobs[3] == expected_jobs[3] and the_plan.jobs[-1] == expected_jobs[-1]
    assert [r.snippet for r in the_plan.skipped] == [s for _, s in snippets
                                                     if s.skip_reason or not runner_name_for(s)]
    with_sessions = plan([PAGES])  # the same snippets, some of them now run together
    in_sessions = [b.snippet.id for session in with_sessions.sessions for b in session.blocks]
    assert in_sessions and sorted([*(j.snippet.id for j in with_sessions.jobs), *in_sessions,
                                   *(r.snippet.id for r in with_sessions.skipped)]) == sorted(s.id for _, s in snippets)


def test_a_run_settled_from_its_spool_is_in_page_order_whatever_order_results_came_in() -> None:
    the_plan = plan([PAGES], sessions=False)
    results = [*the_plan.skipped, *(SnippetResult(job.snippet, Status.PASSED, None, ()) for job in the_plan.jobs)]
    random.Random(7).shuffle(results)

    run = settle(the_plan, Spool(SnippetResult, "test", results), RunOptions(), (), "local", 1.0)

    planned = [*(job.snippet for job in the_plan.jobs), *(r.snippet for r in the_plan.skipped)]
    ordered = sorted(planned, key=lambda s: (s.page, s.fence_line or s.line))  # ties: in the plan's order
    assert [r.snippet.id for r in run.results] == [s.id for s in ordered]
    assert isinstance(run.results, Spool) and run.results.path.exists()
    failed = [r for r in run.results if r.status is Status.FAILED]
    assert failed and all("xfail" in r.snippet.options and r.findings[-1].rule == XPASS.code for r in failed)
    assert len(run.results) == len(results) and {r.status for r in run.results} >= {Status.PASSED, Status.SKIPPED}
