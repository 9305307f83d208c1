"""The console report: a progress line while the run goes, then a table and every finding."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from harness.model import RunResult, Severity, SnippetResult, Status

_MARK = {Status.PASSED: "ok", Status.FAILED: "FAIL", Status.SKIPPED: "skip", Status.ERROR: "ERROR"}


class ProgressLine:
    """Prints `[done/total] status snippet` as each snippet finishes: rewritten in place on a
    terminal, one line each otherwise (CI logs)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._width = 0

    def __call__(self, done: int, total: int, result: SnippetResult) -> None:
        text = f"[{done}/{total}] {_MARK[result.status]:<5} {result.snippet.where}"
        if self._tty:
            pad = max(0, self._width - len(text))
            self._stream.write("\r" + text + " " * pad)
            self._width = len(text)
            if done == total:
                self._stream.write("\n")
        else:
            self._stream.write(text + "\n")
        self._stream.flush()


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def render(run: RunResult) -> str:
    """The whole report as text."""
    rows: list[list[str]] = [["PAGE", "LINE", "TAB", "LANG", "RUNNER", "STATUS", "REQS", "FINDINGS"]]
    for r in run.results:
        counts = [sum(1 for f in r.findings if f.severity is sev) for sev in Severity]
        findings = ", ".join(f"{n} {sev.value}" for n, sev in zip(counts, Severity, strict=True) if n) or "-"
        rows.append([
            r.snippet.page, str(r.snippet.line), r.snippet.label or r.snippet.group, r.snippet.language,
            r.evidence.runner if r.evidence else "-",
            r.status.value + (" (flaky)" if r.flaky else "") + (" (cached)" if r.cached else ""),
            str(len(r.evidence.requests)) if r.evidence else "-",
            findings if r.status is not Status.SKIPPED else r.reason,
        ])
    lines = _table(rows) if run.results else ["no snippets found"]
    problems = [f for r in run.results for f in r.findings]
    errors = [r for r in run.results if r.status is Status.ERROR]
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
    flaky = [r for r in run.results if r.flaky]
    if flaky:
        lines += ["", "Flaky (failed, then passed on a retry):"]
        lines += [f"  {r.snippet.where} passed on attempt {r.attempts}" for r in flaky]
    lines += ["", summary_line(run)]
    return "\n".join(lines) + "\n"


def summary_line(run: RunResult) -> str:
    counts = {s: sum(1 for r in run.results if r.status is s) for s in Status}
    errors = sum(1 for r in run.results for f in r.findings if f.severity is Severity.ERROR)
    warnings = sum(1 for r in run.results for f in r.findings if f.severity is Severity.WARNING)
    cached = sum(r.cached for r in run.results)
    return (f"{len(run.pages)} pages, {len(run.results)} snippets{f' ({cached} cached)' if cached else ''}: "
            f"{counts[Status.PASSED]} passed, "
            f"{counts[Status.FAILED]} failed, {counts[Status.SKIPPED]} skipped, {counts[Status.ERROR]} error; "
            f"{errors} error and {warnings} warning findings, {len(run.page_findings)} page problems "
            f"({run.executor} executor, -j {run.jobs}, {run.duration_s:.1f} s)")
