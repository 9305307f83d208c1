"""Where the string literals of a Python snippet are: the reader's text, where placeholders stand.

Code that compiles is scanned with one regular expression (comments, string literals, words and
everything else, in the order the tokenizer meets them): in valid Python a quote outside a
comment or a string always opens a string literal, so the scan finds exactly the tokenizer's
`STRING` tokens, at about a tenth of its cost. Code that does not compile, or that has line
breaks other than `\\n`, goes through the standard library's `tokenize`, as it always did.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

_PREFIX = r"(?P<prefix>[rR][bBfF]?|[bBfF][rR]?|[uU])?"
_LITERAL = (
    r"'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\[\s\S])*'"
    r'|"(?:[^"\\\n]|\\[\s\S])*"'
)
_SCAN = re.compile(rf"#[^\n]*|(?P<string>{_PREFIX}(?:{_LITERAL}))|\w+|[^#'\"\w]+|[\s\S]")
"""One token of valid Python as far as strings go: a comment, a string literal (with its prefix),
a word (a name, a keyword or a number: a prefix letter inside one opens no string), or other text."""
_OTHER_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""Characters `str.splitlines` breaks lines at besides `\\n` (the tokenizer does not)."""


def plain_string_spans(code: str) -> list[tuple[int, int]]:
    """Offsets of the string literals of `code` that are no f-strings (where `{x}` is code); the
    whole code when it cannot be tokenized."""
    if _OTHER_LINE_BREAKS.search(code) or not _compiles(code):
        return _spans_by_tokenize(code)
    return [match.span() for match in _SCAN.finditer(code)
            if match.lastgroup == "string" and "f" not in (match.group("prefix") or "").lower()]


def _compiles(code: str) -> bool:
    try:
        with warnings.catch_warnings():  # the classifier parses the code again; one warning is enough
            warnings.simplefilter("ignore")
            ast.parse(code)
    except (SyntaxError, ValueError):  # ValueError: a null byte
        return False
    return True


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
