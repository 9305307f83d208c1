"""The whole job, stage after stage: find pages, extract, plan, run, check."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from harness.cache import ResultCache, mock_setup_of, snippet_key
from harness.check.contract import missing_contract_cause
from harness.check.registry import check_snippet
from harness.check.typescript import typecheck
from harness.config import Config, apply_to_snippet
from harness.errors import HarnessError
from harness.extract import DEFAULT_PLACEHOLDERS, find_pages
from harness.extract.parallel import iter_extractions
from harness.model import (
    Diagnostic,
    Evidence,
    Finding,
    Page,
    RunResult,
    Snippet,
    SnippetResult,
    Status,
)
from harness.planned import SpooledJobs
from harness.run.base import Executor, Runner
from harness.run.common import infra_said
from harness.run.registry import default_runners_dir, runner_name_for, runners
from harness.run_order import chained, drained
from harness.select import changed_since, in_shard
from harness.sessions_run.plan import SessionJob
from harness.sessions_run.run import run_session
from harness.sessions_run.split import split_sessions
from harness.settling import judge as judge
from harness.settling import settle as settle
from harness.settling import verdict as verdict
from harness.spool import Spool

Progress = Callable[[int, int, SnippetResult], None]
T = TypeVar("T")


def kept_for_reports(evidence: Evidence) -> Evidence:
    """A checked snippet's evidence as the run keeps it until the reports: request bodies are let go
    (their size, parsed JSON, headers and answers stay); no later rule or report reads raw bytes sent."""
    requests = tuple(replace(r, body=b"", body_size=r.size) for r in evidence.requests)
    return replace(evidence, requests=requests)


@dataclass(frozen=True)
class RunOptions:
    """How to run: which executor, how many at once, how long each may take."""

    executor: str = "auto"
    jobs: int = 1
    timeout_s: float = 30.0
    build_images: bool = False
    """With the docker executor: build runner images that are missing or stale before running."""
    typecheck: bool = True
    """Type-check the TypeScript examples with tsc (when the worker runner's npm packages are installed)."""
    cache_dir: Path | None = None
    """Where results are cached; None runs everything."""
    retries: int = 0
    """Runs again a snippet that failed, up to this many times; one that then passes is flaky."""
    warm_workers: bool = True
    """Local Worker snippets on warm servers (one workerd, a fresh isolate per snippet; False: one
    Miniflare process each); see `harness.run.local.warm_worker`."""
    isolation: str = "snippet"
    """With the docker executor: a fresh container per `snippet`, or warm ones per runtime and tab `group`
    of a page, or per runtime for the whole `run` (see `harness.run.docker.executor`); ignored elsewhere."""
    config: Config = field(default_factory=Config)
    runners_dir: Path = field(default_factory=default_runners_dir)


@dataclass(frozen=True)
class Job:
    """One snippet to run, with the runner chosen for it."""

    page: Page
    snippet: Snippet
    runner: str


@dataclass(frozen=True)
class Plan:
    """What extraction found and what will run."""

    pages: Sequence[Page]
    """The pages read, in order (from `plan`: on disk until read)."""
    jobs: Sequence[Job]
    """What runs, in page order (from `plan`: on disk until read, `harness.planned`)."""
    skipped: Sequence[SnippetResult]
    """What does not run, and why (from `plan`: on disk until read, `harness.spool`)."""
    diagnostics: tuple[Diagnostic, ...]
    sessions: tuple[SessionJob, ...] = ()
    """Page sessions: blocks that run together, one launch each (`harness.sessions_run`)."""

    @property
    def snippets(self) -> list[Snippet]:
        """Every snippet of the plan: run alone, in a session, or not run."""
        in_sessions = [block.snippet for session in self.sessions for block in session.blocks]
        return [job.snippet for job in self.jobs] + in_sessions + [r.snippet for r in self.skipped]


def placeholders_for(config: Config) -> dict[str, str]:
    """The placeholder table: the defaults, then the project's own."""
    return {**DEFAULT_PLACEHOLDERS, **config.placeholders}


def plan(paths: Sequence[str], config: Config | None = None, shard: tuple[int, int] | None = None,
         changed_since_ref: str | None = None, sessions: bool = True) -> Plan:
    """Reads every page under `paths` (only shard I of N, or only those changed since a git ref, if
    asked) and decides, for each snippet, what runs it or why nothing does (`sessions`: some run in
    page sessions; False: each alone or not at all)."""
    config = config or Config()
    placeholders = placeholders_for(config)
    found, diagnostics = find_pages(paths)
    if changed_since_ref:
        found = changed_since(changed_since_ref, found)
    if shard:
        found = [(path, display) for path, display in found if in_shard(display, shard)]
    pages: Spool[Page] = Spool(Page, "pages", pickled=True)
    jobs: SpooledJobs[Job] = SpooledJobs(Job, pages)
    skipped: Spool[SnippetResult] = Spool(SnippetResult, "skipped")
    together: list[SessionJob] = []
    for extraction in iter_extractions(found, placeholders):
        pages.append(extraction.page)
        diagnostics.extend(extraction.diagnostics)
        page_jobs: list[Job] = []
        page_skipped: list[SnippetResult] = []
        for snippet in (apply_to_snippet(config, s) for s in extraction.snippets):
            runner = runner_name_for(snippet)
            reason = snippet.skip_reason or (None if runner else f"not runnable: {snippet.language}")
            if reason is not None or runner is None:
                page_skipped.append(SnippetResult(snippet, Status.SKIPPED, None, (), reason=reason or ""))
            else:
                page_jobs.append(Job(extraction.page, snippet, runner))
        if sessions:  # a page's sessions are its own: planned page by page
            page_jobs, page_skipped, page_sessions = split_sessions((extraction.page,), page_jobs, page_skipped)
            together += page_sessions
        for job in page_jobs:
            jobs.add(len(pages) - 1, job.snippet, job.runner)
        for result in page_skipped:
            skipped.append(result)
    return Plan(pages, jobs, skipped, tuple(diagnostics), tuple(together))


HOST_EXECUTORS = ("local", "inprocess")
"""Executors whose runners run on this machine: a runner that cannot run here is the harness's error."""


def run_job(job: Job, executor: Executor, runner: Runner, timeout_s: float, attempt: int = 1) -> SnippetResult:
    """Runs one snippet and collects its per-snippet findings (the verdict comes later)."""
    unavailable = runner.available() if executor.name in HOST_EXECUTORS else None
    if unavailable:
        return SnippetResult(job.snippet, Status.ERROR, None, (), reason=f"runner {runner.name}: {unavailable}")
    journal_key = job.snippet.id if attempt == 1 else f"{job.snippet.id}@attempt{attempt}"
    try:
        route = executor.route(journal_key)
        launch = runner.launch(job.snippet, route, executor.runners_dir)
        timeout = float(job.snippet.options.get("timeout", timeout_s))
        outcome = executor.execute(runner, launch, timeout)
        outcome = replace(outcome, infra_error=outcome.infra_error or infra_said(outcome.exit_code, outcome.stderr))
    except HarnessError as error:
        return SnippetResult(job.snippet, Status.ERROR, None, (), reason=str(error))
    evidence = Evidence(
        snippet=job.snippet, runner=runner.name, exit_code=outcome.exit_code, stdout=outcome.stdout,
        stderr=outcome.stderr, duration_s=outcome.duration_s,
        requests=tuple(replace(r, snippet_id=job.snippet.id) for r in executor.take_requests(journal_key)),
        response=outcome.response, timed_out=outcome.timed_out, infra_error=outcome.infra_error,
        executor=executor.name, output_truncated=outcome.output_truncated,
    )
    infra_error = outcome.infra_error or missing_contract_cause(evidence.requests)
    if infra_error:
        return SnippetResult(job.snippet, Status.ERROR, kept_for_reports(evidence), (), reason=infra_error)
    findings = tuple(check_snippet(job.page, evidence))
    return SnippetResult(job.snippet, Status.PASSED, kept_for_reports(evidence), findings, attempts=attempt)


def run_with_retries(job: Job, executor: Executor, runner: Runner, options: RunOptions) -> SnippetResult:
    """Runs a snippet; while it fails, again, up to `options.retries` more times. The first
    attempt's result is kept for a snippet that never passes; one that passes later is flaky."""
    first = run_job(job, executor, runner, options.timeout_s)
    if verdict(first, options.config).status is not Status.FAILED:
        return first
    for attempt in range(2, options.retries + 2):
        again = run_job(job, executor, runner, options.timeout_s, attempt)
        if verdict(again, options.config).status is Status.PASSED:
            return replace(again, flaky=True)
    return replace(first, attempts=options.retries + 1)


def run_cached(job: Job, executor: Executor, runner: Runner, options: RunOptions,
               cache: ResultCache | None) -> SnippetResult:
    """A stored result when nothing it depends on changed, else a fresh run (then stored)."""
    if cache is None:
        return run_with_retries(job, executor, runner, options)
    key = cache.key(snippet_key(job.page.front_matter, job.snippet))
    stored = cache.get(key)
    if stored is not None:
        return replace(stored, cached=True)
    result = run_with_retries(job, executor, runner, options)
    if not result.flaky:
        cache.put(key, result)
    return result


def static_findings(the_plan: Plan, options: RunOptions, cache: ResultCache | None) -> list[Finding]:
    """Findings that need no run (the TypeScript type-check), from the cache when the examples are unchanged."""
    if not options.typecheck:
        return []
    snippets = [job.snippet for job in the_plan.jobs if job.snippet.language == "ts"]
    key = cache.key("typecheck|" + "|".join(snippet_key({}, s) for s in snippets)) if cache else ""
    stored = cache.get_findings(key) if cache else None
    if stored is not None:
        return stored
    found = typecheck(snippets, options.runners_dir)
    if cache:
        cache.put_findings(key, found)
    return found


def open_cache(options: RunOptions, executor_name: str) -> ResultCache | None:
    """The result cache for a run on `executor_name`, or None when the run caches nothing."""
    if not options.cache_dir:
        return None
    mock_setup = mock_setup_of(options.config.scenarios, options.config.openapi)
    return ResultCache(options.cache_dir, options.runners_dir, executor_name, options.timeout_s, mock_setup)


def execute(the_plan: Plan, executor: Executor, options: RunOptions, progress: Progress | None = None) -> RunResult:
    """Runs every job of `the_plan` on `executor` (already entered), `options.jobs` at a time. Each
    result goes to a spool as it comes (`harness.spool`), then the whole run is judged from there."""
    started = time.monotonic()
    by_name = runners(options.runners_dir)  # on this host; a launch is laid out for executor.runners_dir
    total = len(the_plan.jobs) + sum(len(s.blocks) for s in the_plan.sessions) + len(the_plan.skipped)
    done = 0
    results: Spool[SnippetResult] = Spool(SnippetResult, "ran")

    def report(result: SnippetResult) -> None:
        nonlocal done
        done += 1
        results.append(result)
        if progress:
            progress(done, total, verdict(result, options.config))

    for result in the_plan.skipped:
        report(result)
    cache = open_cache(options, executor.name)
    static = static_findings(the_plan, options, cache)
    placeholders = placeholders_for(options.config)
    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        calls = [partial(run_session, session, executor, by_name[session.runner], options.timeout_s, placeholders)
                 for session in the_plan.sessions]  # the longest first
        chains: dict[str, list[tuple[int, Job]]] = {}
        alone = (partial(_one, run_cached, job, executor, by_name[job.runner], options, cache)
                 for job in the_plan.jobs if not chained(job.runner, job.snippet, job, chains))
        in_order = (partial(_in_order, jobs, executor, by_name, options, cache) for jobs in drained(chains))
        for done_results in in_turn(pool, itertools.chain(calls, alone, in_order), window=4 * max(1, options.jobs)):
            for result in done_results:
                report(result)
    run = settle(the_plan, results, options, static, executor.name, time.monotonic() - started)
    results.close()
    return run


def _one(run: Callable[..., SnippetResult], *args: Any) -> list[SnippetResult]:
    return [run(*args)]


def _in_order(jobs: Sequence[Job], executor: Executor, by_name: dict[str, Runner], options: RunOptions,
              cache: ResultCache | None) -> list[SnippetResult]:
    return [run_cached(job, executor, by_name[job.runner], options, cache) for job in jobs]


def in_turn(pool: ThreadPoolExecutor, calls: Iterable[Callable[[], T]], window: int) -> Iterator[T]:
    """Each call's answer as it is done, with at most `window` calls submitted at a time (so that the
    jobs waiting to run stay on disk, not in the pool's queue)."""
    pending: set[Future[T]] = set()
    for call in calls:
        pending.add(pool.submit(call))
        if len(pending) >= window:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in finished)
    yield from (future.result() for future in as_completed(pending))
