"""One measurement, in a process of its own (so that its peak memory is its own):
`python -m harness.bench.measure extract|harness|bare|scale ROOT [options]` prints one JSON object.

- `extract`: find and extract every page (the pipeline's `plan`): pages/s and peak memory.
- `harness`: plan, then run every runnable snippet on an executor (no cache, no type-check): the
  wall time of the run, each snippet's time by runner, statuses, peak memory (and the peak once
  planned, before the first snippet ran: `plan_rss_mb`).
- `scale`: a whole run as `harness run` makes it (plan, run, judge, write every built-in report):
  the time of each stage, snippets/s and peak memory (`scripts/bench.py --scale`).
- `bare`: the same snippets run bare (`harness.bench.bare`): wall time and each snippet's time.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from harness.bench.bare import run_bare
from harness.model import RecordedRequest
from harness.pipeline import Plan, RunOptions, execute, placeholders_for, plan
from harness.report.mask import Masker
from harness.report.registry import BUILT_IN, write_reports
from harness.route import Route
from harness.run.base import Executor, Launch, Outcome, Runner
from harness.run.executors import make_executor
from harness.run.registry import default_runners_dir


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and every process it has waited for, so far: less
    swayed by other work on the machine than wall time."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_memory() -> dict[str, float]:
    """Peak resident memory in MB: of this process, and of the largest process it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rss_mb": round(own, 1), "child_rss_mb": round(child, 1)}


def measure_extraction(root: Path) -> dict[str, Any]:
    """Find and extract every page under `root`: wall time, and the process's CPU time (on a machine
    others share, CPU time moves less with their load than wall time)."""
    started, cpu = time.monotonic(), cpu_seconds()  # the extraction pool's workers included
    the_plan = plan([str(root)])
    seconds, cpu = time.monotonic() - started, cpu_seconds() - cpu
    pages, runnable = len(the_plan.pages), _runnable(the_plan)
    return {"pages": pages, "snippets": runnable + len(the_plan.skipped), "runnable": runnable,
            "seconds": seconds, "pages_per_s": pages / seconds,
            "cpu_s": cpu, "cpu_pages_per_s": pages / cpu if cpu else 0.0, **peak_memory()}


def _runnable(the_plan: Plan) -> int:
    """The snippets that run: alone, or in a page session."""
    return len(the_plan.jobs) + sum(len(session.blocks) for session in the_plan.sessions)


def _by_runner(pairs: list[tuple[str, float]]) -> dict[str, list[float]]:
    grouped: dict[str, list[float]] = {}
    for runner, seconds in pairs:
        grouped.setdefault(runner, []).append(round(seconds, 4))
    return grouped


class TimedExecutor:
    """An executor as it is, with the wall time of each `execute` call kept by runner (laying out
    files, starting a process or container, and cleaning up, not only the run itself)."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.name = inner.name
        self.runners_dir = inner.runners_dir
        self.calls: list[tuple[str, float]] = []
        self._lock = threading.Lock()

    def __enter__(self) -> TimedExecutor:
        self.inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.inner.__exit__(*exc)

    def route(self, snippet_id: str) -> Route:
        return self.inner.route(snippet_id)

    def execute(self, runner: Runner, launch: Launch, timeout_s: float) -> Outcome:
        started = time.monotonic()
        try:
            return self.inner.execute(runner, launch, timeout_s)
        finally:
            with self._lock:
                self.calls.append((runner.name, time.monotonic() - started))

    def requests_of(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        return self.inner.requests_of(snippet_id)

    def take_requests(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        return self.inner.take_requests(snippet_id)


def measure_harness(root: Path, executor: str, warm_workers: bool, jobs: int,
                    isolation: str = "snippet") -> dict[str, Any]:
    the_plan = plan([str(root)])
    planned = peak_memory()["rss_mb"]  # what the run holds before the first snippet: the rest is the run's
    cpu = cpu_seconds()
    options = RunOptions(executor=executor, jobs=jobs, typecheck=False, cache_dir=None, warm_workers=warm_workers,
                         isolation=isolation)
    started = time.monotonic()
    with TimedExecutor(make_executor(options)) as timed:
        entered = time.monotonic()
        run = execute(the_plan, timed, options)
        warm_started = getattr(timed.inner, "warm_started", 0)
    wall = time.monotonic() - started
    cpu = cpu_seconds() - cpu
    return {
        "executor": executor, "warm_workers": warm_workers, "jobs": jobs, "snippets": len(timed.calls),
        "wall_s": wall, "cpu_s": cpu, "startup_s": entered - started, "durations": _by_runner(timed.calls),
        "statuses": dict(Counter(r.status.value for r in run.results)),
        "errors": sorted({r.reason for r in run.results if r.status.value == "error"})[:5],
        "isolation": isolation, "warm_started": warm_started,
        **peak_memory(), "plan_rss_mb": planned,
    }


def measure_scale(root: Path, executor: str, jobs: int) -> dict[str, Any]:
    """A whole run as `harness run` does it, on the default executor: plan, run, judge, then every
    built-in report written (to a temp folder): wall time of each stage, snippets/s, peak memory."""
    started, cpu = time.monotonic(), cpu_seconds()
    the_plan = plan([str(root)])
    planned, planned_rss = time.monotonic(), peak_memory()["rss_mb"]
    options = RunOptions(executor=executor, jobs=jobs, typecheck=False, cache_dir=None)
    with make_executor(options) as chosen:
        name = chosen.name
        run = Masker(placeholders_for(options.config)).run(execute(the_plan, chosen, options))
    ran, ran_rss = time.monotonic(), peak_memory()["rss_mb"]
    with tempfile.TemporaryDirectory(prefix="harness-bench-reports-") as folder:
        files = {report.name: str(Path(folder) / f"report.{report.name}") for report in BUILT_IN}
        write_reports(run, files, lambda _: None)
        sizes = {name: round(Path(path).stat().st_size / 1e6, 2) for name, path in files.items()}
    done = time.monotonic()
    snippets = len(run.results)
    return {"executor": name, "jobs": jobs, "pages": len(the_plan.pages), "snippets": snippets,
            "runnable": _runnable(the_plan), "statuses": dict(Counter(r.status.value for r in run.results)),
            "plan_s": planned - started, "run_s": ran - planned, "reports_s": done - ran, "wall_s": done - started,
            "snippets_per_s": snippets / (done - started), "cpu_s": cpu_seconds() - cpu, "report_mb": sizes,
            **peak_memory(), "plan_rss_mb": planned_rss, "run_rss_mb": ran_rss}


def measure_bare(root: Path, jobs: int) -> dict[str, Any]:
    the_plan = plan([str(root)])
    cpu = cpu_seconds()
    runs, wall = run_bare(the_plan.jobs, default_runners_dir(), jobs)
    return {"jobs": jobs, "snippets": len(runs), "wall_s": wall, "cpu_s": cpu_seconds() - cpu,
            "durations": _by_runner([(r.runner, r.duration_s) for r in runs]),
            "failed": sum(1 for r in runs if r.exit_code != 0), **peak_memory()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.bench.measure")
    parser.add_argument("what", choices=("extract", "harness", "bare", "scale"))
    parser.add_argument("root", type=Path)
    parser.add_argument("--executor", default="local", help="(scale: default auto, as `harness run`)")
    parser.add_argument("--warm-workers", action="store_true")
    parser.add_argument("--isolation", default="snippet", help="with --executor docker: snippet, group or run")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if args.what == "extract":
        result = measure_extraction(args.root)
    elif args.what == "harness":
        result = measure_harness(args.root, args.executor, args.warm_workers, args.jobs, args.isolation)
    elif args.what == "scale":
        result = measure_scale(args.root, args.executor, args.jobs)
    else:
        result = measure_bare(args.root, args.jobs)
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
