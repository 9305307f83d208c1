"""The fault tests run the jobs of `fixtures/faults` one by one on an executor, breaking something
between or during them."""

from __future__ import annotations

from pathlib import Path

from harness.model import SnippetResult
from harness.pipeline import Job, plan, run_job
from harness.run.base import Executor
from harness.run.registry import default_runners_dir, runners

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "fixtures" / "faults" / "calls-the-api.md"
TIMEOUT_S = 20.0


def jobs() -> tuple[Job, Job, Job]:
    """An API call at once, one after 2 s, and a print."""
    first, late, printing = plan([str(PAGE)]).jobs
    return first, late, printing


def run(job: Job, executor: Executor) -> SnippetResult:
    """One job as a run runs it (its verdict aside)."""
    return run_job(job, executor, runners(default_runners_dir())[job.runner], TIMEOUT_S)
