"""The plan on disk: `SpooledJobs` holds a plan's jobs in spools (`harness.spool`).

A job is its page, its snippet and its runner's name. The snippets (their code, source, options:
most of what a plan weighs) go to a spool, the pages (their front matter: several KB each on a
model page) to another, shared with the plan; an index of page and runner per job stays in memory.
Read back, a job is built anew by the factory it was given (the pipeline's `Job`), equal to the one
that went in.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from typing import TypeVar

from harness.model import Page, Snippet
from harness.spool import Lazy, Spool

J = TypeVar("J")


class SpooledJobs(Lazy[J]):
    """A plan's jobs: snippets and pages on disk, an index of page and runner per job in memory."""

    def __init__(self, make: Callable[[Page, Snippet, str], J], pages: Spool[Page]) -> None:
        self._make = make
        self.pages = pages
        """The plan's pages (each job names its page by its place here)."""
        self._snippets: Spool[Snippet] = Spool(Snippet, "plan", pickled=True)
        self._runners: list[str] = []
        self._page_of = array("i")
        self._runner_of = array("i")
        self._last: tuple[int, Page] | None = None

    def add(self, page: int, snippet: Snippet, runner: str) -> None:
        """Puts a job at the end: `snippet` of the page at `page` in `pages`, run by `runner`."""
        if runner not in self._runners:
            self._runners.append(runner)
        self._snippets.append(snippet)
        self._page_of.append(page)
        self._runner_of.append(self._runners.index(runner))

    def __len__(self) -> int:
        return len(self._snippets)

    def _item(self, index: int) -> J:
        return self._job(index, self._snippets[index])

    def __iter__(self) -> Iterator[J]:
        return (self._job(i, snippet) for i, snippet in enumerate(self._snippets))

    def _job(self, index: int, snippet: Snippet) -> J:
        return self._make(self._page(self._page_of[index]), snippet, self._runners[self._runner_of[index]])

    def _page(self, index: int) -> Page:
        """The page at `index`, read once for the run of jobs on it (jobs come in page order)."""
        if self._last is None or self._last[0] != index:
            self._last = (index, self.pages[index])
        return self._last[1]
