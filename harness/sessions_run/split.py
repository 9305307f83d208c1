"""The plan with its page sessions taken out: the blocks of a session run there, not alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol, TypeVar

from harness.model import Page, Snippet, SnippetResult, Status
from harness.sessions_run.plan import RUNNERS, SEED, SessionJob, launched, plan_sessions


class _HasSnippet(Protocol):
    @property
    def snippet(self) -> Snippet: ...


J = TypeVar("J", bound=_HasSnippet)
OFF = "page sessions are off here (`session=off`)"


def split_sessions(pages: Sequence[Page], jobs: Sequence[J], skipped: Sequence[SnippetResult]
                   ) -> tuple[list[J], list[SnippetResult], list[SessionJob]]:
    """`jobs` and `skipped` without the blocks that run in a page session, and those sessions. A
    fragment that would continue earlier blocks but is kept out of sessions (`session=off`) says so."""
    planned = plan_sessions(pages, [job.snippet for job in jobs], skipped)
    members = {block.snippet.id for session in planned for block in session.blocks}
    kept_jobs = [job for job in jobs if job.snippet.id not in members]
    kept_skipped = [_off(r) for r in skipped if r.snippet.id not in members]
    sessions: list[SessionJob] = []
    for session in planned:
        cells, not_run = launched(session)
        if cells:
            sessions.append(replace(session, blocks=cells))
        kept_skipped += [SnippetResult(b.snippet, Status.SKIPPED, None, (), reason=not_run[b.snippet.id])
                         for b in session.blocks if b.snippet.id in not_run]
    return kept_jobs, kept_skipped, sessions


def _off(result: SnippetResult) -> SnippetResult:
    """A fragment of a family sessions run whose plan did not make it into one: sessions are off for it."""
    if result.snippet.language not in RUNNERS or not result.reason.endswith(SEED):
        return result
    return replace(result, reason=result.reason[: -len(SEED)] + OFF)

