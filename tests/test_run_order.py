"""harness.run_order: the blocks of an in-page-order runner wait in one chain per page, in page order;
every other block runs alone."""

from __future__ import annotations

from harness.model import Snippet
from harness.run_order import IN_PAGE_ORDER, chained, drained


def _snippet(page: str, line: int) -> Snippet:
    return Snippet(id=f"{page}::{line}", page=page, group="g", label=None, language="sh", code="true\n",
                   line=line, info="sh")


def test_a_pages_wrangler_blocks_form_one_chain_in_page_order() -> None:
    assert "wrangler" in IN_PAGE_ORDER
    chains: dict[str, list[tuple[int, str]]] = {}
    seen = [("wrangler", "a.md", 30), ("shell", "a.md", 5), ("wrangler", "a.md", 10), ("wrangler", "b.md", 7),
            ("python", "b.md", 1)]
    alone = [f"{page}:{line}" for runner, page, line in seen
             if not chained(runner, _snippet(page, line), f"{page}:{line}", chains)]
    assert alone == ["a.md:5", "b.md:1"]
    assert list(drained(chains)) == [["a.md:10", "a.md:30"], ["b.md:7"]]
