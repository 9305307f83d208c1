"""The page text and the one place where offsets become line numbers."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate


@dataclass(frozen=True)
class Document:
    """The text of a page with front matter blanked out, so every line keeps its page line number."""

    text: str
    """The page text; front matter lines are replaced by empty lines."""
    line_starts: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        lines = self.text.split("\n")  # each line starts one past the end of the one before
        starts = accumulate(map((1).__add__, map(len, lines[:-1])), initial=0)
        object.__setattr__(self, "line_starts", tuple(starts))

    @property
    def lines(self) -> list[str]:
        """The lines of the text, without their line ends (index 0 is page line 1)."""
        return self.text.split("\n")

    @property
    def line_count(self) -> int:
        """How many lines the text has (a final line end does not start a new line)."""
        return len(self.line_starts) - (1 if self.text.endswith("\n") else 0)

    def line_of(self, offset: int) -> int:
        """The 1-based line number of the character at `offset`."""
        return bisect_right(self.line_starts, offset)

    def is_blank(self, line: int) -> bool:
        """Whether the 1-based `line` holds only whitespace (lines past the end count as blank)."""
        if not 1 <= line <= len(self.line_starts):
            return True
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return not self.text[start:end].strip()


def mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with every character inside `spans` (start, end offsets) but line ends replaced by a space.

    Offsets and line numbers stay valid, so a scanner can run over the masked text and report
    positions in the page.
    """
    pieces = []
    done = 0
    for start, end in sorted(spans):
        start, end = max(start, done), min(end, len(text))
        if start >= end:
            continue
        pieces.append(text[done:start])
        masked = text[start:end]
        if "\n" in masked:
            pieces.append("\n".join(map(" ".__mul__, map(len, masked.split("\n")))))
        else:
            pieces.append(" " * (end - start))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def line_spans(doc: Document, ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Offsets (start, end) covering the 1-based inclusive line ranges `ranges`."""
    spans = []
    last = len(doc.line_starts)
    for first, final in ranges:
        if first > last:
            continue
        start = doc.line_starts[first - 1]
        end = doc.line_starts[final] if final < last else len(doc.text)
        spans.append((start, end))
    return spans
