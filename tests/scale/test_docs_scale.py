"""The docs-scale tree of the bench: the real corpus's mix of blocks, made from the project's own pages."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from harness.bench.docs_scale import TEMPLATES, scale_line, write_scale_tree
from harness.pipeline import plan


def test_the_scale_tree_has_the_mix_of_a_real_docs_tree(tmp_path: Path) -> None:
    pages = 2 * 2 * len(TEMPLATES)  # every template twice, as many reference pages
    written = write_scale_tree(tmp_path, pages)
    the_plan = plan([str(tmp_path)])

    in_sessions = sum(len(session.blocks) for session in the_plan.sessions)
    snippets = len(the_plan.jobs) + in_sessions + len(the_plan.skipped)
    reasons = Counter(r.reason.split(":")[0] for r in the_plan.skipped)
    runners = Counter(job.runner for job in the_plan.jobs)
    assert len(written) == len(the_plan.pages) == pages
    assert len({path.read_text() for path in written}) == pages  # no two pages alike
    assert 5.0 <= snippets / pages <= 6.5  # Cloudflare's: about 14,500 blocks on 2,700 pages
    assert 0.2 <= (len(the_plan.jobs) + in_sessions) / snippets <= 0.35  # a quarter to a third run
    assert reasons["fragment"] / snippets >= 0.15 and reasons["not runnable"] / snippets >= 0.3
    assert set(runners) >= {"worker", "node", "python", "shell"}
    assert {path.suffix for path in written} == {".md", ".mdx"}
    assert the_plan.sessions  # notebook cells (and Worker blocks) that continue each other run as sessions
    assert any(job.snippet.label for job in the_plan.jobs)  # tabs
    bound = [job for job in the_plan.jobs if job.runner == "worker" and "bindings" in job.snippet.options]
    assert bound and all(json.loads(job.snippet.options["bindings"]) for job in bound)


def test_the_scale_run_is_one_line_among_the_targets_and_absent_when_not_run() -> None:
    run = {"snippets": 14512, "pages": 2700, "wall_s": 1480.4, "snippets_per_s": 9.8, "rss_mb": 97.2,
           "run_rss_mb": 81.0, "reports_s": 31.25}

    assert scale_line({"run": run}) == [
        "docs scale: 14512 snippets of 2700 pages in 1480 s (9.8 snippets/s), peak RSS 97 MB (once run: 81 MB), "
        "reports written in 31.2 s"]
    assert scale_line({}) == []
