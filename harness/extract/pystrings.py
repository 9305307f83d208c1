"""Where the string literals of a Python snippet are: the reader's text, where placeholders stand.

Code that compiles is scanned from each comment or quote to the next, the way the tokenizer meets
them: in valid Python a quote outside a comment or a string always opens a string literal, so the
scan finds exactly the tokenizer's `STRING` tokens, at a fraction of its cost. Code that does not
compile, or that has line breaks other than `\\n`, goes through the standard library's `tokenize`.
"""

from __future__ import annotations

import io
import re
import tokenize
from functools import lru_cache

from harness.extract.pyparse import parsed
from harness.extract.repeats import REPEATS

_PREFIXES = frozenset({"r", "b", "f", "u", "rb", "br", "rf", "fr"})
"""String prefixes, in lower case (`Rb"..."` is a bytes literal too)."""
_PREFIX_LETTERS = frozenset("rRbBfFuU")
_START = re.compile("[#'\"]")
"""What the scan stops at: a comment, or the quote of a string literal."""
_LITERAL = re.compile(
    r"'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\[\s\S])*'"
    r'|"(?:[^"\\\n]|\\[\s\S])*"'
)
"""A string literal from its opening quote to its closing one (triple quotes first)."""
OTHER_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""Characters `str.splitlines` breaks lines at besides `\\n` (the tokenizer does not)."""


def plain_string_spans(code: str) -> list[tuple[int, int]]:
    """Offsets of the string literals of `code` that are no f-strings (where `{x}` is code); the
    whole code when it cannot be tokenized."""
    return list(_plain_string_spans(code))


@lru_cache(maxsize=REPEATS)
def _plain_string_spans(code: str) -> tuple[tuple[int, int], ...]:
    if OTHER_LINE_BREAKS.search(code) or not _compiles(code):
        return tuple(_spans_by_tokenize(code))
    spans = _scan(code)
    return tuple(spans if spans is not None else _spans_by_tokenize(code))


def _scan(code: str) -> list[tuple[int, int]] | None:
    """The spans of `plain_string_spans` in code that compiles: from one comment or quote to the
    next (None if a quote opens no literal, which compiled code never has)."""
    spans = []
    pos = 0
    while found := _START.search(code, pos):
        quote = found.start()
        if code[quote] == "#":
            pos = code.find("\n", quote) + 1
            if not pos:
                break
            continue
        literal = _LITERAL.match(code, quote)
        if literal is None:
            return None
        start = quote  # the prefix is the letters before the quote that start a word: `rb"..."`, not `xb"..."`
        while start > max(quote - 2, 0) and code[start - 1] in _PREFIX_LETTERS:
            start -= 1
        prefix = code[start:quote].lower()
        if start < quote and (prefix not in _PREFIXES or (start and _is_word(code[start - 1]))):
            start, prefix = quote, ""
        if "f" not in prefix:
            spans.append((start, literal.end()))
        pos = literal.end()
    return spans


def _is_word(char: str) -> bool:
    """What `\\w` matches."""
    return char.isalnum() or char == "_"


def _compiles(code: str) -> bool:
    try:
        return not isinstance(parsed(code), str)  # the classifier asks for the same tree when no placeholder changed
    except ValueError:  # a null byte
        return False


def _spans_by_tokenize(code: str) -> list[tuple[int, int]]:
    """The spans of `plain_string_spans`, read from the standard library's tokenizer."""
    lines = code.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    spans = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type != tokenize.STRING:
                continue
            prefix = token.string[: len(token.string) - len(token.string.lstrip("rRbBuUfF"))]
            if "f" in prefix.lower():
                continue
            (row, col), (end_row, end_col) = token.start, token.end
            spans.append((starts[row - 1] + col, starts[end_row - 1] + end_col))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [(0, len(code))]
    return spans
