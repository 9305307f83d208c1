"""What sessions and bindings cost (`harness.bench.costs`): the pages say what the bench counts on, the
figures are computed from the launches measured and printed; no timing is asserted."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from harness.bench.cost_pages import BINDINGS, PLAIN, label_of, write_binding_tree, write_session_tree
from harness.bench.costs import (
    ALONE_PAGES,
    PLAIN_ALONE,
    binding_costs,
    cost_targets,
    print_bindings,
    print_sessions,
    session_costs,
)
from harness.pipeline import plan

ROOT = Path(__file__).resolve().parents[1]


def _launch(label: str, seconds: float, blocks: int = 1, cells: tuple[float, ...] = (), warm: bool | None = None,
            status: str = "passed") -> dict[str, object]:
    return {"label": label, "seconds": seconds, "blocks": blocks, "cells_s": list(cells), "warm": warm,
            "statuses": [status] * blocks, "key": label, "runner": label.split("-")[0]}


def test_session_pages_run_in_sessions_and_their_standalone_twins_alone(tmp_path: Path) -> None:
    write_session_tree(tmp_path, 2, steps=3)
    the_plan = plan([str(tmp_path)])
    assert not the_plan.skipped
    assert sorted((label_of(s.page.path), s.runner, len(s.blocks)) for s in the_plan.sessions) == [
        ("python-session", "python", 4)] * 2 + [("shell-session", "shell", 4)] * 2
    alone = Counter(label_of(job.snippet.page) for job in the_plan.jobs)
    assert alone == {"python-standalone": 6, "shell-standalone": 6, "worker-session": 8, "worker-standalone": 8}
    steps = [job.snippet for job in the_plan.jobs if label_of(job.snippet.page) == "worker-session"]
    assert sum("ran_as" in snippet.options for snippet in steps) == 6  # the three steps of each page combined
    programs = [job.snippet.code.strip() for job in the_plan.jobs if label_of(job.snippet.page) == "worker-standalone"]
    assert programs == [snippet.code.strip() for snippet in steps]  # the very programs the steps run as


def test_binding_pages_are_one_worker_each(tmp_path: Path) -> None:
    write_binding_tree(tmp_path, 2)
    the_plan = plan([str(tmp_path)])
    assert Counter(label_of(job.snippet.page) for job in the_plan.jobs) == {label: 2 for label in (PLAIN, *BINDINGS)}
    assert {job.runner for job in the_plan.jobs} == {"worker"}
    assert {label_of(r.snippet.page) for r in the_plan.skipped} == set(BINDINGS)  # their wrangler.toml blocks


def test_session_costs_are_computed_from_the_launches(capsys: pytest.CaptureFixture[str]) -> None:
    launches = [_launch("python-session", 0.8, 4, (0.2, 0.05, 0.05, 0.05)),
                _launch("python-session", 1.2, 4, (0.3, 0.1, 0.1, 0.1)),
                *(_launch("python-standalone", s) for s in (0.3, 0.4, 0.5)),
                _launch("worker-session", 0.04, warm=True), _launch("worker-session", 0.06, warm=True),
                _launch("worker-standalone", 0.05, warm=True, status="failed")]
    result = session_costs({"launches": launches, "jobs": 2, "wall_s": 3.0, "problems": [], "rss_mb": 80.0})
    python, worker = result["kinds"]["python"], result["kinds"]["worker"]
    assert set(result["kinds"]) == {"python", "worker"}  # shell was not measured
    assert python["in_session"] == {"n": 2, "median_ms": 250.0, "p95_ms": 300.0}  # (0.8 / 4 + 1.2 / 4) / 2
    assert python["standalone"]["median_ms"] == 400.0 and python["ratio"] == pytest.approx(0.625)
    assert python["driver_start"]["median_ms"] == pytest.approx(1000 * statistics.median([0.45, 0.6]))
    assert python["blocks_per_launch"] == 4 and python["warm"] == "-" and python["not_passed"] == 0
    assert worker["in_session"]["median_ms"] == 50.0 and "driver_start" not in worker
    assert worker["warm"] == "warm" and worker["not_passed"] == 1

    print_sessions({**result, "pages": 2, "steps": 3})
    printed = capsys.readouterr().out
    assert "N=2 pages a kind (a setup block and 3 steps)" in printed
    assert "python       250/300    400/500     0.62" in printed
    assert cost_targets({"sessions": result}) == [
        "holds: Worker session steps (warm), median 50 ms (target <= 60 ms; x1.00 their programs alone)"]


def test_binding_costs_judge_the_plain_warm_worker(capsys: pytest.CaptureFixture[str]) -> None:
    launches = [*(_launch(PLAIN, s, warm=True) for s in (0.04, 0.05, 0.09)),
                *(_launch("kv", s, warm=False) for s in (2.0, 2.4)), _launch("ai", 0.03, warm=True)]
    result = binding_costs({"launches": launches, "jobs": 2, "wall_s": 5.0, "problems": ["p.md:3 [x] failed"],
                            "rss_mb": 90.0})
    assert list(result["workers"]) == [PLAIN, "kv", "ai"]
    assert result["workers"]["kv"] == {"n": 2, "median_ms": 2200.0, "p95_ms": 2400.0, "ratio": pytest.approx(44.0),
                                       "warm": "cold", "not_passed": 0}
    assert cost_targets({"bindings": result}) == [
        "holds: warm Worker snippets beside the bindings, median 50 ms (target <= 60 ms); with a binding: "
        "kv 2200 ms (cold, x44.0), ai 30 ms (warm, x0.6)"]
    alone = binding_costs({"launches": launches, "jobs": 2, "wall_s": 5.0, "problems": [], "rss_mb": 90.0},
                          {"launches": [_launch(PLAIN, s, warm=True) for s in (0.02, 0.03)], "problems": []})
    assert list(alone["workers"]) == [PLAIN_ALONE, PLAIN, "kv", "ai"]
    assert alone["workers"][PLAIN_ALONE]["median_ms"] == 25.0 and alone["workers"][PLAIN_ALONE]["ratio"] == 0.5
    assert "median 50 ms (target <= 60 ms; alone: 25 ms); with a binding: kv 2200 ms" in cost_targets(
        {"bindings": alone})[0]
    slower = binding_costs({"launches": [_launch(PLAIN, 0.07, warm=True)], "jobs": 2, "wall_s": 1.0,
                            "problems": [], "rss_mb": 1.0})
    assert cost_targets({"bindings": slower})[0].startswith("MISSED: warm Worker snippets beside the bindings, "
                                                            "median 70 ms")
    print_bindings({**result, "pages": 3})
    printed = capsys.readouterr().out
    assert "  kv               2200/2400    44.00   cold           0" in printed and "! p.md:3 [x] failed" in printed
    assert cost_targets({}) == []


@pytest.mark.node
def test_the_bench_measures_only_sessions_and_bindings_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--only", "sessions,bindings",
                           "--cost-pages", "1", "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert "world_start" not in report and not report["runs"]
    sessions, bindings = report["sessions"], report["bindings"]
    assert sessions["problems"] == [] and bindings["problems"] == []
    for kind, row in sessions["kinds"].items():
        assert row["not_passed"] == 0
        launches = [r for r in sessions["raw"] if r["label"] == f"{kind}-session"]
        per_block = [r["seconds"] / r["blocks"] for r in launches]
        assert row["in_session"]["median_ms"] == round(1000 * statistics.median(per_block), 1)
        assert all(len(r["cells_s"]) == r["blocks"] for r in launches)
    assert {kind: row["blocks_per_launch"] for kind, row in sessions["kinds"].items()} == {
        "python": 4, "shell": 4, "worker": 1}
    assert list(bindings["workers"]) == [PLAIN_ALONE, PLAIN, *BINDINGS]
    assert [row["n"] for row in bindings["workers"].values()] == [ALONE_PAGES] + [1] * 7
    assert all(row["not_passed"] == 0 for row in bindings["workers"].values())
    assert bindings["workers"][PLAIN]["warm"] == "warm"
    for line in cost_targets(report):
        assert line in report["targets"] and line in done.stdout
    plain = bindings["workers"][PLAIN]["median_ms"]
    assert f"median {plain:.0f} ms (target <= 60 ms; alone: " in done.stdout
    assert "Page sessions" in done.stdout and "Worker bindings" in done.stdout


def test_only_names_the_parts_it_knows() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--only", "sessions,speed"],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2 and "--only: no part speed (parts: sessions, bindings)" in done.stderr
