"""The whole job, stage after stage: find pages, extract, plan, run, check."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness.cache import ResultCache, mock_setup_of, snippet_key
from harness.check.registry import XPASS, check_groups, check_page, check_pages, check_snippet
from harness.check.typescript import typecheck
from harness.config import Config, apply_to_findings, apply_to_snippet
from harness.errors import HarnessError
from harness.extract import DEFAULT_PLACEHOLDERS, find_pages
from harness.extract.parallel import extract_pages
from harness.model import (
    Diagnostic,
    Evidence,
    Extraction,
    Finding,
    Page,
    RunResult,
    Severity,
    Snippet,
    SnippetResult,
    Status,
)
from harness.run.base import Executor, Runner
from harness.run.registry import default_runners_dir, runner_name_for, runners
from harness.select import changed_since, in_shard
from harness.sessions_run.plan import SessionJob
from harness.sessions_run.run import run_session
from harness.sessions_run.split import split_sessions

Progress = Callable[[int, int, SnippetResult], None]


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

    pages: tuple[Page, ...]
    jobs: tuple[Job, ...]
    skipped: tuple[SnippetResult, ...]
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
    extractions: list[Extraction] = extract_pages(found, placeholders)
    jobs: list[Job] = []
    skipped: list[SnippetResult] = []
    for extraction in extractions:
        diagnostics.extend(extraction.diagnostics)
        for snippet in (apply_to_snippet(config, s) for s in extraction.snippets):
            runner = runner_name_for(snippet)
            reason = snippet.skip_reason or (None if runner else f"not runnable: {snippet.language}")
            if reason is not None or runner is None:
                skipped.append(SnippetResult(snippet, Status.SKIPPED, None, (), reason=reason or ""))
            else:
                jobs.append(Job(extraction.page, snippet, runner))
    pages = tuple(e.page for e in extractions)
    jobs, skipped, together = split_sessions(pages, jobs, skipped) if sessions else (jobs, skipped, [])
    return Plan(pages, tuple(jobs), tuple(skipped), tuple(diagnostics), tuple(together))


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
    except HarnessError as error:
        return SnippetResult(job.snippet, Status.ERROR, None, (), reason=str(error))
    evidence = Evidence(
        snippet=job.snippet, runner=runner.name, exit_code=outcome.exit_code, stdout=outcome.stdout,
        stderr=outcome.stderr, duration_s=outcome.duration_s,
        requests=tuple(replace(r, snippet_id=job.snippet.id) for r in executor.take_requests(journal_key)),
        response=outcome.response, timed_out=outcome.timed_out, infra_error=outcome.infra_error,
        executor=executor.name, output_truncated=outcome.output_truncated,
    )
    if outcome.infra_error:
        return SnippetResult(job.snippet, Status.ERROR, kept_for_reports(evidence), (), reason=outcome.infra_error)
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


def verdict(result: SnippetResult, config: Config, extra: Sequence[Finding] = ()) -> SnippetResult:
    """The final status of a run snippet: its findings (plus group findings), as configured, and xfail."""
    if result.status in (Status.SKIPPED, Status.ERROR):
        return result
    snippet = result.snippet
    findings = apply_to_findings(config, [*result.findings, *extra], {snippet.id: snippet.label})
    failed = any(f.severity is Severity.ERROR for f in findings)
    xfail = snippet.options.get("xfail")
    if xfail is not None:
        if failed:
            reason = "expected failure" + (f": {xfail}" if xfail not in ("", "true") else "")
            return replace(result, status=Status.SKIPPED, findings=tuple(findings), reason=reason)
        findings.append(Finding(rule=XPASS.code, name=XPASS.name, severity=XPASS.severity, page=snippet.page,
                                line=snippet.line, snippet_id=snippet.id,
                                message=f"{snippet.where} is marked xfail but passed"))
        failed = True
    return replace(result, status=Status.FAILED if failed else Status.PASSED, findings=tuple(findings))


def judge(the_plan: Plan, results: Sequence[SnippetResult], config: Config,
          static: Sequence[Finding] = ()) -> tuple[list[SnippetResult], list[Finding]]:
    """Adds group, page and static (type-check) findings to the per-snippet ones and settles every status."""
    evidence_by_page: dict[str, list[Evidence]] = {}
    for result in results:
        if result.evidence is not None and result.status is not Status.ERROR:
            evidence_by_page.setdefault(result.snippet.page, []).append(result.evidence)
    extra: dict[str, list[Finding]] = {}
    for found in static:
        extra.setdefault(found.snippet_id or "", []).append(found)
    page_findings: list[Finding] = check_pages(the_plan.diagnostics)
    for page in the_plan.pages:
        evidences = evidence_by_page.get(page.path, [])
        for found in check_groups(evidences):
            extra.setdefault(found.snippet_id or "", []).append(found)
        page_findings += check_page(page, evidences)
    final = [verdict(r, config, extra.get(r.snippet.id, ())) for r in results]
    return final, apply_to_findings(config, page_findings, {})


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
    """Runs every job of `the_plan` on `executor` (already entered), `options.jobs` at a time."""
    started = time.monotonic()
    by_name = runners(options.runners_dir)  # on this host; a launch is laid out for executor.runners_dir
    total = len(the_plan.snippets)
    done = 0
    results: list[SnippetResult] = []

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
        futures = [pool.submit(run_session, session, executor, by_name[session.runner], options.timeout_s,
                               placeholders) for session in the_plan.sessions]  # the longest first
        futures += [pool.submit(lambda job: [run_cached(job, executor, by_name[job.runner], options, cache)], job)
                    for job in the_plan.jobs]
        for future in as_completed(futures):
            for result in future.result():
                report(result)
    return settle(the_plan, results, options, static, executor.name, time.monotonic() - started)


def settle(the_plan: Plan, results: Sequence[SnippetResult], options: RunOptions, static: Sequence[Finding],
           executor_name: str, duration_s: float) -> RunResult:
    """The run: `results` in page order, judged with their group, page and static findings."""
    order = {s.id: i for i, s in enumerate(_page_order(the_plan))}
    ordered = sorted(results, key=lambda r: order.get(r.snippet.id, len(order)))
    final, page_findings = judge(the_plan, ordered, options.config, static)
    return RunResult(
        results=tuple(final), page_findings=tuple(page_findings),
        pages=tuple(p.path for p in the_plan.pages), duration_s=duration_s,
        executor=executor_name, jobs=options.jobs,
    )


def _page_order(the_plan: Plan) -> list[Snippet]:
    return sorted(the_plan.snippets, key=lambda s: (s.page, s.fence_line or s.line))
