"""What page sessions and Worker bindings cost per snippet, from launches measured in one run
(`harness.bench.cost_measure` over the pages of `harness.bench.cost_pages`): medians, ratios, the printed
tables and the warm Worker target (`scripts/bench.py --only sessions,bindings`).

- Sessions, for each kind (Python notebook-style, shell, Worker steps): a block's cost in its session (the
  session's launch divided by the blocks it ran; a combined Worker step is a launch of its own) against
  the same code run standalone (each step with its setup; a Worker step's whole program), and for the
  Python and shell drivers what a launch costs beyond its blocks' own time (the driver's start).
- Bindings: a Worker that uses one binding (KV, D1, R2, a Durable Object, Vectorize, AI) against the plain
  warm Worker (the seed's `worker` tab), all in one run; the warm Worker target (median <= 60 ms) is judged
  on the plain one there, beside the others, and the plain one's median in a run of its own is given too.
"""

from __future__ import annotations

import functools
import json
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness.bench.cost_pages import BINDINGS, PLAIN, SESSION_KINDS, write_binding_tree, write_session_tree

WARM_WORKER_TARGET_MS = 60
"""The warm Worker median the issue holds the harness to."""
PLAIN_ALONE = "plain alone"
"""The plain Worker's label in a run of plain Workers only."""
ALONE_PAGES = 5
"""Plain Workers run alone for each page a label: they take ~2 s a run of 10, where a burst of other work on
the machine weighs on a median of 10."""


def spread(values: Sequence[float]) -> dict[str, float | int]:
    """Median and 95th percentile (nearest rank), in milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"n": len(ordered), "median_ms": round(1000 * statistics.median(ordered), 1), "p95_ms": round(1000 * p95, 1)}


def _of(launches: Sequence[dict[str, Any]], label: str) -> list[dict[str, Any]]:
    return [launch for launch in launches if launch["label"] == label]


def _not_passed(launches: Sequence[dict[str, Any]]) -> int:
    return sum(status != "passed" for launch in launches for status in launch["statuses"])


def _warmth(launches: Sequence[dict[str, Any]]) -> str:
    warm = [launch["warm"] for launch in launches if launch["warm"] is not None]
    return "-" if not warm else "warm" if all(warm) else "cold" if not any(warm) else f"{sum(warm)}/{len(warm)} warm"


def session_costs(measured: dict[str, Any]) -> dict[str, Any]:
    """Per kind: a block in its session against the same code alone (spreads, ratio of medians), the
    session's launch, its driver's start (launch minus its blocks' own times) and the blocks a launch ran."""
    launches = measured["launches"]
    kinds: dict[str, Any] = {}
    for kind in SESSION_KINDS:
        session, alone = _of(launches, f"{kind}-session"), _of(launches, f"{kind}-standalone")
        if not session or not alone:
            continue
        per_block = [launch["seconds"] / launch["blocks"] for launch in session]
        alone_s = [launch["seconds"] for launch in alone]
        row: dict[str, Any] = {
            "in_session": spread(per_block), "standalone": spread(alone_s),
            "ratio": statistics.median(per_block) / statistics.median(alone_s),
            "launch": spread([launch["seconds"] for launch in session]),
            "blocks_per_launch": statistics.median(launch["blocks"] for launch in session),
            "warm": _warmth(session), "not_passed": _not_passed(session) + _not_passed(alone)}
        if row["blocks_per_launch"] > 1:
            row["driver_start"] = spread([launch["seconds"] - sum(launch["cells_s"]) for launch in session])
        kinds[kind] = row
    return {"jobs": measured["jobs"], "wall_s": measured["wall_s"], "kinds": kinds,
            "problems": measured["problems"], "rss_mb": measured["rss_mb"]}


def binding_costs(measured: dict[str, Any], alone: dict[str, Any] | None = None) -> dict[str, Any]:
    """The plain warm Worker and each binding's Worker: spread, ratio of medians to the plain one, warm or
    cold; with `alone` (a run of plain Workers only), the plain Worker there too (`PLAIN_ALONE`)."""
    launches = measured["launches"]
    plain = [launch["seconds"] for launch in _of(launches, PLAIN)]
    rows: dict[str, Any] = {}
    labelled = [(PLAIN_ALONE, _of(alone["launches"], PLAIN) if alone else [])] \
        + [(label, _of(launches, label)) for label in (PLAIN, *BINDINGS)]
    for label, mine in labelled:
        if not mine or not plain:
            continue
        seconds = [launch["seconds"] for launch in mine]
        rows[label] = {**spread(seconds), "ratio": statistics.median(seconds) / statistics.median(plain),
                       "warm": _warmth(mine), "not_passed": _not_passed(mine)}
    return {"jobs": measured["jobs"], "wall_s": measured["wall_s"], "workers": rows,
            "problems": measured["problems"] + (alone["problems"] if alone else []), "rss_mb": measured["rss_mb"]}


def _plain_only(root: Path, pages: int) -> None:
    write_binding_tree(root, pages, ())


def _measured(root: Path, write: Callable[[Path, int], None], pages: int, jobs: int,
              warm_up_pages: Callable[[Path], None]) -> dict[str, Any]:
    """The pages `write` writes under `root/timed`, run in a process of its own
    (`harness.bench.cost_measure`) after those `warm_up_pages` writes under `root/warm-up`."""
    timed, warm_up = root / "timed", root / "warm-up"
    write(timed, pages)
    warm_up_pages(warm_up)
    done = subprocess.run([sys.executable, "-m", "harness.bench.cost_measure", str(timed), "--warm-up", str(warm_up),
                           "-j", str(jobs)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"measuring {timed} failed:\n{done.stderr[-3000:]}")
    measured: dict[str, Any] = json.loads(done.stdout)
    return measured


def measure_part(part: str, work: Path, pages: int, jobs: int, steps: int = 3) -> dict[str, Any]:
    """`sessions` or `bindings` measured on `pages` pages a label written under `work`, summed up, the
    launches themselves kept under `raw`. Warm-up pages run first, untimed, so that the warm Worker
    servers have started (a session page of each kind; 2 x `jobs` plain Workers). Bindings: the plain
    Worker is also run alone (`ALONE_PAGES` x `pages` of it), in a run of its own, so that the table shows
    what the cold binding Workers beside it take from it."""
    if part == "sessions":
        measured = _measured(work / part, lambda root, size: write_session_tree(root, size, steps), pages, jobs,
                             lambda root: write_session_tree(root, 1, steps))
        return {"pages": pages, "steps": steps, **session_costs(measured), "raw": measured["launches"]}
    warm_up = functools.partial(_plain_only, pages=2 * jobs)  # Workers at once: every warm server starts
    measured = _measured(work / part, write_binding_tree, pages, jobs, warm_up)
    alone = _measured(work / "plain-alone", _plain_only, ALONE_PAGES * pages, jobs, warm_up)
    raw = measured["launches"] + [{**launch, "label": PLAIN_ALONE} for launch in alone["launches"]]
    return {"pages": pages, **binding_costs(measured, alone), "raw": raw}


def _ms(cell: dict[str, Any] | None) -> str:
    return f"{cell['median_ms']:.0f}/{cell['p95_ms']:.0f}" if cell else "-"


def print_sessions(result: dict[str, Any]) -> None:
    """The sessions table."""
    print(f"\nPage sessions, N={result['pages']} pages a kind (a setup block and {result['steps']} steps), "
          f"-j {result['jobs']}: a block in its session (launch / blocks) against the same code alone; median/p95 ms")
    print(f"  {'':<8} {'in session':>11} {'alone':>10} {'x alone':>8} {'launch':>10} {'blocks':>7}"
          f" {'driver start':>13} {'runs':>8} {'not passed':>11}")
    for kind, row in result["kinds"].items():
        print(f"  {kind:<8} {_ms(row['in_session']):>11} {_ms(row['standalone']):>10} {row['ratio']:>8.2f}"
              f" {_ms(row['launch']):>10} {row['blocks_per_launch']:>7.0f} {_ms(row.get('driver_start')):>13}"
              f" {row['warm']:>8} {row['not_passed']:>11}")
    for problem in result["problems"]:
        print(f"  ! {problem}")


def print_bindings(result: dict[str, Any]) -> None:
    """The bindings table, the plain warm Worker first."""
    print(f"\nWorker bindings, N={result['pages']} Workers a binding, -j {result['jobs']}: per snippet median/p95 ms "
          "against the plain warm Worker (the seed's worker tab) beside them; plain alone: in a run of its own")
    print(f"  {'':<15} {'ms':>10} {'x plain':>8} {'runs':>6} {'not passed':>11}")
    for label, row in result["workers"].items():
        print(f"  {label:<15} {_ms(row):>10} {row['ratio']:>8.2f} {row['warm']:>6} {row['not_passed']:>11}")
    for problem in result["problems"]:
        print(f"  ! {problem}")


def cost_targets(report: dict[str, Any]) -> list[str]:
    """The warm Worker target on the plain Worker of the bindings part (with each binding's median beside
    it) and on the Worker steps of the sessions part, for the parts that ran."""
    lines = []
    workers = report.get("bindings", {}).get("workers", {})
    if PLAIN in workers:
        median = workers[PLAIN]["median_ms"]
        beside = ", ".join(f"{label} {row['median_ms']:.0f} ms ({row['warm']}, x{row['ratio']:.1f})"
                           for label, row in workers.items() if label not in (PLAIN, PLAIN_ALONE))
        alone = f"; alone: {workers[PLAIN_ALONE]['median_ms']:.0f} ms" if PLAIN_ALONE in workers else ""
        lines.append(f"{'holds' if median <= WARM_WORKER_TARGET_MS else 'MISSED'}: warm Worker snippets beside the "
                     f"bindings, median {median:.0f} ms (target <= {WARM_WORKER_TARGET_MS} ms{alone}); with a "
                     f"binding: {beside or 'none measured'}")
    steps = report.get("sessions", {}).get("kinds", {}).get("worker")
    if steps is not None:
        median = steps["in_session"]["median_ms"]
        lines.append(f"{'holds' if median <= WARM_WORKER_TARGET_MS else 'MISSED'}: Worker session steps "
                     f"({steps['warm']}), median {median:.0f} ms (target <= {WARM_WORKER_TARGET_MS} ms; "
                     f"x{steps['ratio']:.2f} their programs alone)")
    return lines
