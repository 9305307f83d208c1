"""Fenced code blocks, exactly those markdown-it-py finds (so exactly those markdown renders).

Most of a docs page is paragraphs, headings and fences at the left margin, and there the block
structure is plain: a line of three backticks or tildes opens a fence, the first line of at least
as many of them closes it. Those stretches are read here line by line. Wherever a line may start
anything else (a list, a quote, an HTML block, an indented line), markdown-it parses that stretch:
from the start of its paragraph to the next line at the margin after a blank line, where markdown
starts afresh (checked: nothing markdown-it opened at the top level may run past it).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token

from harness.extract.document import Document
from harness.extract.regions import Fence

_OPENER = re.compile(r"(`{3,}|~{3,})(.*)")
_ORDERED_ITEM = re.compile(r"\d{1,9}[.)](?:[ \t]|$)")
_BLOCK_RULES = ("code", "fence", "blockquote", "hr", "list", "reference", "html_block", "heading", "lheading",
                "paragraph")
"""The block rules of markdown-it's CommonMark; with `code` or `html_block` off, the line reader still knows them."""


@cache
def commonmark() -> MarkdownIt:
    """The CommonMark parser Hugo pages are rendered with (block structure only: fences are blocks).

    Shared and never changed after it is made."""
    return MarkdownIt("commonmark").disable(["inline", "text_join"])


@cache
def mdx_markdown() -> MarkdownIt:
    """CommonMark as MDX reads it: no indented code blocks and no HTML blocks (tags are JSX)."""
    return MarkdownIt("commonmark").disable(["inline", "text_join", "code", "html_block"])


class _Block(NamedTuple):
    """A fence as markdown-it reports it: lines `first` to `end` (exclusive) of the text parsed."""

    first: int
    end: int
    info: str
    content: str


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
        for block in _blocks(lines[start:], md):
            fence = _fence(block, start)
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


def _blocks(lines: list[str], md: MarkdownIt) -> list[_Block]:
    """The fences markdown-it finds in the text of `lines`."""
    rules = md.block.ruler.get_active_rules()
    joined = "".join(lines)
    if "\0" in joined or "\r" in joined or any(rule not in _BLOCK_RULES for rule in rules) or "fence" not in rules:
        return _parsed(lines, 0, len(lines), md)
    return _LineReader(lines, md, "code" in rules, "html_block" in rules).read()


def _parsed(lines: list[str], first: int, stop: int, md: MarkdownIt) -> list[_Block]:
    """markdown-it's fences in `lines[first:stop]` (as lines of the whole text)."""
    return _fence_blocks(_parse(lines, first, stop, md), first)


def _parse(lines: list[str], first: int, stop: int, md: MarkdownIt) -> list[Token]:
    return md.parse("\n".join(lines[first:stop]) + ("\n" if stop < len(lines) else ""))


def _fence_blocks(tokens: list[Token], first: int) -> list[_Block]:
    return [_Block(first + token.map[0], first + token.map[1], token.info, token.content)
            for token in tokens if token.type == "fence" and token.map is not None]


class _LineReader:
    def __init__(self, lines: list[str], md: MarkdownIt, code_blocks: bool, html_blocks: bool) -> None:
        self.lines = lines
        self.md = md
        self.code_blocks = code_blocks
        self.other_blocks = " \t>*+-<" if html_blocks else " \t>*+-"
        """First characters of lines that may start a block other than a paragraph, heading or fence."""
        self.count = len(lines) - (not lines[-1].strip(" \t"))
        """Lines markdown-it reads (a last line of only spaces without a line end is not one)."""

    def read(self) -> list[_Block]:
        lines, blocks = self.lines, []
        line = fresh = 0  # fresh: where the current paragraph (or whatever block) began
        while line < self.count:
            text = lines[line]
            if not text.strip(" \t"):
                line = fresh = line + 1
            elif text[0] in "`~" and (opener := _OPENER.match(text)) and not ("`" in opener[2] and text[0] == "`"):
                block = self._fence(line, opener[1], opener[2])
                blocks.append(block)
                line = fresh = block.end
            elif text[0] in self.other_blocks or (text[0].isdigit() and _ORDERED_ITEM.match(text)):
                parsed, line = self._parse_from(fresh, line)
                blocks += parsed
                fresh = line
            else:
                line += 1
        return blocks

    def _fence(self, line: int, markup: str, info: str) -> _Block:
        """The fence opened at the margin on `line`: up to its closing line or the end."""
        close = self._closing(line, markup)
        inside = self.lines[line + 1 : close]
        content = "\n".join(inside) + ("\n" if inside and close < len(self.lines) else "")  # the last line has none
        return _Block(line, close + (close < self.count), info, content)

    def _closing(self, line: int, markup: str) -> int:
        marker = markup[0]
        for index in range(line + 1, self.count):
            text = self.lines[index]
            stripped = text.lstrip(" \t")
            if not stripped.startswith(marker):
                continue
            if self.code_blocks and columns(text[: len(text) - len(stripped)]) >= 4:
                continue
            rest = stripped.lstrip(marker)
            if len(stripped) - len(rest) >= len(markup) and not rest.strip(" \t"):
                return index
        return self.count

    def _parse_from(self, first: int, line: int) -> tuple[list[_Block], int]:
        """markdown-it's fences from `first` to the next fresh start after `line`, and that line."""
        stop = next((i for i in range(line + 1, self.count) if self._fresh_start(i)), self.count)
        if stop < self.count:
            tokens = _parse(self.lines, first, stop, self.md)
            if not any(_runs_on(token, stop - first) for token in tokens):
                return _fence_blocks(tokens, first), stop
        return _parsed(self.lines, first, len(self.lines), self.md), self.count

    def _fresh_start(self, line: int) -> bool:
        """A line at the margin after a blank line: every list, quote and paragraph has ended."""
        text = self.lines[line]
        return text[:1] not in ("", " ", "\t") and not self.lines[line - 1].strip(" \t")


def _runs_on(token: Token, count: int) -> bool:
    """A fence or HTML block opened at the top level that runs to the end of the `count` lines
    parsed (in the whole text it would run on)."""
    top_level = token.level == 0 and token.type in ("fence", "html_block")
    return top_level and token.map is not None and token.map[1] >= count


def columns(indent: str) -> int:
    """How many columns `indent` (spaces and tabs) takes, tabs stopping every 4 columns as in CommonMark."""
    width = 0
    for char in indent:
        width = width + 4 - width % 4 if char == "\t" else width + 1
    return width


def _fence(block: _Block, offset: int) -> Fence:
    first, end, content = block.first, block.end, block.content
    content_lines = content.count("\n") + (1 if content and not content.endswith("\n") else 0)
    closed = end - first - 2 == content_lines
    return Fence(
        line=offset + first + 1,
        end_line=offset + end,
        info=block.info.strip(),
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
