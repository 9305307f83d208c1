"""pytest plugin: `pytest --harness PATH` makes one test item per docs snippet.

A thin layer over `harness.pipeline`: the core never imports pytest. Node ids read
`page.md::g1::python`; markers name the language (`py`, `js`, `ts`, `sh`) and the runner
(`runner_python`, ...), so `-k` and `-m` select snippets; failures show the findings with page lines.
Each pytest process (also each pytest-xdist worker) starts its own mock on first use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from harness.config import Config
from harness.config import load as load_config
from harness.model import Diagnostic, Severity, SnippetResult, Status
from harness.pipeline import Job, RunOptions, plan, run_job, verdict
from harness.run.base import Executor
from harness.run.executors import EXECUTOR_CHOICES, make_executor
from harness.run.registry import runners

_EXECUTOR = pytest.StashKey[Executor]()
_CONFIG = pytest.StashKey[Config]()
LANGUAGES = ("py", "js", "ts", "sh")
RUNNER_NAMES = ("python", "node", "shell", "worker")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "docs-snippet harness")
    group.addoption("--harness", action="append", default=[], metavar="PATH",
                    help="run the examples of the docs pages under PATH as tests")
    group.addoption("--harness-executor", choices=EXECUTOR_CHOICES, default="local")
    group.addoption("--harness-timeout", type=float, default=None, help="seconds per snippet (default 30)")


def pytest_configure(config: pytest.Config) -> None:
    for language in LANGUAGES:
        config.addinivalue_line("markers", f"{language}: a docs snippet in {language}")
    for name in RUNNER_NAMES:
        config.addinivalue_line("markers", f"runner_{name}: a docs snippet run by the {name} runner")


class SnippetFailed(Exception):
    """A snippet's error findings, raised from `runtest`."""

    def __init__(self, result: SnippetResult) -> None:
        super().__init__(result.snippet.id)
        self.result = result


class HarnessPage(pytest.Collector):
    """One docs page: its snippets are its items, and its reading problems one more."""

    def __init__(self, *, jobs: list[Job], skipped: list[SnippetResult], problems: list[Diagnostic],
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._jobs, self._skipped, self._problems = jobs, skipped, problems

    def collect(self) -> Iterator[pytest.Item]:
        if any(d.severity is Severity.ERROR for d in self._problems):
            yield PageProblemsItem.from_parent(self, name="page", problems=self._problems)
        for job in self._jobs:
            yield SnippetItem.from_parent(self, name=_item_name(job.snippet.id), job=job, skipped=None)
        for result in self._skipped:
            yield SnippetItem.from_parent(self, name=_item_name(result.snippet.id), job=None, skipped=result)


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


def _item_name(snippet_id: str) -> str:
    return snippet_id.split("::", 1)[1]


class SnippetItem(pytest.Item):
    """One snippet: runs it against the mock and fails with its error findings."""

    def __init__(self, *, job: Job | None, skipped: SnippetResult | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job, self.skipped = job, skipped
        snippet = job.snippet if job else skipped.snippet  # type: ignore[union-attr]
        if snippet.language in LANGUAGES:
            self.add_marker(snippet.language)
        if job is not None:
            self.add_marker(f"runner_{job.runner}")

    def runtest(self) -> None:
        if self.job is None:
            pytest.skip(self.skipped.reason if self.skipped else "not runnable")
        executor = _executor(self.config)
        runner = runners(executor.runners_dir)[self.job.runner]
        settings = self.config.stash[_CONFIG]
        timeout = self.config.getoption("harness_timeout") or settings.timeout_s or 30.0
        result = verdict(run_job(self.job, executor, runner, timeout), settings)
        for found in result.findings:
            if found.severity is Severity.WARNING:
                self.warn(pytest.PytestWarning(found.message))
        if result.status in (Status.FAILED, Status.ERROR):
            raise SnippetFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, SnippetFailed):
            result = excinfo.value.result
            if result.status is Status.ERROR:
                return f"harness error: {result.reason}"
            lines = [f"{f.severity.value} {f.rule} {f.message}" for f in result.findings]
            if result.evidence and result.evidence.stderr.strip():
                lines += ["", "stderr:", result.evidence.stderr.rstrip()[-2000:]]
            return "\n".join(lines)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int, str]:
        snippet = self.job.snippet if self.job else self.skipped.snippet  # type: ignore[union-attr]
        return snippet.page, snippet.line - 1, snippet.id


def _executor(config: pytest.Config) -> Executor:
    if _EXECUTOR not in config.stash:
        options = RunOptions(executor=config.getoption("harness_executor"))
        config.stash[_EXECUTOR] = make_executor(options).__enter__()
    return config.stash[_EXECUTOR]


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    paths = config.getoption("harness")
    if not paths:
        return
    config.stash[_CONFIG] = load_config(start=config.rootpath)
    the_plan = plan(paths, config.stash[_CONFIG])
    for page in the_plan.pages:
        jobs = [j for j in the_plan.jobs if j.page.path == page.path]
        skipped = [r for r in the_plan.skipped if r.snippet.page == page.path]
        problems = [d for d in the_plan.diagnostics if d.page == page.path]
        collector = HarnessPage.from_parent(session, name=page.path, nodeid=page.path, jobs=jobs, skipped=skipped,
                                            problems=problems)
        items.extend(collector.collect())
    known = {page.path for page in the_plan.pages}
    for diagnostic in the_plan.diagnostics:
        if diagnostic.page not in known:  # a path that does not exist, say
            config.issue_config_time_warning(pytest.PytestWarning(str(diagnostic)), stacklevel=2)


def pytest_unconfigure(config: pytest.Config) -> None:
    executor = config.stash.get(_EXECUTOR, None)
    if executor is not None:
        executor.__exit__(None, None, None)
