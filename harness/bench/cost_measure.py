"""What sessions and bindings cost, measured in a process of its own:
`python -m harness.bench.cost_measure ROOT [--warm-up FOLDER] [-j N]` prints one JSON object.

The pages under ROOT (`harness.bench.cost_pages`) are planned and run as `harness run` runs them on the
local executor (warm Workers, no cache, no type-check), all in one run so that every kind meets the same
machine. The pages under FOLDER run first on the same executor, untimed: the warm Worker servers start
there, as they start once in a long run (a few pages of each kind would otherwise carry their start).
Each launch is timed as `harness.bench.measure.TimedExecutor` times it (laying out files, starting or
handing over a process, cleaning up) and labelled with its page's label (`cost_pages.label_of`); a
session launch also says how many blocks it ran and how long each block took inside it (the driver's
own report), and a Worker launch whether it ran warm.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from harness.bench.cost_pages import label_of
from harness.bench.measure import TimedExecutor, peak_memory
from harness.pipeline import Plan, RunOptions, execute, plan
from harness.run.base import Launch, Outcome, Runner
from harness.run.executors import make_executor
from harness.run.local.warm_worker import WarmWorkers


class KeyedTimer(TimedExecutor):
    """`TimedExecutor` that also keeps, for each launch, the journal key it was routed under (a run routes
    a launch and executes it on the same thread, one after the other) and whether a Worker ran warm."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.launches: list[dict[str, Any]] = []
        self._routed = threading.local()

    def route(self, snippet_id: str) -> Any:
        self._routed.key = snippet_id
        return super().route(snippet_id)

    def execute(self, runner: Runner, launch: Launch, timeout_s: float) -> Outcome:
        key = getattr(self._routed, "key", "")
        started = time.monotonic()
        try:
            return super().execute(runner, launch, timeout_s)
        finally:
            seconds = time.monotonic() - started
            warm = WarmWorkers.serves(launch) if runner.name == "worker" else None
            with self._lock:
                self.launches.append({"key": key, "runner": runner.name, "seconds": round(seconds, 4), "warm": warm})


def label_launches(the_plan: Plan, launches: list[dict[str, Any]],
                   cells: dict[str, float], statuses: dict[str, str]) -> list[dict[str, Any]]:
    """Each launch with its page's label, the blocks it ran, each block's own
    time (`cells_s`: a session block's time inside the launch) and their statuses."""
    blocks: dict[str, list[str]] = {s.key: [b.snippet.id for b in s.blocks] for s in the_plan.sessions}
    pages = {s.key: s.page.path for s in the_plan.sessions} | {j.snippet.id: j.snippet.page for j in the_plan.jobs}
    labelled = []
    for launch in launches:
        key = launch["key"].split("@attempt", 1)[0]
        ids = blocks.get(key, [key])
        labelled.append({**launch, "label": label_of(pages[key]), "blocks": len(ids),
                         "cells_s": [cells[i] for i in ids if i in cells],
                         "statuses": [statuses.get(i, "not run") for i in ids]})
    return labelled


def measure_costs(root: Path, jobs: int, warm_up: Path | None = None) -> dict[str, Any]:
    """Runs the pages under `warm_up`, then plans and runs every page under `root`: each launch of the
    latter, labelled (`label_launches`), and that run's totals."""
    the_plan = plan([str(root)])
    options = RunOptions(executor="local", jobs=jobs, typecheck=False, cache_dir=None, warm_workers=True)
    timed = KeyedTimer(make_executor(options))
    with timed:
        if warm_up is not None:
            execute(plan([str(warm_up)]), timed, options)
            timed.launches.clear()
        started = time.monotonic()
        run = execute(the_plan, timed, options)
        cells, statuses, errors = {}, {}, set()
        for result in run.results:
            statuses[result.snippet.id] = result.status.value
            if result.evidence is not None:
                cells[result.snippet.id] = round(result.evidence.duration_s, 4)
            if result.status.value in ("error", "failed"):
                errors.add(f"{result.snippet.where} {result.status.value}: {result.reason}"[:300])
        wall = time.monotonic() - started
    return {"jobs": jobs, "wall_s": wall, "launches": label_launches(the_plan, timed.launches, cells, statuses),
            "statuses": dict(Counter(statuses.values())), "problems": sorted(errors)[:10], **peak_memory()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.bench.cost_measure")
    parser.add_argument("root", type=Path)
    parser.add_argument("--warm-up", type=Path, help="pages run first, untimed")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    json.dump(measure_costs(args.root, args.jobs, args.warm_up), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
