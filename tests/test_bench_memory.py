"""The bench's memory targets: peak memory at two sizes, and the growth a snippet, from measured rows."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_script", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row(executor: str, warm: bool, snippets: int, rss_mb: float, plan_rss_mb: float) -> dict[str, Any]:
    return {"executor": executor, "warm_workers": warm, "snippets": snippets, "rss_mb": rss_mb,
            "plan_rss_mb": plan_rss_mb}


def test_running_memory_is_compared_between_n_100_and_the_largest_size() -> None:
    sizes = (("10", 50, 55.0, 48.0), ("100", 500, 60.0, 50.0), ("1000", 5000, 70.0, 60.0))
    runs = {size: {"harness": [row(executor, True, n, rss, plan) for executor in ("local", "inprocess")]}
            for size, n, rss, plan in sizes}

    lines = bench().running_memory_targets(runs)

    assert lines == [
        f"holds: running ({label}) peak memory 60 MB at N=100 -> 70 MB at N=1000 (x1.17, flat: <= x1.2; "
        "+2.3 KB a snippet; planned: 50 -> 60 MB)"
        for label in ("local, warm Workers", "inprocess, warm Workers")]


def test_one_size_run_gives_no_memory_target_and_growth_past_a_fifth_is_missed() -> None:
    module = bench()
    assert module.running_memory_targets({"100": {"harness": [row("local", False, 500, 60.0, 50.0)]}}) == []

    line = module.memory_target("extraction", 100, {"snippets": 800, "rss_mb": 48.0},
                                1000, {"snippets": 8000, "rss_mb": 70.0})

    assert line == ("MISSED: extraction peak memory 48 MB at N=100 -> 70 MB at N=1000 (x1.46, flat: <= x1.2; "
                    "+3.1 KB a snippet)")
