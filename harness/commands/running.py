"""`harness run`, `harness merge` and `harness diff`: run pages and report, or read reports back."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from harness.interrupts import Interrupts
from harness.model import RunResult, Severity, Status
from harness.report import console, diff, json_report, markdown
from harness.report.registry import ReportContext, write_reports
from harness.run.lifecycle import RunFootprint
from harness.run_flags import add_flags, add_report_options, report_files, run_options
from harness.select import parse_shard
from harness.session import Session

EXIT_OK, EXIT_FINDINGS, EXIT_HARNESS = 0, 1, 2


def say(text: str) -> None:
    print(text, file=sys.stderr)


def exit_code(run: RunResult) -> int:
    """0: no error finding; 1: error findings; 2: the harness itself failed on some snippet."""
    if any(r.status is Status.ERROR for r in run.results):
        return EXIT_HARNESS
    findings = [f for r in run.results for f in r.findings] + list(run.page_findings)
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    """Runs and reports inside the run's footprint (its folder, its processes; reaping dead runs' first)
    and with SIGINT/SIGTERM handled: interrupted, it reports what finished and exits 128 + the signal."""
    with RunFootprint() as footprint, Interrupts(footprint, announce=say) as interrupts:
        code = _run(args, interrupts)
        return interrupts.exit_code or code


def _run(args: argparse.Namespace, interrupts: Interrupts) -> int:
    options = run_options(lambda name: getattr(args, name), jobs=args.jobs)
    shard = parse_shard(args.shard) if args.shard else None
    with Session(options, announce=say, interrupts=interrupts) as session:
        the_plan = session.plan(args.paths, shard=shard, changed_since_ref=args.changed_since)
        if not the_plan.pages and (shard or args.changed_since):
            say("harness: no pages in this selection: nothing to run")
            return EXIT_OK
        if not the_plan.pages:
            say("harness: no pages found under " + ", ".join(args.paths))
            for diagnostic in the_plan.diagnostics:
                say(f"  {diagnostic}")
            return EXIT_HARNESS
        run = session.run_all(None if args.quiet else console.ProgressLine())
    sys.stdout.write(console.render(run))
    if args.github or (args.github is None and os.environ.get("GITHUB_ACTIONS") == "true"):
        sys.stdout.write(markdown.github_annotations(run))
    baseline = ReportContext(Path(args.baseline) if args.baseline else None)
    write_reports(run, report_files(lambda name: getattr(args, name)), say, baseline)
    code = exit_code(run)
    if args.baseline and code != EXIT_HARNESS:
        changes = diff.diff(diff.load(Path(args.baseline)), json_report.to_dict(run))
        sys.stdout.write("\nAgainst " + args.baseline + ":\n" + diff.render(changes))
        return EXIT_FINDINGS if diff.regressed(changes) else EXIT_OK
    return code


def cmd_merge(args: argparse.Namespace) -> int:
    try:
        runs = [json_report.load_run(diff.load(Path(name))) for name in args.reports]
    except (OSError, ValueError, KeyError) as error:
        say(f"harness: {error}")
        return EXIT_HARNESS
    run = json_report.merge(runs)
    sys.stdout.write(console.render(run))
    write_reports(run, report_files(lambda name: getattr(args, name)), say)
    return exit_code(run)


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        changes = diff.diff(diff.load(Path(args.old)), diff.load(Path(args.new)))
    except (OSError, ValueError) as error:
        say(f"harness: {error}")
        return EXIT_HARNESS
    sys.stdout.write(diff.render(changes))
    return EXIT_FINDINGS if diff.regressed(changes) else EXIT_OK


def add_commands(sub: Any) -> None:
    """`run`, `merge` and `diff` on the subparsers `sub`."""
    run = sub.add_parser("run", help="extract, run and check every example under PATH")
    run.add_argument("paths", nargs="+", metavar="PATH", help="pages or folders of pages")
    add_flags(run.add_argument)
    run.add_argument("-j", "--jobs", type=int, default=1, help="snippets run at once (default 1)")
    run.add_argument("--shard", metavar="I/N", help="run only shard I of N (a stable split by page, for a CI matrix)")
    run.add_argument("--changed-since", metavar="GIT_REF", help="run only pages changed since GIT_REF")
    run.add_argument("--github", action=argparse.BooleanOptionalAction, default=None,
                     help="print GitHub Actions annotations (default: when GITHUB_ACTIONS=true)")
    run.add_argument("--baseline", metavar="FILE", help="an earlier JSON report: print the regression diff, "
                     "and exit 1 only if a snippet newly fails")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    run.set_defaults(func=cmd_run)

    merger = sub.add_parser("merge", help="merge the JSON reports of shards into one run and its reports")
    merger.add_argument("reports", nargs="+", metavar="REPORT.json")
    add_report_options(merger.add_argument)
    merger.set_defaults(func=cmd_merge)

    differ = sub.add_parser("diff", help="regression diff of two JSON reports (exit 1 if anything newly fails)")
    differ.add_argument("old")
    differ.add_argument("new")
    differ.set_defaults(func=cmd_diff)
