"""The benchmark's parts, at a size that runs in seconds: no timings are asserted, only that the
generator writes what the bench counts on and that the bench runs end to end."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from harness.bench.bare import run_bare
from harness.bench.corpus import write_docs_tree, write_python_pages
from harness.pipeline import plan
from harness.run.registry import default_runners_dir

ROOT = Path(__file__).resolve().parents[1]


def test_each_page_carries_the_seeds_five_tabs_and_blocks_that_are_not_run(tmp_path: Path) -> None:
    written = write_docs_tree(tmp_path, 3)
    the_plan = plan([str(tmp_path)])
    assert len(written) == len(the_plan.pages) == 3
    assert Counter(job.runner for job in the_plan.jobs) == {"worker": 6, "node": 3, "python": 3, "shell": 3}
    reasons = Counter(result.reason.split(":")[0] for result in the_plan.skipped)
    assert reasons == {"fragment": 3, "not runnable": 6}
    assert len({job.snippet.code for job in the_plan.jobs if job.runner == "python"}) == 3  # pages differ


def test_python_only_pages_hold_one_complete_example_each(tmp_path: Path) -> None:
    write_python_pages(tmp_path, 2)
    the_plan = plan([str(tmp_path)])
    assert [job.runner for job in the_plan.jobs] == ["python", "python"] and not the_plan.skipped


@pytest.mark.node
def test_the_bare_limit_runs_every_snippet_of_a_page(tmp_path: Path) -> None:
    write_docs_tree(tmp_path, 1)
    runs, wall = run_bare(plan([str(tmp_path)]).jobs, default_runners_dir(), parallel=2)
    assert sorted(r.runner for r in runs) == ["node", "python", "shell", "worker", "worker"]
    assert [r.exit_code for r in runs] == [0] * 5 and wall > 0


@pytest.mark.node
def test_the_bench_runs_end_to_end_at_a_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--run-sizes", "1",
                           "--extract-sizes", "1,2", "--pmd-pages", "0", "--no-docker", "--cost-pages", "0",
                           "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert [row["pages"] for row in report["extraction"]] == [1, 2]
    run = report["runs"]["1"]
    assert run["bare"]["snippets"] == 5 and run["bare"]["failed"] == 0
    assert [(r["executor"], r["warm_workers"]) for r in run["harness"]] == [
        ("local", False), ("local", True), ("inprocess", True)]
    assert all(r["snippets"] == 5 and not r["errors"] for r in run["harness"])
    assert "x bare" in done.stdout and "Targets" in done.stdout


def test_targets_are_given_for_the_parts_measured() -> None:
    """A bench run of one part only (say docker's, with no run or extraction sizes) still ends in targets."""
    spec = importlib.util.spec_from_file_location("bench_script", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    extraction = [{"pages": 100, "pages_per_s": 180.0, "cpu_pages_per_s": 250.0, "rss_mb": 50.0, "snippets": 800},
                  {"pages": 1000, "pages_per_s": 190.0, "cpu_pages_per_s": 260.0, "rss_mb": 70.0, "snippets": 8000}]

    assert bench.targets({"runs": {}, "extraction": []}) == []
    lines = bench.targets({"runs": {}, "extraction": extraction})
    assert lines[0] == "MISSED: extraction 190 pages/s at N=1000 (target >= 1,000; 260 pages a CPU second)"
    assert lines[1].startswith("MISSED: extraction peak memory 50 MB at N=100 -> 70 MB at N=1000 (x1.40")


def test_the_group_target_is_judged_at_the_warm_parts_size_when_it_ran() -> None:
    spec = importlib.util.spec_from_file_location("bench_script", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    small = {"pages": 10, "jobs": 2, "bare": {"wall_s": 4.0}, "group": {"wall_s": 7.2}, "run": {"wall_s": 7.6},
             "snippet": {"overhead_ms": {"median": 171.0}}}
    warm = {"pages": 100, "jobs": 2, "bare": {"wall_s": 36.0}, "group": {"wall_s": 41.4}, "run": {"wall_s": 55.0}}

    assert bench.docker_isolation_targets({"docker_isolation": small}) == [
        "MISSED: docker --isolation group, N=10: 1.80 x the bare limit (target <= 1.5; run: 1.90 x)",
        "holds: docker --isolation snippet, N=10, -j 2: median overhead 171 ms per snippet over local "
        "(target <= 250 ms)"]
    assert bench.docker_isolation_targets({"docker_isolation": small, "docker_warm": warm})[0] == (
        "holds: docker --isolation group, N=100, -j 2: total 1.15 x the bare limit (target <= 1.5; run: 1.53 x; "
        "N=10: 1.80 x)")
    assert bench.docker_isolation_targets({}) == []


def test_the_worlds_start_is_measured_part_by_part_and_judged_against_half_a_second() -> None:
    from harness.bench.world_start import TARGET_S, measure_world_start, world_start_target

    measured = measure_world_start(rounds=1)
    assert measured["operations"] > 2000  # the whole contract's index was read
    parts = ("import_s", "index_s", "first_match_s", "catalog_s")
    assert all(measured[part] >= 0 for part in parts)
    assert measured["total_s"] == sum(measured[part] for part in parts)
    line = world_start_target(measured)
    assert line.startswith("holds" if measured["total_s"] <= TARGET_S else "MISSED") and "operations" in line
    assert world_start_target({**measured, "total_s": TARGET_S + 0.1}).startswith("MISSED")
