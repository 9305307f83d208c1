"""pytest plugin: `pytest --harness PATH` makes one test item per docs snippet.

Thin glue over `harness.session.Session`, the core `harness run` uses too: the same configuration
(`--harness-config`, else the one in pytest's rootdir), scenarios, OpenAPI documents, cache,
retries and reports (`--harness-json FILE`, ...; every flag of `harness run` as `--harness-NAME`).
Node ids read `page.md::g1::python`; markers name the language (`py`, `js`, `ts`, `sh`) and the
runner (`runner_python`, ...), so `-k` and `-m` select snippets. A snippet's item fails with its
error findings; the findings about its whole tab group or page fail the last selected item of the
group or page. Each pytest process (also each pytest-xdist worker) starts its own mock on first
use; under xdist an item sees its group's and page's findings when its worker ran them all, and
the controller judges what every worker ran together for the reports.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.model import Diagnostic, Finding, Severity, SnippetResult, Status
from harness.pipeline import Job, RunOptions
from harness.report.registry import write_reports
from harness.run_flags import add_flags, report_files, run_options
from harness.runtimes.registry import runtimes
from harness.serialize import dump, load
from harness.session import Outcome, Session, SessionPart

_SESSION = pytest.StashKey[Session]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "docs-snippet harness")
    group.addoption("--harness", action="append", default=[], metavar="PATH",
                    help="run the examples of the docs pages under PATH as tests")
    add_flags(group.addoption, prefix="--harness-")


def pytest_configure(config: pytest.Config) -> None:
    for language in _languages():
        config.addinivalue_line("markers", f"{language}: a docs snippet in {language}")
    for runtime in runtimes():
        config.addinivalue_line("markers", f"runner_{runtime.name}: a docs snippet run by the {runtime.name} runner")
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(XdistParts(), XdistParts.NAME)


def _languages() -> list[str]:
    return list(dict.fromkeys(language.name for runtime in runtimes() for language in runtime.languages))


def _run_options(config: pytest.Config) -> RunOptions:
    return run_options(lambda name: _option(config, name), start=config.rootpath)


def _option(config: pytest.Config, name: str) -> Any:
    return config.getoption("harness_" + name)


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    paths = config.getoption("harness")
    if not paths:
        return
    harness = Session(_run_options(config), announce=_say(config))
    config.stash[_SESSION] = harness
    the_plan = harness.plan(paths, sessions=False)  # one item per job: page sessions run under `harness run`
    jobs, not_run = tuple(the_plan.jobs), tuple(the_plan.skipped)  # each an item: read from the plan's spool once
    for page in the_plan.pages:
        problems = [d for d in the_plan.diagnostics if d.page == page.path]
        if any(d.severity is Severity.ERROR for d in problems):
            name = f"{page.path}::page"
            items.append(PageProblemsItem.from_parent(session, name=name, nodeid=name, problems=problems))
        runs = [(job.snippet, job, None) for job in jobs if job.page.path == page.path]
        skips = [(r.snippet, None, r) for r in not_run if r.snippet.page == page.path]
        items.extend(SnippetItem.from_parent(session, name=snippet.id, nodeid=snippet.id, job=job, skipped=skipped)
                     for snippet, job, skipped in runs + skips)
    known = {page.path for page in the_plan.pages}
    for diagnostic in the_plan.diagnostics:
        if diagnostic.page not in known:  # a path that does not exist, say
            config.issue_config_time_warning(pytest.PytestWarning(str(diagnostic)), stacklevel=2)


def pytest_collection_finish(session: pytest.Session) -> None:
    harness = session.config.stash.get(_SESSION, None)
    if harness is not None:  # what -k/-m left: a group is complete when these have run
        harness.expect(item.job.snippet.id for item in session.items if isinstance(item, SnippetItem) and item.job)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    harness = config.stash.get(_SESSION, None)
    if hasattr(config, "workerinput"):  # an xdist worker: what it ran goes to the controller, which judges
        if harness is not None:
            config.workeroutput["harness_part"] = dump(harness.part())  # type: ignore[attr-defined]
        return
    workers = config.pluginmanager.get_plugin(XdistParts.NAME)
    if isinstance(workers, XdistParts) and workers.parts:
        harness = Session(_run_options(config))
        harness.plan(config.getoption("harness"))
        for part in workers.parts:
            harness.absorb(part)
    run = harness.finish() if harness is not None else None
    if run is not None:
        write_reports(run, report_files(lambda name: _option(config, name)), _say(config))


class XdistParts:
    """Under pytest-xdist, the controller's collection of what its workers ran: judged together in
    the end, so that the reports judge every page whole, as `harness run` does, however the items
    were spread (an item's own outcome sees the group and page findings when its worker ran them all)."""

    NAME = "harness-xdist-parts"

    def __init__(self) -> None:
        self.parts: list[SessionPart] = []

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        data = getattr(node, "workeroutput", {}).get("harness_part")
        if data is not None:
            self.parts.append(load(SessionPart, data))


def pytest_unconfigure(config: pytest.Config) -> None:
    harness = config.stash.get(_SESSION, None)
    if harness is not None:
        harness.close()


def _say(config: pytest.Config) -> Any:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return (lambda text: reporter.write_line(text)) if reporter else (lambda text: None)


class SnippetFailed(Exception):
    """A snippet's error findings (or its group's or page's), raised from `runtest`."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.result.snippet.id)
        self.outcome = outcome


class SnippetItem(pytest.Item):
    """One snippet: runs it in the session and fails with its error findings."""

    def __init__(self, *, job: Job | None, skipped: SnippetResult | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job, self.skipped = job, skipped
        snippet = job.snippet if job else skipped.snippet  # type: ignore[union-attr]
        if snippet.language in _languages():
            self.add_marker(snippet.language)
        if job is not None:
            self.add_marker(f"runner_{job.runner}")

    def runtest(self) -> None:
        harness = self.config.stash[_SESSION]
        if self.job is None:
            assert self.skipped is not None
            harness.skip(self.skipped)
            pytest.skip(self.skipped.reason or "not runnable")
        outcome = harness.run(self.job)
        for found in (*outcome.result.findings, *outcome.also):
            if found.severity is Severity.WARNING:
                self.warn(pytest.PytestWarning(found.message))
        if outcome.failed:
            raise SnippetFailed(outcome)
        if outcome.result.status is Status.SKIPPED:  # xfail that failed as expected
            pytest.skip(outcome.result.reason)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if not isinstance(excinfo.value, SnippetFailed):
            return str(super().repr_failure(excinfo))
        result, also = excinfo.value.outcome.result, excinfo.value.outcome.also
        if result.status is Status.ERROR:
            return f"harness error: {result.reason}"
        lines = _lines(result.findings)
        if also:
            lines += ["", "its tab group and page:", *_lines(also)]
        if result.evidence and result.evidence.stderr.strip():
            lines += ["", "stderr:", result.evidence.stderr.rstrip()[-2000:]]
        return "\n".join(lines)

    def reportinfo(self) -> tuple[str, int, str]:
        snippet = self.job.snippet if self.job else self.skipped.snippet  # type: ignore[union-attr]
        return snippet.page, snippet.line - 1, snippet.id


def _lines(findings: tuple[Finding, ...]) -> list[str]:
    return [f"{f.severity.value} {f.rule} {f.message}" for f in findings]


class PageProblemsItem(pytest.Item):
    """Fails when the page could not be read as written (unclosed tab or fence, broken front matter)."""

    def __init__(self, *, problems: list[Diagnostic], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        raise PageUnreadable(self.problems)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return "\n".join(f"{d.severity.value} {d}" for d in self.problems)

    def reportinfo(self) -> tuple[str, int, str]:
        return self.problems[0].page, max(0, self.problems[0].line - 1), f"{self.problems[0].page}::page"


class PageUnreadable(Exception):
    """A page's error diagnostics, raised from `PageProblemsItem.runtest`."""
