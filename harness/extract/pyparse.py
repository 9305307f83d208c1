"""One syntax tree per Python snippet: the placeholder scan (`pystrings`), the classifier (`pyfacts`) and
the page's sessions (`sessions`) ask about the same code, and parsing is most of what each of them costs."""

from __future__ import annotations

import ast
import warnings
from functools import lru_cache

SHARED_TREES = 64
"""The latest distinct snippets whose tree `parsed` keeps (the readers of one page ask in turn)."""


@lru_cache(maxsize=SHARED_TREES)
def parsed(code: str) -> ast.Module | str:
    """The module `code` parses to, or the message of its `SyntaxError`; a null byte raises `ValueError`,
    as `ast.parse` does. The tree is shared by every reader of the same code: they never change it.
    Warnings are not shown (each reader used to parse again; none is about what the snippet does)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(code)
    except SyntaxError as error:
        return error.msg or "invalid syntax"
