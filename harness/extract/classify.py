"""Runnable or not: what a snippet is (a Worker, a script, shell commands, a fragment) and, when
the harness cannot run it, why, in words a docs writer can act on.

Each language's rules live with its runtime (`harness/runtimes/javascript.py`, `python.py`,
`shell.py`); they are about code, never about pages, and they err towards "runnable": a snippet is
a fragment only when it reads a name nothing defines (or `return`s outside a function), and
"needs X" only when it imports or runs something the runners do not have (`provided.py`). A kind
that no runtime takes (`fragment`, `notebook`, `output`, ...) always comes with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.runtimes.base import Classification as Classification
from harness.runtimes.base import Note as Note
from harness.runtimes.registry import language_named


def classify(code: str, language: str, placeholders: Mapping[str, str]) -> Classification | None:
    """Classify `code` in `language` (`js`, `ts`, `py`, `sh`, ...) by the classifier its runtime
    declares; None for languages no runtime runs."""
    found = language_named(language)
    return found.classify(code, placeholders) if found else None
