"""Which blocks of a page run together: session jobs built from the extraction's session plans.

A fragment whose plan says it continues earlier blocks (`runs in a page session`) is linked with the
blocks of its plan's `after`; linked blocks of one page and language family form one session, in page
order. Python notebook cells (`!cmd`, `%magic`) join the page's session around them (or, on a page
without one, run together as one); blocks marked `<!-- harness: session=setup -->` or `teardown` join
the sessions of their page and family, which then become one (each block runs once); `session=off`
(on a block, or `harness: {session: off}` in the page's front matter) keeps blocks out. A block that
cannot run even in a session (a package or tool the harness lacks) and the blocks after it are not
run (`launched`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.extract.annotations import SESSION_ROLE_OPTION
from harness.extract.sessions import SESSION_OPTION
from harness.model import Page, Snippet, SnippetResult

RUNNERS = {"py": "python", "sh": "shell"}
"""Language -> the runner whose session driver runs it (JavaScript sessions are combined at extraction)."""
SEED = "runs in a page session"
"""The end of the reason of a fragment that continues earlier blocks (`harness.extract.sessions`)."""
NOTEBOOK = "not runnable: notebook cell"
_SESSION_ONLY = ("not runnable: only defines", "not runnable: nothing at the top level runs",
                 "not runnable: no commands, only comments", "not runnable: only sets variables", NOTEBOOK)
"""Reasons of blocks that run in a session: their effect is on the blocks after them."""


@dataclass(frozen=True)
class SessionBlock:
    """One block of a session."""

    snippet: Snippet
    role: str = "cell"
    """`cell`, `setup` or `teardown` (runs even after a failure)."""
    blocked: str | None = None
    """Why it cannot run even in a session (its own reason), or None."""


@dataclass(frozen=True)
class SessionJob:
    """The blocks of one page and language family that run as one launch, in page order."""

    page: Page
    runner: str
    """`python` or `shell`."""
    blocks: tuple[SessionBlock, ...]

    @property
    def lines(self) -> tuple[int, ...]:
        """The page lines of its blocks."""
        return tuple(block.snippet.line for block in self.blocks)

    @property
    def key(self) -> str:
        """The journal key of its launch."""
        return f"{self.blocks[0].snippet.id}@session"


def role_of(snippet: Snippet) -> str:
    """`off`, `setup`, `teardown` or `cell`, from the block's `session=` annotation."""
    role = snippet.options.get(SESSION_ROLE_OPTION, "cell")
    return role if role in ("off", "setup", "teardown") else "cell"


def sessions_off(front_matter: Mapping[str, Any]) -> bool:
    """Whether the page's front matter opts out: `harness: {session: off}` (YAML reads `off` as false)."""
    harness = front_matter.get("harness")
    value = harness.get("session", True) if isinstance(harness, Mapping) else True
    return value is False or str(value).lower() in ("off", "false", "no")


def _seed(snippet: Snippet, reason: str) -> bool:
    return reason.endswith(SEED) and SESSION_OPTION in snippet.options


def _blocked(reason: str, runnable: bool) -> str | None:
    if runnable or reason.endswith(SEED) or reason.startswith(_SESSION_ONLY):
        return None
    return reason


def launched(session: SessionJob) -> tuple[tuple[SessionBlock, ...], dict[str, str]]:
    """The blocks a session's launch runs (those before the first that cannot run, and teardown blocks
    that can), and why each other block is not run (its own reason, or the line it depends on)."""
    cells: list[SessionBlock] = []
    reasons: dict[str, str] = {}
    stop: str | None = None
    for block in session.blocks:
        if block.blocked is not None:
            reasons[block.snippet.id] = block.blocked
            if block.role != "teardown" and stop is None:
                stop = f"not run: depends on line {block.snippet.line}, which is not run ({block.blocked})"
        elif stop is not None and block.role != "teardown":
            reasons[block.snippet.id] = stop
        else:
            cells.append(block)
    return tuple(cells), reasons


def plan_sessions(pages: Sequence[Page], runnable: Sequence[Snippet],
                  skipped: Sequence[SnippetResult]) -> list[SessionJob]:
    """The session jobs of `pages`, given the snippets that run alone and the skipped ones."""
    reasons: dict[str, str] = {r.snippet.id: r.reason for r in skipped}
    snippets = {s.id: s for s in runnable} | {r.snippet.id: r.snippet for r in skipped}
    by_page: dict[str, list[Snippet]] = {}
    for snippet in snippets.values():
        if snippet.language in RUNNERS and role_of(snippet) != "off":
            by_page.setdefault(snippet.page, []).append(snippet)
    jobs: list[SessionJob] = []
    for page in pages:
        if sessions_off(page.front_matter):
            continue
        blocks = sorted(by_page.get(page.path, []), key=lambda s: s.line)
        for language in RUNNERS:
            family = [s for s in blocks if s.language == language]
            for members in _components(family, reasons):
                chosen = sorted((s for s in family if s.id in members), key=lambda s: role_of(s) != "setup")
                jobs.append(SessionJob(page, RUNNERS[language], tuple(
                    SessionBlock(s, role_of(s), _blocked(reasons.get(s.id, ""), s.id not in reasons))
                    for s in chosen)))
    return jobs


def _components(family: list[Snippet], reasons: Mapping[str, str]) -> list[set[str]]:
    """The ids of each session of one page and language: linked blocks, with notebook cells and the
    setup and teardown blocks joined."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    present = {s.id for s in family}
    for snippet in family:
        if _seed(snippet, reasons.get(snippet.id, "")):
            for earlier in json.loads(snippet.options[SESSION_OPTION]).get("after", []):
                if earlier in present:
                    parent[root(earlier)] = root(snippet.id)
    groups: dict[str, set[str]] = {}
    for node in list(parent):
        groups.setdefault(root(node), set()).add(node)
    sessions = sorted(groups.values(), key=lambda ids: min(s.line for s in family if s.id in ids))
    notebook = [s for s in family if reasons.get(s.id, "").startswith(NOTEBOOK)]
    for cell in notebook:
        last = [max(s.line for s in family if s.id in ids) for ids in sessions]
        target = next((ids for ids, end in zip(sessions, last, strict=True) if end > cell.line), None)
        if target is None:
            target = sessions[-1] if sessions else set()
            if not sessions:
                sessions.append(target)
        target.add(cell.id)
    framing = {s.id for s in family if role_of(s) in ("setup", "teardown")}
    if framing and sessions:  # one session then, so that each block runs (and is reported) once
        return [set().union(framing, *sessions)]
    return sessions
