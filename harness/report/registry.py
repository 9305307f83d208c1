"""The report formats, found in one registry: the built-ins below, then those of the entry-point
group `harness.reports` (each entry point names a `ReportFormat`).

`harness run` and `harness merge` offer `--NAME FILE` for each, `pytest --harness` offers
`--harness-NAME FILE`; both write them with `write_reports`. A new format is one module with a
`write(run, path)` (or a `render(run)`), registered here or by an entry point in its own package.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harness.model import RunResult
from harness.plugins import PluginError, load_plugins
from harness.report import console, html, json_report, junit, markdown

ENTRY_POINT_GROUP = "harness.reports"


class ReportPluginError(PluginError):
    """A `harness.reports` entry point that does not load, is no `ReportFormat` or clashes with another."""


@dataclass(frozen=True)
class ReportContext:
    """What a report may compare the run with, besides the run itself."""

    baseline: Path | None = None
    """An earlier JSON report (`harness run --baseline`), if any."""


Writer = Callable[[RunResult, Path, ReportContext], None]


@dataclass(frozen=True)
class ReportFormat:
    """One kind of report, written to a file the user names."""

    name: str
    """The option's name: `--NAME FILE` (`--harness-NAME FILE` under pytest)."""
    title: str
    """How messages name it: `JSON report: FILE`."""
    help: str
    """The option's help text."""
    write: Writer
    """Writes the report of a (masked) run to a file."""


def text_writer(render: Callable[[RunResult], str]) -> Writer:
    """A `write` for a format that renders the run as text."""
    def write(run: RunResult, path: Path, context: ReportContext) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(run))
    return write


def run_only(write: Callable[[RunResult, Path], None]) -> Writer:
    """A `write` for a format that needs the run alone."""
    return lambda run, path, context: write(run, path)


BUILT_IN = (
    ReportFormat("console", "console", "also write the console report (the table and every finding) to FILE",
                 text_writer(console.render)),
    ReportFormat("json", "JSON", "also write the JSON report to FILE (read by `harness diff` and `merge`)",
                 run_only(json_report.write)),
    ReportFormat("junit", "JUnit", "also write a JUnit XML report to FILE", run_only(junit.write)),
    ReportFormat("html", "HTML", "also write the HTML report (pages x tabs) to FILE", run_only(html.write)),
    ReportFormat("markdown", "Markdown", "also write a Markdown summary (for a PR comment; against --baseline "
                 "when given) to FILE", lambda run, path, context: markdown.write(run, path, context.baseline)),
)


@cache
def report_formats() -> tuple[ReportFormat, ...]:
    """Every format: the built-ins, then the installed plugins' (a bad one fails here, naming itself)."""
    found = list(BUILT_IN)
    for where, loaded in load_plugins(ENTRY_POINT_GROUP, ReportFormat, "report plugin", ReportPluginError):
        if any(known.name == loaded.name for known in found):
            raise ReportPluginError(f"{where}: a report format named {loaded.name!r} is already registered")
        found.append(loaded)
    return tuple(found)


def write_reports(run: RunResult, files: Mapping[str, str | None], announce: Callable[[str], None],
                  context: ReportContext = ReportContext()) -> None:  # noqa: B008 - frozen
    """Writes each format whose name `files` maps to a path, and says where."""
    for report in report_formats():
        target = files.get(report.name)
        if target:
            report.write(run, Path(target), context)
            announce(f"{report.title} report: {target}")
