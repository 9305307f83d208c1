"""Compares two JSON reports of `harness run` (before and after a change): prints every snippet whose
status or set of findings (rule code, line, severity; with --messages the message text too) differs,
and the page findings that differ; exits 1 if anything does, 0 if the runs agree, 2 on a bad report.

    python scripts/compare_runs.py before.json after.json [--messages]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

Verdict = tuple[str | None, frozenset[tuple[Any, ...]]]


def _findings(findings: Iterable[Mapping[str, Any]], messages: bool) -> frozenset[tuple[Any, ...]]:
    return frozenset((f["rule"], f["line"], f["severity"], *((f["message"],) if messages else ()))
                     for f in findings)


def verdicts(report: Mapping[str, Any], messages: bool = False) -> dict[str, Verdict]:
    """Per snippet id its status and findings; per page (`PAGE::page`) its page findings."""
    found: dict[str, Verdict] = {s["id"]: (s["status"], _findings(s["findings"], messages))
                                 for s in report["snippets"]}
    pages: dict[str, list[Mapping[str, Any]]] = {}
    for finding in report.get("page_findings", []):
        pages.setdefault(finding["page"], []).append(finding)
    found.update({f"{page}::page": (None, _findings(items, messages)) for page, items in pages.items()})
    return found


def differences(before: Mapping[str, Any], after: Mapping[str, Any], messages: bool = False) -> list[str]:
    """One block of lines per snippet (or page) that differs, in the order the reports list them."""
    old, new = verdicts(before, messages), verdicts(after, messages)
    lines: list[str] = []
    for key in [*old, *(k for k in new if k not in old)]:
        empty: Verdict = (None, frozenset())  # a page with no finding left has changed
        default = empty if key.endswith("::page") else None
        a, b = old.get(key, default), new.get(key, default)
        if a == b:
            continue
        if a is None or b is None:
            lines.append(f"{key}: {'only after' if a is None else 'only before'}")
            continue
        lines.append(f"{key}: {a[0]} -> {b[0]}" if a[0] != b[0] else f"{key}:" + (f" {b[0]}" if b[0] else ""))
        lines += [f"  - {_show(f)}" for f in sorted(a[1] - b[1], key=str)]
        lines += [f"  + {_show(f)}" for f in sorted(b[1] - a[1], key=str)]
    return lines


def _show(finding: tuple[Any, ...]) -> str:
    rule, line, severity, *message = finding
    return f"{severity} {rule} line {line}" + (f": {message[0]}" if message else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--messages", action="store_true", help="also compare the findings' message text")
    args = parser.parse_args(argv)
    try:
        before, after = (json.loads(path.read_text()) for path in (args.before, args.after))
        lines = differences(before, after, args.messages)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"compare_runs: not a harness JSON report: {error}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    count = sum(not line.startswith(" ") for line in lines)
    print(f"{count} snippet(s) or page(s) differ" if count else "the runs agree", file=sys.stderr)
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
