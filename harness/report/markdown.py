"""A Markdown summary fit for a pull-request comment, and GitHub Actions annotations."""

from __future__ import annotations

from pathlib import Path

from harness.model import Finding, RunResult, Severity, Status
from harness.report.json_report import summary

_ICON = {Status.PASSED: "✅", Status.FAILED: "❌", Status.SKIPPED: "⏭️", Status.ERROR: "💥"}


def render(run: RunResult) -> str:
    counts = summary(run)
    lines = [
        "## Docs snippets",
        "",
        f"{counts['pages']} pages, {counts['snippets']} snippets: **{counts['passed']} passed**, "
        f"**{counts['failed']} failed**, {counts['skipped']} skipped, {counts['error']} harness errors.",
        "",
    ]
    bad = [r for r in run.results if r.status in (Status.FAILED, Status.ERROR)]
    if bad:
        lines += ["| | snippet | findings |", "|---|---|---|"]
        for r in bad:
            errors = [f for f in r.findings if f.severity is Severity.ERROR] or list(r.findings)
            text = "<br>".join(f"`{f.rule}` {_cell(f.message)}" for f in errors) or _cell(r.reason)
            lines.append(f"| {_ICON[r.status]} | `{r.snippet.where}` | {text} |")
        lines.append("")
    problems = [f for f in run.page_findings if f.severity is Severity.ERROR]
    if problems:
        lines += ["**Page problems**", ""] + [f"- `{f.rule}` {f.message}" for f in problems] + [""]
    return "\n".join(lines)


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


def write(run: RunResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(run))
