"""`harness list`, `rules`, `mock` and `images`: what is there, without running any snippet."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.check.registry import ALL_RULES
from harness.commands.running import EXIT_HARNESS, EXIT_OK, say
from harness.config import load as load_config

CONFIG_HELP = "harness.toml or pyproject.toml (default: found in the current folder)"


def cmd_list(args: argparse.Namespace) -> int:
    from harness import inventory
    from harness.pipeline import plan

    the_plan = plan(args.paths, load_config(Path(args.config) if args.config else None))
    entries = [inventory.Entry(job.snippet, job.runner, "") for job in the_plan.jobs]
    entries += [inventory.Entry(r.snippet, None, r.reason) for r in the_plan.skipped]
    entries += [inventory.Entry(b.snippet, s.runner, f"page session, lines {s.lines[0]}..{s.lines[-1]}")
                for s in the_plan.sessions for b in s.blocks]
    found = inventory.build([p.path for p in the_plan.pages], entries, the_plan.diagnostics)
    if args.json:
        print(json.dumps(inventory.to_dict(found), indent=2))
    else:
        sys.stdout.write(inventory.render(found, show_snippets=args.snippets))
    if not the_plan.pages:
        say("harness: no pages found under " + ", ".join(args.paths))
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
    from harness.mock.standalone import run_standalone
    from harness.pipeline import RunOptions
    from harness.run.executors import mock_config

    config = load_config(Path(args.config) if args.config else None)
    identity = {"account_id": args.account_id, "api_token": args.token}
    mock = replace(mock_config(RunOptions(config=config)), **{key: value for key, value in identity.items() if value})
    run_standalone(mock, proxy_port=args.proxy_port, app_port=args.app_port,
                   tls_port=None if args.tls_port < 0 else args.tls_port,
                   state_dir=Path(args.state_dir) if args.state_dir else None, host=args.host)
    return EXIT_OK


def cmd_images(args: argparse.Namespace) -> int:
    from harness.run.docker import images

    if args.action == "build":
        offline = {"offline": True, "online": False, "auto": None}[args.base]
        built = images.build_images(offline=offline, runners=args.runners or None, progress=say)
        for info in built:
            print(info)
    else:
        for info in images.list_images():
            print(info)
    return EXIT_OK


def add_commands(sub: Any) -> None:
    """`list`, `rules`, `mock` and `images` on the subparsers `sub`."""
    lister = sub.add_parser("list", help="the inventory of examples under PATH, without running them: pages, "
                            "tab groups, languages, what runs and why the rest does not")
    lister.add_argument("paths", nargs="+", metavar="PATH", help="pages or folders of pages (a whole content tree)")
    lister.add_argument("--json", action="store_true", help="as JSON: totals, pages, snippets, reasons, problems")
    lister.add_argument("--snippets", action="store_true", help="also list every snippet with its reason")
    lister.add_argument("--config", metavar="FILE", help=CONFIG_HELP)
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
    mock.add_argument("--config", metavar="FILE", help=CONFIG_HELP + "; its scenarios and openapi documents")
    mock.set_defaults(func=cmd_mock)

    imgs = sub.add_parser("images", help="build or list the runner images")
    imgs.add_argument("action", choices=("build", "list"))
    imgs.add_argument("--base", choices=("auto", "online", "offline"), default="auto")
    imgs.add_argument("--runner", dest="runners", action="append", metavar="NAME",
                      help="only this runner's image (repeatable; default: all)")
    imgs.set_defaults(func=cmd_images)
