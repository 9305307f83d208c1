"""Fenced code blocks, found by markdown-it-py so that they are exactly those markdown renders."""

from __future__ import annotations

from collections.abc import Collection

from markdown_it import MarkdownIt
from markdown_it.token import Token

from harness.extract.document import Document
from harness.extract.regions import Fence


def commonmark() -> MarkdownIt:
    """The CommonMark parser Hugo pages are rendered with."""
    return MarkdownIt("commonmark")


def mdx_markdown() -> MarkdownIt:
    """CommonMark as MDX reads it: no indented code blocks and no HTML blocks (tags are JSX)."""
    return MarkdownIt("commonmark").disable(["code", "html_block"])


def parse_fences(doc: Document, md: MarkdownIt, barriers: Collection[int] = ()) -> list[Fence]:
    """All fenced code blocks of `doc`, in page order.

    `barriers` are lines where the renderer starts a fresh markdown document (Hugo renders each
    tab on its own): a fence running over a barrier is unclosed, it stops before the barrier and
    parsing goes on there.
    """
    lines = doc.text.split("\n")
    fences: list[Fence] = []
    start = 0
    while start < len(lines):
        restart = None
        for token in md.parse("\n".join(lines[start:])):
            if token.type != "fence" or token.map is None:
                continue
            fence = _fence(token, start)
            stop = _barrier_inside(fence, barriers)
            if stop is not None:
                fences.append(_truncate(fence, stop - 1))
                restart = stop - 1
                break
            fences.append(fence)
        if restart is None:
            break
        start = restart
    return fences


def _fence(token: Token, offset: int) -> Fence:
    assert token.map is not None
    first, end = token.map
    content = token.content
    content_lines = content.count("\n") + (1 if content and not content.endswith("\n") else 0)
    closed = end - first - 2 == content_lines
    return Fence(
        line=offset + first + 1,
        end_line=offset + end,
        info=token.info.strip(),
        source=content,
        closed=closed,
    )


def _barrier_inside(fence: Fence, barriers: Collection[int]) -> int | None:
    inside = [line for line in barriers if fence.line < line <= fence.end_line]
    return min(inside, default=None)


def _truncate(fence: Fence, last_line: int) -> Fence:
    keep = max(last_line - fence.line, 0)
    source = "".join(fence.source.splitlines(keepends=True)[:keep])
    return Fence(line=fence.line, end_line=last_line, info=fence.info, source=source, closed=False)
