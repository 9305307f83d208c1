"""`harness run | list | rules | mock | images`: the command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from harness.check.registry import ALL_RULES
from harness.config import load as load_config
from harness.errors import HarnessError
from harness.model import RunResult, Severity, Status
from harness.pipeline import RunOptions, execute, placeholders_for, plan
from harness.report import console, diff, html, json_report, junit, markdown
from harness.report.mask import Masker
from harness.report.trend import add_trend_command
from harness.run.executors import EXECUTOR_CHOICES, make_executor
from harness.select import parse_shard

EXIT_OK, EXIT_FINDINGS, EXIT_HARNESS = 0, 1, 2
DEFAULT_TIMEOUT_S = 30.0


def exit_code(run: RunResult) -> int:
    """0: no error finding; 1: error findings; 2: the harness itself failed on some snippet."""
    if any(r.status is Status.ERROR for r in run.results):
        return EXIT_HARNESS
    findings = [f for r in run.results for f in r.findings] + list(run.page_findings)
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    config = load_config(Path(args.config) if args.config else None)
    timeout = args.timeout or config.timeout_s or DEFAULT_TIMEOUT_S
    options = RunOptions(executor=args.executor, build_images=args.build, jobs=args.jobs, timeout_s=timeout,
                         config=config, retries=args.retries, typecheck=args.typecheck,
                         cache_dir=None if args.no_cache else Path(args.cache_dir), warm_workers=args.warm_workers,
                         isolation=args.isolation)
    shard = parse_shard(args.shard) if args.shard else None
    the_plan = plan(args.paths, config, shard=shard, changed_since_ref=args.changed_since)
    if not the_plan.pages and (shard or args.changed_since):
        print("harness: no pages in this selection: nothing to run", file=sys.stderr)
        return EXIT_OK
    if not the_plan.pages:
        print("harness: no pages found under " + ", ".join(args.paths), file=sys.stderr)
        for diagnostic in the_plan.diagnostics:
            print(f"  {diagnostic}", file=sys.stderr)
        return EXIT_HARNESS
    progress = None if args.quiet else console.ProgressLine()
    with make_executor(options, announce=lambda text: print(text, file=sys.stderr)) as executor:
        run = Masker(placeholders_for(config)).run(execute(the_plan, executor, options, progress))
    sys.stdout.write(console.render(run))
    if args.github or (args.github is None and os.environ.get("GITHUB_ACTIONS") == "true"):
        sys.stdout.write(markdown.github_annotations(run))
    write_reports(run, args)
    code = exit_code(run)
    if args.baseline and code != EXIT_HARNESS:
        changes = diff.diff(diff.load(Path(args.baseline)), json_report.to_dict(run))
        sys.stdout.write("\nAgainst " + args.baseline + ":\n" + diff.render(changes))
        return EXIT_FINDINGS if diff.regressed(changes) else EXIT_OK
    return code


def write_reports(run: RunResult, args: argparse.Namespace) -> None:
    """Every report file the user asked for."""
    for value, writer, what in ((args.json, json_report.write, "JSON"), (args.junit, junit.write, "JUnit"),
                                (args.html, html.write, "HTML"),
                                (args.markdown, partial(markdown.write, baseline=_baseline(args)), "Markdown")):
        if value:
            writer(run, Path(value))
            print(f"{what} report: {value}", file=sys.stderr)


def _baseline(args: argparse.Namespace) -> Path | None:
    return Path(args.baseline) if getattr(args, "baseline", None) else None


def cmd_merge(args: argparse.Namespace) -> int:
    try:
        runs = [json_report.load_run(diff.load(Path(name))) for name in args.reports]
    except (OSError, ValueError, KeyError) as error:
        print(f"harness: {error}", file=sys.stderr)
        return EXIT_HARNESS
    run = json_report.merge(runs)
    sys.stdout.write(console.render(run))
    write_reports(run, args)
    return exit_code(run)


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        changes = diff.diff(diff.load(Path(args.old)), diff.load(Path(args.new)))
    except (OSError, ValueError) as error:
        print(f"harness: {error}", file=sys.stderr)
        return EXIT_HARNESS
    sys.stdout.write(diff.render(changes))
    return EXIT_FINDINGS if diff.regressed(changes) else EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from harness import inventory

    the_plan = plan(args.paths, load_config(Path(args.config) if args.config else None))
    entries = [inventory.Entry(job.snippet, job.runner, "") for job in the_plan.jobs]
    entries += [inventory.Entry(r.snippet, None, r.reason) for r in the_plan.skipped]
    found = inventory.build([p.path for p in the_plan.pages], entries, the_plan.diagnostics)
    if args.json:
        print(json.dumps(inventory.to_dict(found), indent=2))
    else:
        sys.stdout.write(inventory.render(found, show_snippets=args.snippets))
    if not the_plan.pages:
        print("harness: no pages found under " + ", ".join(args.paths), file=sys.stderr)
        return EXIT_HARNESS
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    rules = sorted(ALL_RULES, key=lambda rule: rule.code)
    code_w, name_w = max(len(r.code) for r in rules), max(len(r.name) for r in rules)
    print(f"{'CODE':<{code_w}}  {'NAME':<{name_w}}  {'DEFAULT':<8} WHY")
    for rule in rules:
        print(f"{rule.code:<{code_w}}  {rule.name:<{name_w}}  {rule.severity.value:<8} {rule.rationale}")
    return EXIT_OK


def cmd_mock(args: argparse.Namespace) -> int:
    from harness.mock.server import MockConfig
    from harness.mock.standalone import run_standalone

    config = load_config(Path(args.config) if args.config else None)
    identity = {"account_id": args.account_id, "api_token": args.token}
    mock_config = MockConfig(scenarios=config.scenarios, openapi_docs=config.openapi,
                             **{key: value for key, value in identity.items() if value})
    run_standalone(mock_config, proxy_port=args.proxy_port, app_port=args.app_port,
                   tls_port=None if args.tls_port < 0 else args.tls_port,
                   state_dir=Path(args.state_dir) if args.state_dir else None, host=args.host)
    return EXIT_OK


def cmd_images(args: argparse.Namespace) -> int:
    from harness.run import images

    if args.action == "build":
        offline = {"offline": True, "online": False, "auto": None}[args.base]
        built = images.build_images(offline=offline, runners=args.runners or None,
                                    progress=lambda text: print(text, file=sys.stderr))
        for info in built:
            print(info)
    else:
        for info in images.list_images():
            print(info)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="harness", description="Run the code samples of docs pages against "
                                  "a mock of the API they call, and report what is wrong with them.")
    sub = top.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="extract, run and check every example under PATH")
    run.add_argument("paths", nargs="+", metavar="PATH", help="pages or folders of pages")
    run.add_argument("--executor", choices=EXECUTOR_CHOICES, default="local",
                     help="local processes, docker containers, or auto (docker when its images are built)")
    run.add_argument("--build", action="store_true", help="with --executor docker: build missing images first")
    run.add_argument("--warm-workers", action=argparse.BooleanOptionalAction, default=True,
                     help="local Worker snippets on one warm workerd, a fresh isolate each (default: on); "
                     "--no-warm-workers starts Miniflare per snippet instead (slower; see harness.run.warm_worker)")
    run.add_argument("--isolation", choices=("snippet", "group", "run"), default="snippet",
                     help="with --executor docker: a fresh container per snippet (default), or a warm one per "
                     "runtime and tab group, or per runtime for the whole run, each snippet in a fresh work dir "
                     "and process group in it (faster); accepted and ignored by the other executors")
    run.add_argument("-j", "--jobs", type=int, default=1, help="snippets run at once (default 1)")
    run.add_argument("--timeout", type=float, default=None,
                     help=f"seconds per snippet (default: the config's, else {DEFAULT_TIMEOUT_S:.0f})")
    run.add_argument("--typecheck", action=argparse.BooleanOptionalAction, default=True,
                     help="type-check TypeScript examples with tsc against the Workers types (default: on)")
    run.add_argument("--cache-dir", default=".harness-cache", metavar="DIR",
                     help="where results of unchanged snippets are kept (default .harness-cache)")
    run.add_argument("--no-cache", action="store_true", help="run every snippet, ignoring cached results")
    run.add_argument("--shard", metavar="I/N", help="run only shard I of N (a stable split by page, for a CI matrix)")
    run.add_argument("--changed-since", metavar="GIT_REF", help="run only pages changed since GIT_REF")
    run.add_argument("--retries", type=int, default=0, metavar="N",
                     help="run a failing snippet again up to N times; one that then passes is reported as flaky")
    run.add_argument("--config", metavar="FILE", help="harness.toml or pyproject.toml (default: found in the "
                     "current folder)")
    run.add_argument("--json", metavar="FILE", help="also write the JSON report to FILE")
    run.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report to FILE")
    run.add_argument("--html", metavar="FILE", help="also write the HTML report (pages x tabs) to FILE")
    run.add_argument("--markdown", metavar="FILE", help="also write a Markdown summary (for a PR comment) to FILE")
    run.add_argument("--github", action=argparse.BooleanOptionalAction, default=None,
                     help="print GitHub Actions annotations (default: when GITHUB_ACTIONS=true)")
    run.add_argument("--baseline", metavar="FILE", help="an earlier JSON report: print the regression diff, "
                     "and exit 1 only if a snippet newly fails")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    run.set_defaults(func=cmd_run)

    merger = sub.add_parser("merge", help="merge the JSON reports of shards into one run and its reports")
    merger.add_argument("reports", nargs="+", metavar="REPORT.json")
    for flag in ("json", "junit", "html", "markdown"):
        merger.add_argument(f"--{flag}", metavar="FILE", help=f"write the merged {flag} report to FILE")
    merger.set_defaults(func=cmd_merge)

    differ = sub.add_parser("diff", help="regression diff of two JSON reports (exit 1 if anything newly fails)")
    differ.add_argument("old")
    differ.add_argument("new")
    differ.set_defaults(func=cmd_diff)

    lister = sub.add_parser("list", help="the inventory of examples under PATH, without running them: pages, "
                            "tab groups, languages, what runs and why the rest does not")
    lister.add_argument("paths", nargs="+", metavar="PATH", help="pages or folders of pages (a whole content tree)")
    lister.add_argument("--json", action="store_true", help="as JSON: totals, pages, snippets, reasons, problems")
    lister.add_argument("--snippets", action="store_true", help="also list every snippet with its reason")
    lister.add_argument("--config", metavar="FILE", help="harness.toml or pyproject.toml (default: found in the "
                        "current folder)")
    lister.set_defaults(func=cmd_list)

    sub.add_parser("rules", help="every rule with its code and default severity").set_defaults(func=cmd_rules)

    mock = sub.add_parser("mock", help="serve the Workers AI mock until Ctrl-C")
    mock.add_argument("--proxy-port", type=int, default=8080)
    mock.add_argument("--app-port", type=int, default=8081)
    mock.add_argument("--tls-port", type=int, default=8443, help="HTTPS with the printed CA (-1: none)")
    mock.add_argument("--host", default="127.0.0.1", help="the address to listen on (0.0.0.0: every interface)")
    mock.add_argument("--state-dir", default=None, help="where the CA and state are written")
    mock.add_argument("--account-id", help="the account id the mock accepts (default: the one it prints)")
    mock.add_argument("--token", help="the API token the mock accepts (default: the one it prints)")
    mock.add_argument("--config", metavar="FILE", help="harness.toml or pyproject.toml with scenarios and openapi "
                      "documents (default: found in the current folder)")
    mock.set_defaults(func=cmd_mock)

    imgs = sub.add_parser("images", help="build or list the runner images")
    imgs.add_argument("action", choices=("build", "list"))
    imgs.add_argument("--base", choices=("auto", "online", "offline"), default="auto")
    imgs.add_argument("--runner", dest="runners", action="append", metavar="NAME",
                      help="only this runner's image (repeatable; default: all)")
    imgs.set_defaults(func=cmd_images)
    add_trend_command(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "jobs", 1) < 1:
        parser().error("--jobs must be at least 1")
    try:
        code: int = args.func(args)
    except HarnessError as error:
        print(f"harness: {error}", file=sys.stderr)
        return EXIT_HARNESS
    except KeyboardInterrupt:
        print("harness: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `harness list ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
