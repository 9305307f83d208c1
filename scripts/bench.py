"""`make bench`: how fast the harness is at docs scale, against the bare limit measured in the same run.

Synthetic docs trees (N pages x the seed page's five tabs, plus a fragment and blocks that are not
run; `harness.bench.corpus`) are measured, each measurement in a process of its own
(`harness.bench.measure`):

- extraction: pages/s and peak memory (default N = 10, 100 and 1,000);
- running, at -j 2 (default N = 10 and 100; `--full` adds 1,000): the bare limit (each snippet run
  directly by its interpreter, one workerd per Worker, same mock, same parallelism;
  `harness.bench.bare`) and the harness on the local executor (cold and warm Workers) and the
  inprocess executor (warm Workers): total wall time and CPU time (user + system, of every process
  waited for: less swayed by other work on the machine), their ratios to the bare limit, wall time
  per snippet by runner (median, p95), peak memory;
- the inprocess executor against pytest-markdown-docs on the same Python-only pages, one at a time,
  in rounds (pytest-markdown-docs in a throwaway venv under the temp folder; `harness.bench.pmd`,
  `harness.bench.inprocess_pmd`);
- the seed page on the local and docker executors side by side (a cold container per snippet),
  when `harness.run.executors.docker_ready()` says docker can run;
- the docker executor under each `--isolation` (snippet, group, run) on N pages (default 10), at -j:
  total wall time against the bare limit and the local executor, and the overhead per snippet over
  local (the median, over snippets, of their runner's docker median minus its local median); each
  measured `--docker-rounds` times in turn, the least disturbed round kept;
- the warm isolations (group, run) again on N pages (default 100, `--docker-warm-pages`), once, against
  the bare limit: at N = 10 the start of the sidecar and the warm containers weighs on the ratio; the
  group target is judged here, at the size the local target is.

- what page sessions and Worker bindings cost per snippet (`harness.bench.costs`, default N = 10 pages
  a kind): a block in a Python, shell or Worker session against the same code alone, and a Worker using
  KV, D1, R2, a Durable Object, Vectorize or AI against the plain warm Worker (its median judged against
  the warm Worker target). `--only sessions,bindings` runs only these.

With `--scale` (`make bench SCALE=1`), instead: a docs tree the size of Cloudflare's
(`harness.bench.docs_scale`: 2,700 pages, about 14,500 blocks, the real corpus's mix) extracted, then
run as `harness run` runs it (default executor, every built-in report written): wall time,
snippets/s, peak memory and report-writing time. Long (every runnable block runs): opt-in.

Prints tables and the targets, writes everything to out/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness.bench.corpus import SEED, write_docs_tree
from harness.bench.costs import cost_targets, measure_part, print_bindings, print_sessions, spread
from harness.bench.docs_scale import SCALE_PAGES, print_scale, scale_line, write_scale_tree
from harness.bench.inprocess_pmd import bench_pmd, node_target, pmd_target, print_pmd
from harness.bench.world_start import measure_world_start, world_start_target
from harness.run.executors import docker_ready

RUN_CONFIGS = (("local", False), ("local", True), ("inprocess", True))
RUNNERS = ("worker", "node", "python", "shell")
ISOLATIONS = ("snippet", "group", "run")
COST_PARTS = {"sessions": print_sessions, "bindings": print_bindings}
"""The parts `--only` runs: what sessions and bindings cost, each with its printer."""


def machine() -> dict[str, Any]:
    """nproc, memory (`free -g`) and the CPU model, as the report quotes them."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    free = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.strip() if shutil.which("free") else ""
    return {"nproc": os.cpu_count(), "cpu": model, "free_g": free, "python": platform.python_version(),
            "load_before": os.getloadavg()}


def measure(what: str, root: Path, *options: str) -> dict[str, Any]:
    """One measurement in a fresh process (`python -m harness.bench.measure`)."""
    done = subprocess.run([sys.executable, "-m", "harness.bench.measure", what, str(root), *options],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"measure {what} {root} {' '.join(options)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    """The per-runner spreads of a measurement, in place of its raw durations (kept under `raw`)."""
    durations: dict[str, list[float]] = result.pop("durations")
    result["per_runner"] = {runner: spread(values) for runner, values in durations.items() if values}
    result["raw"] = durations
    return result


def _ms(cell: dict[str, Any] | None) -> str:
    return f"{cell['median_ms']:.0f}/{cell['p95_ms']:.0f}" if cell else "-"


def print_extraction(rows: list[dict[str, Any]]) -> None:
    print("\nExtraction (find + extract + classify every page)")
    print(f"  {'pages':>6} {'snippets':>9} {'seconds':>8} {'pages/s':>8} {'peak RSS MB':>12}")
    for row in rows:
        print(f"  {row['pages']:>6} {row['snippets']:>9} {row['seconds']:>8.2f} {row['pages_per_s']:>8.0f}"
              f" {row['rss_mb']:>12.0f}")


def print_runs(size: int, bare: dict[str, Any], runs: list[dict[str, Any]]) -> None:
    print(f"\nRunning N={size} pages ({bare['snippets']} runnable snippets), -j {bare['jobs']}; "
          "per snippet median/p95 ms")
    head = f"  {'':<26} {'total s':>8} {'x bare':>7} {'CPU s':>7} {'x bare':>7}" + "".join(f" {r:>10}" for r in RUNNERS)
    print(head + f" {'RSS MB (harness/largest child)':>31}")
    rows = [("bare limit", bare), *((_label(r), r) for r in runs)]
    for label, row in rows:
        ratio, cpu_ratio = row["wall_s"] / bare["wall_s"], row["cpu_s"] / bare["cpu_s"]
        cells = "".join(f" {_ms(row['per_runner'].get(r)):>10}" for r in RUNNERS)
        print(f"  {label:<26} {row['wall_s']:>8.2f} {ratio:>7.2f} {row['cpu_s']:>7.1f} {cpu_ratio:>7.2f}{cells}"
              f" {row['rss_mb']:>14.0f}/{row['child_rss_mb']:<.0f}")


def _label(run: dict[str, Any]) -> str:
    return f"{run['executor']}, {'warm' if run['warm_workers'] else 'cold'} Workers"


def bench_docker_seed(work: Path) -> dict[str, Any]:
    problem = docker_ready()
    if problem:
        return {"skipped": problem}
    root = work / "seed"
    root.mkdir()
    shutil.copy(SEED, root / SEED.name)
    return {executor: summarize(measure("harness", root, "--executor", executor, "-j", "1"))
            for executor in ("local", "docker")}


def print_docker(result: dict[str, Any]) -> None:
    print("\nThe seed page, median wall time per snippet (ms), local vs docker (a cold container per snippet)")
    if "skipped" in result:
        print(f"  docker skipped: {result['skipped']}")
        return
    print(f"  {'':<8}" + "".join(f" {r:>8}" for r in RUNNERS) + f" {'total s':>8}")
    for executor in ("local", "docker"):
        row = result[executor]
        cells = "".join(f" {row['per_runner'][r]['median_ms'] if r in row['per_runner'] else '-':>8}"
                        for r in RUNNERS)
        print(f"  {executor:<8}{cells} {row['wall_s']:>8.2f}")


def docs_tree(work: Path, pages: int) -> Path:
    """The synthetic tree of `pages` pages under `work`, written the first time it is asked for."""
    root = work / f"docs-{pages}"
    if not root.exists():
        write_docs_tree(root, pages)
    return root


def bench_docker_isolation(work: Path, pages: int, jobs: int, rounds: int) -> dict[str, Any]:
    """Bare, local and docker by isolation, `rounds` times in turn; each keeps its least disturbed round."""
    if problem := docker_ready():
        return {"skipped": problem}
    root = docs_tree(work, pages)
    configs = {"bare": ("bare",), "local": ("harness", "--executor", "local"),
               **{i: ("harness", "--executor", "docker", "--isolation", i) for i in ISOLATIONS}}
    tries: dict[str, list[dict[str, Any]]] = {label: [] for label in configs}
    for _ in range(rounds):
        for label, (what, *options) in configs.items():
            tries[label].append(summarize(measure(what, root, *options, "-j", str(jobs))))
    result: dict[str, Any] = {"pages": pages, "jobs": jobs, "rounds": rounds}
    for label, runs in tries.items():
        result[label] = {**min(runs, key=lambda run: run["wall_s"]), "walls_s": [round(r["wall_s"], 2) for r in runs]}
    for isolation in ISOLATIONS:
        result[isolation]["overhead_ms"] = _overhead(result[isolation]["per_runner"], result["local"]["per_runner"])
    return result


def bench_docker_warm(work: Path, pages: int, jobs: int) -> dict[str, Any]:
    """Bare, then docker `--isolation group` and `run`, once each, on `pages` pages."""
    if problem := docker_ready():
        return {"skipped": problem}
    root = docs_tree(work, pages)
    result: dict[str, Any] = {"pages": pages, "jobs": jobs,
                              "bare": summarize(measure("bare", root, "-j", str(jobs)))}
    for isolation in ("group", "run"):
        result[isolation] = summarize(measure("harness", root, "--executor", "docker", "--isolation", isolation,
                                              "-j", str(jobs)))
    return result


def print_docker_warm(result: dict[str, Any]) -> None:
    print("\nDocker warm isolations" + (f", N={result['pages']} pages, -j {result['jobs']}, once; per snippet median ms"
                                      if "pages" in result else ""))
    if "skipped" in result:
        print(f"  skipped: {result['skipped']}")
        return
    print(f"  {'':<16} {'total s':>8} {'x bare':>7}" + "".join(f" {r:>8}" for r in RUNNERS))
    for label in ("bare", "group", "run"):
        row = result[label]
        cells = "".join(f" {row['per_runner'][r]['median_ms'] if r in row['per_runner'] else '-':>8}" for r in RUNNERS)
        name = label if label == "bare" else f"docker {label}"
        print(f"  {name:<16} {row['wall_s']:>8.2f} {row['wall_s'] / result['bare']['wall_s']:>7.2f}{cells}")


def _overhead(docker: dict[str, Any], local: dict[str, Any]) -> dict[str, float] | None:
    """Median over snippets of their runner's median docker minus median local time, and by runner (ms)."""
    by_runner = {r: docker[r]["median_ms"] - local[r]["median_ms"] for r in docker if r in local}
    per_snippet = [by_runner[r] for r in by_runner for _ in range(docker[r]["n"])]
    return {"median": round(statistics.median(per_snippet), 1), **by_runner} if per_snippet else None


def print_docker_isolation(result: dict[str, Any]) -> None:
    print("\nDocker executor by --isolation" + (f", N={result['pages']} pages, -j {result['jobs']}, best of "
          f"{result['rounds']}; per snippet median ms; overhead: median per snippet over local"
          if "pages" in result else ""))
    if "skipped" in result:
        print(f"  skipped: {result['skipped']}")
        return
    print(f"  {'':<16} {'total s':>8} {'x bare':>7}" + "".join(f" {r:>8}" for r in RUNNERS)
          + f" {'overhead':>9} {'warm containers':>16}")
    for label in ("bare", "local", *ISOLATIONS):
        row = result[label]
        cells = "".join(f" {row['per_runner'][r]['median_ms'] if r in row['per_runner'] else '-':>8}" for r in RUNNERS)
        overhead = f"{row['overhead_ms']['median']:.0f}" if row.get("overhead_ms") else "-"
        name = label if label in ("bare", "local") else f"docker {label}"
        print(f"  {name:<16} {row['wall_s']:>8.2f} {row['wall_s'] / result['bare']['wall_s']:>7.2f}{cells}"
              f" {overhead:>9} {row.get('warm_started', '-')!s:>16}")


def docker_isolation_targets(report: dict[str, Any]) -> list[str]:
    """The group target at the largest size measured (the warm part's N when it ran), and the snippet one."""
    result, warm = report.get("docker_isolation", {}), report.get("docker_warm", {})
    lines = []
    small = (f"N={result['pages']}: {result['group']['wall_s'] / result['bare']['wall_s']:.2f} x"
             if "bare" in result else "")
    if "bare" in warm:
        ratio = warm["group"]["wall_s"] / warm["bare"]["wall_s"]
        lines.append(f"{'holds' if ratio <= 1.5 else 'MISSED'}: docker --isolation group, N={warm['pages']}, "
                     f"-j {warm['jobs']}: total {ratio:.2f} x the bare limit (target <= 1.5; run: "
                     f"{warm['run']['wall_s'] / warm['bare']['wall_s']:.2f} x{'; ' + small if small else ''})")
    elif small:
        ratio = result["group"]["wall_s"] / result["bare"]["wall_s"]
        lines.append(f"{'holds' if ratio <= 1.5 else 'MISSED'}: docker --isolation group, {small} the bare limit "
                     f"(target <= 1.5; run: {result['run']['wall_s'] / result['bare']['wall_s']:.2f} x)")
    if "bare" in result:
        overhead = result["snippet"]["overhead_ms"]["median"]
        lines.append(f"{'holds' if overhead <= 250 else 'MISSED'}: docker --isolation snippet, N={result['pages']}, "
                     f"-j {result['jobs']}: median overhead {overhead:.0f} ms per snippet over local "
                     "(target <= 250 ms)")
    return lines


def targets(report: dict[str, Any]) -> list[str]:
    """Each target of the issue, with the figure measured here and whether it holds."""
    lines = []
    runs = report.get("runs") or {}
    if runs:
        lines += run_targets(runs)
    lines += pmd_target(report.get("pmd", {}))
    extraction = report.get("extraction") or []
    if extraction:
        fastest = extraction[-1]
        lines.append(f"{'holds' if fastest['pages_per_s'] >= 1000 else 'MISSED'}: extraction "
                     f"{fastest['pages_per_s']:.0f} pages/s at N={fastest['pages']} (target >= 1,000; "
                     f"{fastest.get('cpu_pages_per_s', 0):.0f} pages a CPU second)")
    if len(extraction) > 1:
        low = next((row for row in extraction if row["pages"] == 100), extraction[0])
        lines.append(memory_target("extraction", low["pages"], low, extraction[-1]["pages"], extraction[-1]))
    lines += scale_line(report.get("scale", {}))
    return lines + running_memory_targets(runs)


def run_targets(runs: dict[str, Any]) -> list[str]:
    """The local executor against the bare limit at N = 100 (else the largest size run), and warm Workers."""
    lines = []
    big = runs.get("100") or runs[max(runs, key=int)]
    for run in big["harness"]:
        if run["executor"] == "local":
            ratio = run["wall_s"] / big["bare"]["wall_s"]
            cpu = run["cpu_s"] / big["bare"]["cpu_s"]
            lines.append(f"{'holds' if ratio <= 1.3 else 'MISSED'}: local executor ({_label(run)}), "
                         f"N={big['size']}: total {ratio:.2f} x the bare limit (target <= 1.3; CPU time {cpu:.2f} x)")
    lines += node_target(big["bare"], big["harness"], big["size"])
    warm = next((r for r in big["harness"] if r["executor"] == "local" and r["warm_workers"]), None)
    if warm is not None and "worker" in warm["per_runner"]:
        median = warm["per_runner"]["worker"]["median_ms"]
        lines.append(f"{'holds' if median <= 60 else 'MISSED'}: warm Worker snippets, median {median:.0f} ms "
                     "(target <= 60 ms)")
    return lines


def memory_target(what: str, low_size: int, low: dict[str, Any], high_size: int, high: dict[str, Any]) -> str:
    """Peak memory at two sizes, flat when the larger grows by a fifth at most, and the growth a snippet."""
    grew = high["rss_mb"] / low["rss_mb"]
    per_snippet = 1024 * (high["rss_mb"] - low["rss_mb"]) / max(1, high["snippets"] - low["snippets"])
    planned = (f"; planned: {low['plan_rss_mb']:.0f} -> {high['plan_rss_mb']:.0f} MB"
               if "plan_rss_mb" in low and "plan_rss_mb" in high else "")
    return (f"{'holds' if grew <= 1.2 else 'MISSED'}: {what} peak memory {low['rss_mb']:.0f} MB at N={low_size} -> "
            f"{high['rss_mb']:.0f} MB at N={high_size} (x{grew:.2f}, flat: <= x1.2; {per_snippet:+.1f} KB a snippet"
            f"{planned})")


def running_memory_targets(runs: dict[str, Any]) -> list[str]:
    """The harness's peak memory while running, at N = 100 (else the smallest size run) and the largest."""
    sizes = sorted(runs, key=int)
    if len(sizes) < 2:
        return []
    low_size = "100" if "100" in runs and sizes[-1] != "100" else sizes[0]
    pairs = zip(runs[low_size]["harness"], runs[sizes[-1]]["harness"], strict=True)
    return [memory_target(f"running ({_label(high)})", int(low_size), low, int(sizes[-1]), high) for low, high in pairs]


def bench_scale(work: Path, pages: int, jobs: int) -> dict[str, Any]:
    """The docs-scale tree: extracted (pages/s, memory), then run whole on the default executor."""
    root = work / f"scale-{pages}"
    write_scale_tree(root, pages)
    return {"pages": pages, "extraction": measure("extract", root),
            "run": measure("scale", root, "--executor", "auto", "-j", str(jobs))}


def bench_costs(report: dict[str, Any], work: Path, parts: list[str], pages: int, jobs: int) -> None:
    """What sessions and bindings cost (`harness.bench.costs`), each part measured, kept and printed."""
    for part in parts:
        report[part] = measure_part(part, work, pages, jobs)
        COST_PARTS[part](report[part])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="also run N=1,000 pages (long)")
    parser.add_argument("--run-sizes", default="10,100", help="pages to run (default 10,100)")
    parser.add_argument("--extract-sizes", default="10,100,1000", help="pages to extract (default 10,100,1000)")
    parser.add_argument("--pmd-pages", type=int, default=100, help="Python-only pages for the comparison (0: skip)")
    parser.add_argument("--pmd-rounds", type=int, default=3, help="rounds of that comparison (the median ratio judged)")
    parser.add_argument("--no-docker", action="store_true", help="skip the seed page on docker")
    parser.add_argument("--docker-pages", type=int, default=10, help="pages for docker by --isolation (0: skip)")
    parser.add_argument("--docker-rounds", type=int, default=2, help="rounds of docker by --isolation (best kept)")
    parser.add_argument("--docker-warm-pages", type=int, default=100,
                        help="pages for docker --isolation group and run against bare, once (0: skip)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="snippets at once (default 2)")
    parser.add_argument("--scale", action="store_true",
                        help="only the docs-scale run (a Cloudflare-sized tree, run whole; long)")
    parser.add_argument("--scale-pages", type=int, default=SCALE_PAGES, help="pages of the docs-scale tree")
    parser.add_argument("--cost-pages", type=int, default=10,
                        help="pages a kind for what sessions and bindings cost (0: skip)")
    parser.add_argument("--only", default="", help=f"only these parts, comma-separated: {', '.join(COST_PARTS)}")
    parser.add_argument("--out", default="out/bench.json")
    args = parser.parse_args(argv)
    run_sizes = [int(n) for n in args.run_sizes.split(",") if n] + ([1000] if args.full else [])
    extract_sizes = [int(n) for n in args.extract_sizes.split(",") if n]
    started = time.monotonic()
    report: dict[str, Any] = {"machine": machine(), "jobs": args.jobs, "extraction": [], "runs": {}}
    load = " ".join(f"{x:.2f}" for x in report["machine"]["load_before"])
    print(f"Machine: nproc={report['machine']['nproc']}, CPU {report['machine']['cpu']}, load average {load} "
          "(other work on the machine skews the figures: compare within one run)")
    print(report["machine"]["free_g"])
    only = [part for part in args.only.split(",") if part]
    if unknown := sorted(set(only) - set(COST_PARTS)):
        parser.error(f"--only: no part {', '.join(unknown)} (parts: {', '.join(COST_PARTS)})")
    if not only:
        report["world_start"] = measure_world_start()
        print(f"World start: {world_start_target(report['world_start'])}")
    with tempfile.TemporaryDirectory(prefix="harness-bench-") as tmp:
        work = Path(tmp)
        if only:
            bench_costs(report, work, only, args.cost_pages or 10, args.jobs)
            return finish(report, args.out, started)
        if args.scale:
            report["scale"] = bench_scale(work, args.scale_pages, args.jobs)
            print_scale(report["scale"])
            return finish(report, args.out, started)
        report["extraction"] = [measure("extract", docs_tree(work, size)) for size in extract_sizes]
        print_extraction(report["extraction"])
        for size in run_sizes:
            root, jobs = docs_tree(work, size), ["-j", str(args.jobs)]
            bare = summarize(measure("bare", root, *jobs))
            runs = [summarize(measure("harness", root, "--executor", executor, *jobs,
                                      *(["--warm-workers"] if warm else [])))
                    for executor, warm in RUN_CONFIGS]
            report["runs"][str(size)] = {"size": size, "bare": bare, "harness": runs}
            print_runs(size, bare, runs)
        if args.cost_pages:
            bench_costs(report, work, list(COST_PARTS), args.cost_pages, args.jobs)
        if args.pmd_pages:
            report["pmd"] = bench_pmd(work, args.pmd_pages, args.pmd_rounds, lambda root: summarize(
                measure("harness", root, "--executor", "inprocess", "-j", "1")), spread)
            print_pmd(report["pmd"], _ms)
        report["docker_seed"] = {"skipped": "--no-docker"} if args.no_docker else bench_docker_seed(work)
        print_docker(report["docker_seed"])
        if args.docker_pages and not args.no_docker:
            report["docker_isolation"] = bench_docker_isolation(work, args.docker_pages, args.jobs,
                                                                args.docker_rounds)
            print_docker_isolation(report["docker_isolation"])
        if args.docker_warm_pages and not args.no_docker:
            report["docker_warm"] = bench_docker_warm(work, args.docker_warm_pages, args.jobs)
            print_docker_warm(report["docker_warm"])
    return finish(report, args.out, started)


def finish(report: dict[str, Any], out_path: str, started: float) -> int:
    """Prints the targets and writes the report."""
    report["targets"] = ([world_start_target(report["world_start"])] if "world_start" in report else []) \
        + targets(report) + cost_targets(report) + docker_isolation_targets(report)
    report["seconds"] = time.monotonic() - started
    report["machine"]["load_after"] = os.getloadavg()
    print("\nTargets")
    for line in report["targets"]:
        print(f"  {line}")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    load = " ".join(f"{x:.2f}" for x in report["machine"]["load_after"])
    print(f"\n{report['seconds']:.0f} s (load average now {load}); results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
