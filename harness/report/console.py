"""The console report: a progress bar with ETA while the run goes (plain lines when not on a terminal or
in CI), then a table, every finding, and a closing summary that names the top findings first."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from harness.model import Finding, RunResult, Severity, SnippetResult, Status
from harness.report import triage

_MARK = {Status.PASSED: "ok", Status.FAILED: "FAIL", Status.SKIPPED: "skip", Status.ERROR: "ERROR"}
TOP_RULES = 5
"""Rules named in the closing summary."""


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class ProgressLine:
    """Shows the run's progress as each snippet finishes: a rich progress bar with ETA on a terminal, one
    plain line each (`[done/total] status snippet (eta ...)`) otherwise or when `CI` is set (CI logs)."""

    def __init__(self, stream: TextIO = sys.stderr, plain: bool | None = None) -> None:
        self._stream = stream
        self._plain = plain if plain is not None else (not stream.isatty() or bool(os.environ.get("CI")))
        self._start = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def _eta(self, done: int, total: int) -> str:
        elapsed = time.monotonic() - self._start
        return _clock(elapsed / done * (total - done)) if done else "?"

    def __call__(self, done: int, total: int, result: SnippetResult) -> None:
        if self._plain:
            eta = f" (eta {self._eta(done, total)})" if done < total else ""
            self._stream.write(f"[{done}/{total}] {_MARK[result.status]:<5} {result.snippet.where}{eta}\n")
            self._stream.flush()
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("snippets"), BarColumn(bar_width=30), MofNCompleteColumn(),
                                 TextColumn("eta"), TimeRemainingColumn(), TextColumn("{task.description}"),
                                 console=Console(file=self._stream), transient=False)
            self._bar.start()
            self._task = self._bar.add_task("", total=total)
        self._bar.update(self._task, completed=done, total=total,
                         description=f"{_MARK[result.status]} {result.snippet.where.rsplit('/', 1)[-1]}"[:40])
        if done >= total:
            self._bar.stop()


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def render(run: RunResult) -> str:
    """The whole report as text."""
    rows: list[list[str]] = [["PAGE", "LINE", "TAB", "LANG", "RUNNER", "STATUS", "REQS", "FINDINGS"]]
    problems: list[Finding] = []
    errors: list[SnippetResult] = []
    flaky: list[SnippetResult] = []
    for r in run.results:  # one pass: the results stream from the run's spool
        counts = [sum(1 for f in r.findings if f.severity is sev) for sev in Severity]
        findings = ", ".join(f"{n} {sev.value}" for n, sev in zip(counts, Severity, strict=True) if n) or "-"
        rows.append([
            r.snippet.page, str(r.snippet.line), r.snippet.label or r.snippet.group, r.snippet.language,
            r.evidence.runner if r.evidence else "-",
            r.status.value + (" (flaky)" if r.flaky else "") + (" (cached)" if r.cached else "")
            + (f" ({r.session_note})" if r.session else ""),
            str(len(r.evidence.requests)) if r.evidence else "-",
            findings if r.status is not Status.SKIPPED else r.reason,
        ])
        problems += r.findings
        errors += [r] if r.status is Status.ERROR else []
        flaky += [r] if r.flaky else []
    lines = _table(rows) if run.results else ["no snippets found"]
    if problems or run.page_findings or errors:
        lines += ["", "Findings:"]
        lines += [f"  {f.severity.value:<7} {f.rule} {f.message}" for f in problems]
        shown = [f for f in run.page_findings if f.severity is not Severity.INFO]
        lines += [f"  {f.severity.value:<7} {f.rule} {f.message}" for f in shown]
        notes = len(run.page_findings) - len(shown)
        if notes:
            lines.append(f"  info    {notes} notes about pages (content the harness does not extract, and the "
                         "like): see the JSON or HTML report")
        lines += [f"  harness {r.snippet.where}: {r.reason}" for r in errors]
    if flaky:
        lines += ["", "Flaky (failed, then passed on a retry):"]
        lines += [f"  {r.snippet.where} passed on attempt {r.attempts}" for r in flaky]
    lines += ["", *closing(run), summary_line(run)]
    return "\n".join(lines) + "\n"


def closing(run: RunResult) -> list[str]:
    """The top findings, rule by rule with their commonest cause and where, then why blocks were not run."""
    groups = triage.failure_groups(run)
    rules = list(dict.fromkeys(g.rule for g in groups))
    total = sum(len(g.where) for g in groups)
    lines = [f"Fix first: {total} failure{'s' * (total != 1)} under {len(rules)} "
             f"rule{'s' * (len(rules) != 1)}"] if rules else []
    root = triage.docs_root(list(run.pages))
    for rule in rules[:TOP_RULES]:
        mine = [g for g in groups if g.rule == rule]
        top = mine[0]
        causes = f"{len(mine)} causes, the commonest ({len(top.where)} x)" if len(mine) > 1 else f"{len(top.where)} x"
        lines.append(f"  {sum(len(g.where) for g in mine):>5} {rule} {top.name}: {causes}: {_short(top.cause)}")
        lines.append("        e.g. " + triage.relative(top.where[0], root))
    if len(rules) > TOP_RULES:
        lines.append(f"       and {len(rules) - TOP_RULES} more rules: see the HTML report")
    cover = triage.coverage(run)
    if cover.skipped:
        kinds = "; ".join(f"{n} {kind}" for kind, n in cover.skip_kinds[:3])
        lines.append(f"Not run: {cover.skipped} of {cover.blocks} blocks ({kinds}"
                     + ("; ..." if len(cover.skip_kinds) > 3 else "") + ")")
    return lines


def _short(text: str, width: int = 110) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 3] + "..."


def summary_line(run: RunResult) -> str:
    counts = dict.fromkeys(Status, 0)
    severities = dict.fromkeys(Severity, 0)
    cached = 0
    for r in run.results:
        counts[r.status] += 1
        cached += r.cached
        for f in r.findings:
            severities[f.severity] += 1
    errors, warnings = severities[Severity.ERROR], severities[Severity.WARNING]
    return (f"{len(run.pages)} pages, {len(run.results)} snippets{f' ({cached} cached)' if cached else ''}: "
            f"{counts[Status.PASSED]} passed, "
            f"{counts[Status.FAILED]} failed, {counts[Status.SKIPPED]} skipped, {counts[Status.ERROR]} error; "
            f"{errors} error and {warnings} warning findings, {len(run.page_findings)} page problems "
            f"({run.executor} executor, -j {run.jobs}, {run.duration_s:.1f} s)")
