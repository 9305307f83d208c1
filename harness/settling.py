"""Judging a run: each result's verdict, with its group, page and static findings, one page at a time.

The results a run collected may be many more than fit in memory comfortably (they are in a spool,
`harness.spool`), so `settle` reads them in passes and holds at most one page's evidence at a time:
it orders them by page and line (keeping only each result's position), checks each page's evidence,
then writes every verdict, in page order, to the spool the reports read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from harness.check.registry import XPASS, check_groups, check_page, check_pages
from harness.config import Config, apply_to_findings
from harness.model import Diagnostic, Evidence, Finding, Page, RunResult, Severity, Snippet, SnippetResult, Status
from harness.spool import Lazy, Spool


class _HasSnippet(Protocol):
    @property
    def snippet(self) -> Snippet: ...


class _Session(Protocol):
    @property
    def blocks(self) -> Sequence[_HasSnippet]: ...


class Plan(Protocol):
    """What settling reads of a plan (`harness.pipeline.Plan`; a protocol, so no import cycle)."""

    @property
    def pages(self) -> Sequence[Page]: ...

    @property
    def jobs(self) -> Sequence[_HasSnippet]: ...

    @property
    def skipped(self) -> Sequence[SnippetResult]: ...

    @property
    def sessions(self) -> Sequence[_Session]: ...

    @property
    def diagnostics(self) -> Sequence[Diagnostic]: ...


class RunOptions(Protocol):
    """What settling reads of the run's options (`harness.pipeline.RunOptions`)."""

    @property
    def config(self) -> Config: ...

    @property
    def jobs(self) -> int: ...


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


def judge(the_plan: Plan, results: Sequence[SnippetResult], config: Config, static: Sequence[Finding] = (),
          pages_of: Mapping[str, list[int]] | None = None) -> tuple[Spool[SnippetResult], list[Finding]]:
    """Adds group, page and static (type-check) findings to the per-snippet ones of `results` (in the
    order given) and settles every status; the judged results go to a spool, in the same order.
    `pages_of`: the positions in `results` of each page's results, when the caller knows them."""
    if pages_of is None:
        pages_of = _positions_by_page(result.snippet.page for result in results)
    extra: dict[str, list[Finding]] = {}
    for found in static:
        extra.setdefault(found.snippet_id or "", []).append(found)
    page_findings: list[Finding] = check_pages(the_plan.diagnostics)
    for page in the_plan.pages:
        evidences = _evidence(results[i] for i in pages_of.get(page.path, ()))
        for found in check_groups(evidences):
            extra.setdefault(found.snippet_id or "", []).append(found)
        page_findings += check_page(page, evidences)
    final: Spool[SnippetResult] = Spool(SnippetResult, "results")
    for result in results:
        final.append(verdict(result, config, extra.get(result.snippet.id, ())))
    return final, apply_to_findings(config, page_findings, {})


def settle(the_plan: Plan, results: Sequence[SnippetResult], options: RunOptions, static: Sequence[Finding],
           executor_name: str, duration_s: float) -> RunResult:
    """The run: `results` in page order, judged with their group, page and static findings."""
    order = page_order(the_plan)
    ranks, pages = [], []
    for result in results:
        ranks.append(order.get(result.snippet.id, len(order)))
        pages.append(result.snippet.page)
    del order
    positions = sorted(range(len(ranks)), key=ranks.__getitem__)
    pages_of = _positions_by_page(pages[i] for i in positions)
    final, page_findings = judge(the_plan, _Reordered(results, positions), options.config, static, pages_of)
    return RunResult(
        results=final, page_findings=tuple(page_findings),
        pages=tuple(p.path for p in the_plan.pages), duration_s=duration_s,
        executor=executor_name, jobs=options.jobs,
    )


def page_order(the_plan: Plan) -> dict[str, int]:
    """Each planned snippet's rank in page order (by page, then line), by id."""
    keys = [(job.snippet.page, job.snippet.fence_line or job.snippet.line, job.snippet.id) for job in the_plan.jobs]
    keys += [(b.snippet.page, b.snippet.fence_line or b.snippet.line, b.snippet.id)
             for session in the_plan.sessions for b in session.blocks]
    keys += [(r.snippet.page, r.snippet.fence_line or r.snippet.line, r.snippet.id) for r in the_plan.skipped]
    keys.sort(key=lambda key: key[:2])
    return {snippet_id: rank for rank, (_, _, snippet_id) in enumerate(keys)}


class _Reordered(Lazy[SnippetResult]):
    """`items` in the order of `positions` (read one at a time from `items`)."""

    def __init__(self, items: Sequence[SnippetResult], positions: list[int]) -> None:
        self.items, self.positions = items, positions

    def __len__(self) -> int:
        return len(self.positions)

    def _item(self, index: int) -> SnippetResult:
        return self.items[self.positions[index]]

    def __iter__(self) -> Iterator[SnippetResult]:
        return (self.items[i] for i in self.positions)


def _positions_by_page(pages: Iterable[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index, page in enumerate(pages):
        found.setdefault(page, []).append(index)
    return found


def _evidence(results: Iterable[SnippetResult]) -> list[Evidence]:
    return [r.evidence for r in results if r.evidence is not None and r.status is not Status.ERROR]
