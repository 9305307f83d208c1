"""What every rule shares: the rule record, the context it reads, and how a finding is worded."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.model import Evidence, Finding, Page, Severity, Snippet


@dataclass(frozen=True)
class Rule:
    """One check: a code, a name, a default severity and why it matters."""

    code: str
    name: str
    severity: Severity
    rationale: str


@dataclass(frozen=True)
class SnippetContext:
    """What a per-snippet rule sees: the page it is on and what running it produced."""

    page: Page
    evidence: Evidence

    @property
    def snippet(self) -> Snippet:
        return self.evidence.snippet


SnippetCheck = Callable[[SnippetContext], Iterable[Finding]]


def page_line_of(snippet: Snippet, needle: str) -> int:
    """The page line of the first code line containing `needle`, else the snippet's first line.

    Lines are counted in `Snippet.source`, which is the code as it stands on the page."""
    for offset, text in enumerate(snippet.source.splitlines()):
        if needle and needle in text:
            return snippet.line + offset
    return snippet.line


def page_line_of_key(snippet: Snippet, key: str) -> int:
    """The page line where input `key` is written as an object key (`"key":`, `key:`), else as a
    shorthand property (`{ key }`, `key,`), else anywhere; else the snippet's first line."""
    word = re.escape(key)
    patterns = (rf"""["']?\b{word}\b["']?\s*:""", rf"\b{word}\s*[,}}]", rf"\b{word}\b")
    lines = snippet.source.splitlines()
    for pattern in patterns:
        for offset, text in enumerate(lines):
            if re.search(pattern, text):
                return snippet.line + offset
    return snippet.line


def finding(rule: Rule, snippet: Snippet, message: str, line: int | None = None,
            **details: Any) -> Finding:
    """A finding about `snippet`, its message prefixed with `page:line [label]`."""
    at = snippet.line if line is None else line
    label = f" [{snippet.label}]" if snippet.label else ""
    return Finding(
        rule=rule.code, name=rule.name, severity=rule.severity,
        message=f"{snippet.page}:{at}{label} {message}", page=snippet.page, line=at,
        snippet_id=snippet.id, details=details,
    )


def front_matter_line(page: Page, key: str, value: str) -> int:
    """The page line where front matter `key: value` is written (for pointing at documentation)."""
    for number, text in enumerate(page.front_matter_text.splitlines(), start=1):
        stripped = text.strip().lstrip("- ").strip()
        if stripped.startswith(f"{key}:") and value in stripped:
            return number
    return page.front_matter_line


def shorten(text: str, limit: int = 300) -> str:
    """One line of at most `limit` characters, for messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def as_mapping(value: object) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None
