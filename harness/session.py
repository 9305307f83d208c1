"""A `Session`: one run of the harness, as `harness run` and `pytest --harness` both drive it.

Plan, run, finish. The CLI runs the whole plan at once (`run_all`); the pytest plugin runs one job
per test item (`run`) and learns, after each, all that is known about it: its own findings, the
static ones (the TypeScript type-check), and, once the last selected snippet of its tab group or
page has run, the group's and the page's findings. `finish` judges everything that ran as the CLI
does, so both write the same reports. Same configuration, scenarios, OpenAPI documents, cache and
retries either way: they all come with `RunOptions`. Values put in for placeholders are masked in
everything a session hands out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack, nullcontext, suppress
from dataclasses import dataclass, replace
from types import TracebackType

from harness.cache import ResultCache
from harness.check.registry import check_groups, check_page, check_pages
from harness.config import apply_to_findings
from harness.errors import HarnessError
from harness.interrupts import Interrupted, Interrupts, not_run
from harness.mock.services.cloudflare_api.store import missing_contract
from harness.model import Evidence, Finding, RunResult, Severity, SnippetResult, Status
from harness.pipeline import (
    Job,
    Plan,
    Progress,
    RunOptions,
    execute,
    open_cache,
    placeholders_for,
    plan,
    run_cached,
    settle,
    static_findings,
    verdict,
)
from harness.report.mask import Masker
from harness.run.base import Executor, Runner
from harness.run.executors import make_executor
from harness.run.registry import runners


@dataclass(frozen=True)
class Outcome:
    """What one snippet's test says once it ran."""

    result: SnippetResult
    """Its verdict, with its own, static and (when it completed its group) group findings."""
    also: tuple[Finding, ...] = ()
    """Findings that became known when it ran, about the other snippets of its group or its page
    (reported on the last selected snippet of the group or page)."""

    @property
    def failed(self) -> bool:
        """Whether the test fails: a failed or errored snippet, or an error finding among `also`."""
        return (self.result.status in (Status.FAILED, Status.ERROR)
                or any(f.severity is Severity.ERROR for f in self.also))


@dataclass(frozen=True)
class SessionPart:
    """A session's results before judging, to be judged with other sessions' (one per xdist worker)."""

    results: tuple[SnippetResult, ...]
    """Each snippet's result as it ran (cached or not), before its verdict."""
    static: tuple[Finding, ...]
    """The type-check's findings, if it ran there."""
    executor: str
    """The executor that ran them."""


class Session:
    """One run: a plan, an executor started on first use, and the results so far."""

    def __init__(self, options: RunOptions, announce: Callable[[str], None] = lambda _: None,
                 interrupts: Interrupts | None = None) -> None:
        """`interrupts`: the CLI's signal handling; a signal then stops the run (see `harness.interrupts`)."""
        self.options = options
        self._interrupts = interrupts
        self.masker = Masker(placeholders_for(options.config))
        self._announce = announce
        self._stack = ExitStack()
        self._lock = threading.RLock()
        self._executor: Executor | None = None
        self._runners: dict[str, Runner] = {}
        self._cache: ResultCache | None = None
        self._plan: Plan | None = None
        self._expected: frozenset[str] = frozenset()
        self._expected_jobs_read: tuple[Job, ...] | None = None
        self._results: dict[str, SnippetResult] = {}
        self._static: list[Finding] | None = None
        self._executor_name = options.executor
        self._started = time.monotonic()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stops the executor (and its mock) if it was started."""
        self._stack.close()
        self._executor = None

    def plan(self, paths: Sequence[str], shard: tuple[int, int] | None = None,
             changed_since_ref: str | None = None, sessions: bool = True) -> Plan:
        """Reads the pages under `paths` and decides what runs; every job is expected to run (`sessions`:
        see `pipeline.plan`)."""
        self._plan = plan(paths, self.options.config, shard=shard, changed_since_ref=changed_since_ref,
                          sessions=sessions)
        self._expected = frozenset(job.snippet.id for job in self._plan.jobs)
        self._expected_jobs_read = None
        return self._plan

    @property
    def the_plan(self) -> Plan:
        """What `plan` found."""
        if self._plan is None:
            raise HarnessError("the session has no plan yet (call Session.plan first)")
        return self._plan

    def expect(self, snippet_ids: Iterable[str]) -> None:
        """Only these jobs will run (pytest after `-k`/`-m`): a group or page is complete once they have."""
        self._expected = frozenset(snippet_ids)
        self._expected_jobs_read = None

    @property
    def executor(self) -> Executor:
        """The executor, started on first use."""
        with self._lock:
            if self._executor is None:
                with self._interrupts.starting() if self._interrupts else nullcontext():
                    executor = self._stack.enter_context(make_executor(self.options, self._announce))
                if missing_contract() is not None:
                    self._announce(f"warning: {missing_contract()}")
                self._cache = open_cache(self.options, executor.name)
                self._runners = runners(self.options.runners_dir)
                self._executor, self._executor_name = executor, executor.name
                if self._interrupts is not None:
                    self._interrupts.watch(executor)
            return self._executor

    def run_all(self, progress: Progress | None = None) -> RunResult:
        """Runs the whole plan, `options.jobs` at a time, and judges it (the CLI's way); once interrupted,
        what did not run is marked so (and, interrupted before it started, nothing starts)."""
        stop = self._interrupts
        if stop is not None and self._executor is None:
            with suppress(Interrupted):
                self.executor  # noqa: B018 (started here, so that a signal during the start abandons it)
        if stop is not None and stop.cancelled and self._executor is None:
            skipped = {r.snippet.id for r in self.the_plan.skipped}
            results = [*self.the_plan.skipped,
                       *(not_run(s) for s in self.the_plan.snippets if s.id not in skipped)]
            run = settle(self.the_plan, results, self.options, [], self._executor_name,
                         time.monotonic() - self._started)
        elif stop is not None:
            run = stop.settle(execute(self.the_plan, stop.guard(self.executor), self.options, stop.progress(progress)))
        else:
            run = execute(self.the_plan, self.executor, self.options, progress)
        return self.masker.run(run)

    def skip(self, result: SnippetResult) -> None:
        """Records a snippet that does not run, so that the reports show it."""
        with self._lock:
            self._results[result.snippet.id] = result

    def static(self) -> list[Finding]:
        """The findings that need no run (TypeScript type-check) over the expected jobs, computed once."""
        with self._lock:
            if self._static is None:
                expected = replace(self.the_plan, jobs=self._expected_jobs())
                self._static = static_findings(expected, self.options, self._cache)
            return self._static

    def run(self, job: Job) -> Outcome:
        """Runs one job (from the cache, with retries) and says what is known about it now."""
        executor = self.executor
        raw = run_cached(job, executor, self._runners[job.runner], self.options, self._cache)
        static = [f for f in self.static() if f.snippet_id == job.snippet.id]
        with self._lock:
            self._results[job.snippet.id] = raw
            group = self._completed(job, by_group=True)
            page = self._completed(job, by_group=False)
        mine: list[Finding] = []
        others: list[Finding] = []
        for found in check_groups(_evidence(group)) if group else []:
            (mine if found.snippet_id == job.snippet.id else others).append(found)
        if page:
            others += check_page(job.page, _evidence(page))
            others += check_pages(d for d in self.the_plan.diagnostics  # errors are an item of their own
                                  if d.page == job.page.path and d.severity is not Severity.ERROR)
        labels = {r.snippet.id: r.snippet.label for r in group or page or [raw]}
        also = apply_to_findings(self.options.config, others, labels)
        result = verdict(raw, self.options.config, [*static, *mine])
        masker = self.masker.with_generated(r.snippet for r in group or page or [raw])
        return Outcome(masker.result(result), tuple(masker.finding(f) for f in also))

    def finish(self) -> RunResult | None:
        """Everything that ran, judged as the CLI judges a run (None when nothing ran)."""
        with self._lock:
            results = list(self._results.values())
        if not results:
            return None
        the_plan = self.the_plan
        ran = {r.snippet.page for r in results}
        if len(results) < len(the_plan.jobs) + len(the_plan.skipped):  # some were deselected
            the_plan = replace(the_plan, pages=tuple(p for p in the_plan.pages if p.path in ran),
                               jobs=tuple(j for j in the_plan.jobs if j.snippet.id in self._results))
        static = self.static() if any(r.evidence for r in results) else []
        return self.masker.run(settle(the_plan, results, self.options, static, self._executor_name,
                                      time.monotonic() - self._started))

    def part(self) -> SessionPart:
        """What ran here, before judging: for a session that judges it with the other parts (pytest-xdist)."""
        with self._lock:
            return SessionPart(tuple(self._results.values()), tuple(self._static or ()), self._executor_name)

    def absorb(self, part: SessionPart) -> None:
        """Takes in what another session ran (of the same plan), to judge it all in `finish`."""
        with self._lock:
            self._results.update((r.snippet.id, r) for r in part.results)
            self._static = self._static or []
            self._static += [found for found in part.static if found not in self._static]
            self._executor_name = part.executor

    def _expected_jobs(self) -> tuple[Job, ...]:
        """The jobs expected to run, read from the plan's spool once (per plan and `expect`)."""
        if self._expected_jobs_read is None:
            self._expected_jobs_read = tuple(job for job in self.the_plan.jobs if job.snippet.id in self._expected)
        return self._expected_jobs_read

    def _completed(self, job: Job, by_group: bool) -> list[SnippetResult] | None:
        """The results of `job`'s group (or page) once every expected job of it has run, else None."""
        same = [j for j in self._expected_jobs() if j.page.path == job.page.path
                and (not by_group or j.snippet.group == job.snippet.group)]
        if any(j.snippet.id not in self._results for j in same):
            return None
        return [self._results[j.snippet.id] for j in same]


def _evidence(results: Sequence[SnippetResult]) -> list[Evidence]:
    return [r.evidence for r in results if r.evidence is not None and r.status is not Status.ERROR]
