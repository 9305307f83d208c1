"""The `inprocess` executor against pytest-markdown-docs on the same Python-only pages, in rounds.

Each round runs pytest-markdown-docs (`harness.bench.pmd`), then the harness with `--executor
inprocess -j 1`, on the same pages; their per-snippet medians are compared within the round (the
machine is shared: a round's two figures are taken a few seconds apart, under the same load), and
the target is judged on the median of the rounds' ratios. Also here: the Node target, the median
Node snippet under the local executor against the bare limit's in the same run.
"""

from __future__ import annotations

import statistics
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.bench.corpus import write_python_pages
from harness.bench.pmd import ensure_venv, run_pmd

PMD_TARGET = 2.0
"""The inprocess executor's median snippet at most this many times pytest-markdown-docs' one."""
NODE_TARGET = 0.5
"""The median Node snippet under the local executor at most this fraction of the bare limit's."""

Summary = dict[str, Any]


def bench_pmd(work: Path, pages: int, rounds: int, run_harness: Callable[[Path], Summary],
              spread: Callable[[list[float]], dict[str, float | int]]) -> dict[str, Any]:
    """`rounds` rounds of pytest-markdown-docs then the harness (`run_harness(root)`: a summarized
    measurement) on `pages` Python-only pages; each round's figures and the ratio of their medians."""
    root = work / "python-only"
    write_python_pages(root, pages)
    try:
        python = ensure_venv()
    except (subprocess.SubprocessError, OSError) as error:
        return {"skipped": f"pytest-markdown-docs could not be installed: {error}"}
    results: list[dict[str, Any]] = []
    for _ in range(max(1, rounds)):
        pmd = run_pmd(root, python)
        pmd["per_snippet"] = spread(pmd.pop("durations"))
        ours = run_harness(root)
        theirs_ms, ours_ms = pmd["per_snippet"]["median_ms"], ours["per_runner"]["python"]["median_ms"]
        results.append({"pytest_markdown_docs": pmd, "inprocess": ours,
                        "ratio": round(ours_ms / theirs_ms, 2) if theirs_ms else None})
    ratios: list[float] = [r["ratio"] for r in results if r["ratio"] is not None]
    return {"pages": pages, "rounds": results, "ratio": statistics.median(ratios) if ratios else None,
            **{k: results[0][k] for k in ("pytest_markdown_docs", "inprocess")}}


def print_pmd(result: dict[str, Any], cell: Callable[[dict[str, Any] | None], str]) -> None:
    print("\nPython-only pages, one at a time: inprocess executor vs pytest-markdown-docs, by round")
    if "skipped" in result:
        print(f"  skipped: {result['skipped']}")
        return
    n = result["pages"]
    print(f"  {'':<28} {'total s':>8} {'total/snippet ms':>17} {'per snippet median/p95 ms':>26} {'x pmd':>6}")
    for number, row in enumerate(result["rounds"], 1):
        pmd, ours = row["pytest_markdown_docs"], row["inprocess"]
        print(f"  {f'{number}: pytest-markdown-docs':<28} {pmd['wall_s']:>8.2f} {1000 * pmd['wall_s'] / n:>17.1f}"
              f" {cell(pmd['per_snippet']):>26}")
        print(f"  {f'{number}: harness inprocess':<28} {ours['wall_s']:>8.2f} {1000 * ours['wall_s'] / n:>17.1f}"
              f" {cell(ours['per_runner'].get('python')):>26} {row['ratio'] or 0:>6.2f}")
    print("  (pytest-markdown-docs: every block in the pytest process, no isolation; the harness: a forked"
          " process per snippet)")


def pmd_target(result: dict[str, Any]) -> list[str]:
    """The target line, when the comparison ran."""
    if result.get("ratio") is None:
        return []
    rounds = result["rounds"]
    figures = ", ".join(f"{r['inprocess']['per_runner']['python']['median_ms']:.1f} vs "
                        f"{r['pytest_markdown_docs']['per_snippet']['median_ms']:.1f} ms" for r in rounds)
    ratio = result["ratio"]
    return [f"{'holds' if ratio <= PMD_TARGET else 'MISSED'}: inprocess per snippet {ratio:.2f} x "
            f"pytest-markdown-docs (median of {len(rounds)} rounds: {figures}; target <= {PMD_TARGET:g} x)"]


def node_target(bare: Summary, runs: list[Summary], size: int) -> list[str]:
    """The median Node snippet of each local run against the bare limit's, in the same run."""
    lines = []
    theirs = bare["per_runner"].get("node")
    for run in runs:
        ours = run["per_runner"].get("node")
        if run["executor"] != "local" or not ours or not theirs:
            continue
        ratio = ours["median_ms"] / theirs["median_ms"]
        lines.append(f"{'holds' if ratio <= NODE_TARGET else 'MISSED'}: Node snippets under local "
                     f"({'warm' if run['warm_workers'] else 'cold'} Workers), N={size}: median "
                     f"{ours['median_ms']:.0f} ms, {ratio:.2f} x the bare limit's {theirs['median_ms']:.0f} ms "
                     f"(target <= {NODE_TARGET:g} x)")
    return lines
