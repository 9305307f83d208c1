"""Blocks that must run in page order: those of a runner that changes the world the next block sees.

`wrangler d1 create` must run before `wrangler d1 execute`, `kv key put` before `kv key get`, as a reader
runs them in one terminal; with `-j N` the harness would otherwise start them side by side. The blocks
of such a runner wait in one chain per page and run one after the other, each with its own result,
while every other block runs as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from harness.model import Snippet

IN_PAGE_ORDER = frozenset({"wrangler"})
"""Runners whose blocks of one page run one after the other, in page order."""

J = TypeVar("J")


def chained(runner: str, snippet: Snippet, job: J, chains: dict[str, list[tuple[int, J]]]) -> bool:
    """Whether `job` (of `snippet`, on `runner`) waits in its page's chain instead of running alone."""
    if runner not in IN_PAGE_ORDER:
        return False
    chains.setdefault(snippet.page, []).append((snippet.fence_line or snippet.line, job))
    return True


def drained(chains: dict[str, list[tuple[int, J]]]) -> Iterator[list[J]]:
    """Each page's chain in page order; read lazily, once every job was seen (after those that run alone)."""
    for jobs in chains.values():
        yield [job for _, job in sorted(jobs, key=lambda item: item[0])]
