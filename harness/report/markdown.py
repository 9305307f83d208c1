"""A Markdown summary fit for a pull-request comment, leading with what to do: the new failures, then
the fixed ones, then coverage and its change against a baseline report, then why blocks were not run;
and GitHub Actions annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.model import Finding, RunResult, Severity, SnippetResult, Status
from harness.report import diff, triage
from harness.report.json_report import load_run, to_dict

_ICON = {Status.PASSED: "✅", Status.FAILED: "❌", Status.SKIPPED: "⏭️", Status.ERROR: "💥"}
MAX_ROWS = 50
"""Failures listed in full; the rest are counted (the HTML report has them all)."""
TOP_REASONS = 5


def _rows(results: list[SnippetResult]) -> list[str]:
    lines = ["| | block | findings |", "|---|---|---|"]
    for r in results[:MAX_ROWS]:
        errors = [f for f in r.findings if f.severity is Severity.ERROR] or list(r.findings)
        text = "<br>".join(f"`{f.rule}` {_cell(f.message)}" for f in errors) or _cell(r.reason)
        where = f"`{r.snippet.where}`" + (f" ({r.session_note})" if r.session else "")
        lines.append(f"| {_ICON[r.status]} | {where} | {text} |")
    if len(results) > MAX_ROWS:
        lines.append(f"| | … and {len(results) - MAX_ROWS} more | see the HTML report |")
    return lines + [""]


def _signed(value: float, unit: str = "") -> str:
    return f"{value:+.1f}{unit}" if unit else f"{value:+d}"


def _coverage(run: RunResult, before: RunResult | None) -> list[str]:
    now = triage.coverage(run)
    line = (f"**{now.ran} of {now.blocks} blocks ran ({now.percent:.1f}%)**: {now.passed} passed, {now.failed} "
            f"failed, {now.skipped} not run" + (f", {now.error} harness errors" if now.error else "") + ".")
    lines = ["### Coverage", "", line]
    if before is not None:
        then = triage.coverage(before)
        lines.append(f"Against the baseline: {_signed(now.ran - then.ran)} blocks ran "
                     f"({_signed(now.percent - then.percent, ' pp')}), {_signed(now.failed - then.failed)} failed, "
                     f"{_signed(now.blocks - then.blocks)} blocks in all.")
    if now.skip_kinds:
        lines += ["", "| not run | why |", "|---:|---|"]
        lines += [f"| {count} | {_cell(kind)} |" for kind, count in now.skip_kinds[:TOP_REASONS]]
        rest = sum(count for _, count in now.skip_kinds[TOP_REASONS:])
        if rest:
            lines.append(f"| {rest} | {len(now.skip_kinds) - TOP_REASONS} other reasons |")
    return lines + [""]


def render(run: RunResult, baseline: dict[str, Any] | None = None) -> str:
    """The comment; with `baseline` (a JSON report as loaded by `diff.load`) it splits failures into new and
    still failing, lists what was fixed and how coverage moved."""
    bad = [r for r in run.results if r.status in (Status.FAILED, Status.ERROR)]
    lines = ["## Docs snippets", ""]
    if baseline is None:
        lines += [f"### {len(bad)} failed block{'s' * (len(bad) != 1)} to fix" if bad else "### No failures", ""]
        lines += _rows(bad) if bad else []
        before = None
    else:
        changes = diff.diff(baseline, to_dict(run))
        named = {c.snippet_id for c in changes}
        by_id = {r.snippet.id: r for r in run.results if r.snippet.id in named}
        new = [by_id[c.snippet_id] for c in changes if c.after in diff.BAD and c.kind in ("new failure", "new")]
        still = [by_id[c.snippet_id] for c in changes if c.kind == "still failing"]
        fixed = [c for c in changes if c.kind == "fixed"]
        lines += [f"### {len(new)} new failure{'s' * (len(new) != 1)}" if new else "### No new failures", ""]
        lines += _rows(new) if new else []
        if fixed:
            lines += [f"### {len(fixed)} fixed", ""] + [f"- `{_where(c.snippet_id, by_id)}`" for c in fixed[:MAX_ROWS]]
            lines += [""]
        if still:
            lines += [f"<details><summary>{len(still)} still failing</summary>", ""] + _rows(still)
            lines += ["</details>", ""]
        before = load_run(baseline)
    lines += _coverage(run, before)
    problems = [f for f in run.page_findings if f.severity is Severity.ERROR]
    if problems:
        lines += ["**Page problems**", ""] + [f"- `{f.rule}` {f.message}" for f in problems] + [""]
    return "\n".join(lines)


def _where(snippet_id: str, by_id: dict[str, SnippetResult]) -> str:
    found = by_id.get(snippet_id)
    return found.snippet.where if found else snippet_id


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def annotation(found: Finding) -> str:
    """One GitHub Actions workflow command pointing at the page line."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}[found.severity]
    message = found.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    line = f",line={found.line}" if found.line > 0 else ""
    return f"::{level} file={found.page}{line},title={found.rule} {found.name}::{message}"


def github_annotations(run: RunResult) -> str:
    found = [f for r in run.results for f in r.findings] + list(run.page_findings)
    return "".join(annotation(f) + "\n" for f in found)


def write(run: RunResult, path: Path, baseline: Path | None = None) -> None:
    """Writes the comment to `path`; `baseline` is an earlier JSON report to compare against."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(run, diff.load(baseline) if baseline else None))
