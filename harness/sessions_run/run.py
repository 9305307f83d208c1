"""Runs one session job on an executor: one launch, then one result per block at its own line.

A block after one that failed (or ended the session) is not run and says which line it depends on;
teardown blocks run all the same. A driver that fails before its first cell, or an executor that
fails, is the harness's error, given to every block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from harness.check.registry import check_snippet
from harness.check.requests import NO_REQUEST
from harness.errors import HarnessError
from harness.model import Evidence, RecordedRequest, SnippetResult, Status
from harness.run.base import Executor, Outcome, Runner
from harness.sessions_run.launch import LAUNCHERS
from harness.sessions_run.plan import SessionBlock, SessionJob
from harness.sessions_run.results import CellReport, attribute, parse_reports


def _kept(evidence: Evidence) -> Evidence:
    requests = tuple(replace(r, body=b"", body_size=r.size) for r in evidence.requests)
    return replace(evidence, requests=requests)


def _not_run(block: SessionBlock, session: SessionJob, reason: str) -> SnippetResult:
    return SnippetResult(block.snippet, Status.SKIPPED, None, (), reason=reason, session=session.lines)


def _error(session: SessionJob, reason: str) -> list[SnippetResult]:
    return [SnippetResult(b.snippet, Status.ERROR, None, (), reason=f"{b.snippet.where} {reason}",
                          session=session.lines) for b in session.blocks]


def run_session(session: SessionJob, executor: Executor, runner: Runner, timeout_s: float,
                placeholders: Mapping[str, str]) -> list[SnippetResult]:
    """Runs `session` as one launch on `executor`; a result for each of its blocks, in page order."""
    if executor.name in ("local", "inprocess") and (unavailable := runner.available()):
        return _error(session, f"runner {runner.name}: {unavailable}")
    cells = session.blocks
    try:
        route = executor.route(session.key)
        launch, mark = LAUNCHERS[session.runner]([b.snippet for b in cells], [b.role == "teardown" for b in cells],
                                                 route, executor.runners_dir, placeholders)
        timeout = sum(float(b.snippet.options.get("timeout", timeout_s)) for b in cells)  # each block's own
        outcome = executor.execute(runner, launch, timeout)
        requests = executor.take_requests(session.key)
        if outcome.infra_error:
            return _error(session, outcome.infra_error)
        reports, other = parse_reports(session.runner, outcome.stdout, mark)
    except HarnessError as error:
        return _error(session, str(error))
    if not reports and not outcome.timed_out:
        said = (outcome.stderr or other or f"exit code {outcome.exit_code}").strip().splitlines()[-3:]
        return _error(session, f"the {session.runner} session driver failed: " + " / ".join(said))
    evidence = _evidence(session, cells, reports, outcome, requests, executor.name, runner.name)
    settled = _settled(session, evidence, cut=outcome.output_truncated)
    return [settled[b.snippet.id] for b in session.blocks]


def _evidence(session: SessionJob, cells: Sequence[SessionBlock], reports: Sequence[CellReport], outcome: Outcome,
              requests: Sequence[RecordedRequest], executor: str, runner: str) -> dict[str, Evidence]:
    """Each reported cell's evidence (and, after a timeout, the cell that was running)."""
    by_index = {r.index: r for r in reports}
    ran = [(cells[i], by_index[i]) for i in sorted(by_index) if i < len(cells)]
    running: SessionBlock | None = None
    if outcome.timed_out:
        after = max(by_index, default=-1) + 1
        running = cells[after] if after < len(cells) else None
    starts = [report.start for _, report in ran]
    if running is not None:
        starts.append(ran[-1][1].end if ran else 0.0)
    split = attribute(requests, starts)
    found: dict[str, Evidence] = {}
    for (block, report), sent in zip(ran, split, strict=False):
        found[block.snippet.id] = Evidence(
            snippet=block.snippet, runner=runner, exit_code=report.exit_code, stdout=report.stdout,
            stderr=report.stderr, duration_s=max(report.end - report.start, 0.0),
            requests=tuple(replace(r, snippet_id=block.snippet.id) for r in sent), executor=executor,
            output_truncated=report.truncated)
    if running is not None:
        found[running.snippet.id] = Evidence(
            snippet=running.snippet, runner=runner, exit_code=None, stdout="", stderr=outcome.stderr,
            duration_s=outcome.duration_s, requests=tuple(replace(r, snippet_id=running.snippet.id)
                                                          for r in split[-1]),
            timed_out=True, executor=executor)
    return found


def _sent_later(session: SessionJob, evidence: Mapping[str, Evidence], position: int) -> bool:
    """Whether a block after `position` sent a request: a block that only prepares one (a URL, a client)
    is not expected to send it itself."""
    return any(e.requests for b in session.blocks[position + 1 :] if (e := evidence.get(b.snippet.id)))


def _settled(session: SessionJob, evidence: Mapping[str, Evidence], cut: bool = False) -> dict[str, SnippetResult]:
    """A result per block: its evidence and findings, or the line it depends on (`cut`: the launch's
    output was cut, so a block without a report may have run)."""
    results: dict[str, SnippetResult] = {}
    stop: str | None = None
    for position, block in enumerate(session.blocks):
        snippet = block.snippet
        ran = evidence.get(snippet.id)
        if ran is not None:
            findings = tuple(f for f in check_snippet(session.page, ran)
                             if f.rule != NO_REQUEST.code or not _sent_later(session, evidence, position))
            results[snippet.id] = SnippetResult(snippet, Status.PASSED, _kept(ran), findings, session=session.lines)
            if stop is None and (ran.timed_out or ran.exit_code != 0) and block.role != "teardown":
                stop = f"not run: depends on line {snippet.line}, which failed"
            continue
        if stop is None and cut:
            stop = "not run: the session's output went past the harness's limit before its report"
        if stop is None:  # the session ended before it without a failure: a cell ran `exit`
            before = [b for b in session.blocks if b.snippet.id in evidence and b.snippet.line < snippet.line]
            line = before[-1].snippet.line if before else session.blocks[0].snippet.line
            stop = f"not run: depends on line {line}, which ended the session"
        results[snippet.id] = _not_run(block, session, stop)
    return results
