"""`harness list`: what a content tree holds, page by page, without running anything.

For each page: its tab groups, tabs, snippets by language, and how many of them run, are
fragments of something larger, or cannot run here; for the whole tree: the same totals and every
reason a snippet is not run, grouped, so a docs team sees at once what the harness will do.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.model import Diagnostic, Severity, Snippet

RUNNABLE, FRAGMENT, NOT_RUNNABLE = "runnable", "fragment", "not runnable"
STATUSES = (RUNNABLE, FRAGMENT, NOT_RUNNABLE)
_DETAIL = re.compile(r"`[^`]*`")
_PATH = re.compile(r"\S*/\S*")
_LIST = re.compile(r"`…`(?:(?:, | and )`…`)+")


@dataclass(frozen=True)
class Entry:
    """One snippet in the inventory."""

    snippet: Snippet
    runner: str | None
    reason: str
    """Why it is not run; for one that runs, empty or how (`page session, lines 12..40`)."""

    @property
    def status(self) -> str:
        if self.runner:
            return RUNNABLE
        return FRAGMENT if self.reason.startswith("fragment") else NOT_RUNNABLE


@dataclass(frozen=True)
class PageSummary:
    """The counts of one page."""

    path: str
    groups: int
    """Tab groups (sets of tabs), not counting fences that stand alone."""
    tabs: int
    snippets: int
    languages: Mapping[str, int]
    statuses: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Inventory:
    """Every page and snippet under the paths given, and what was wrong with the pages."""

    pages: tuple[PageSummary, ...]
    entries: tuple[Entry, ...]
    diagnostics: tuple[Diagnostic, ...]


def build(pages: Iterable[str], entries: Iterable[Entry], diagnostics: Iterable[Diagnostic]) -> Inventory:
    """The inventory of `pages` (in order) and their snippets."""
    by_page: dict[str, list[Entry]] = {page: [] for page in pages}
    for entry in sorted(entries, key=lambda e: (e.snippet.page, e.snippet.line, e.snippet.fence_line)):
        by_page.setdefault(entry.snippet.page, []).append(entry)
    summaries = tuple(_summary(page, found) for page, found in by_page.items())
    ordered = tuple(entry for found in by_page.values() for entry in found)
    return Inventory(summaries, ordered, tuple(sorted(diagnostics, key=lambda d: (d.page, d.line))))


def _summary(page: str, entries: list[Entry]) -> PageSummary:
    tabbed = [e.snippet for e in entries if e.snippet.label is not None]
    return PageSummary(
        path=page,
        groups=len({s.group for s in tabbed}),
        tabs=len(tabbed),
        snippets=len(entries),
        languages=dict(Counter(e.snippet.language or "(none)" for e in entries).most_common()),
        statuses={status: sum(e.status == status for e in entries) for status in STATUSES},
    )


def to_dict(inventory: Inventory) -> dict[str, Any]:
    """The inventory as plain JSON data."""
    return {
        "totals": _totals(inventory),
        "pages": [
            {"path": p.path, "groups": p.groups, "tabs": p.tabs, "snippets": p.snippets,
             "languages": dict(p.languages), **{s.replace(" ", "_"): n for s, n in p.statuses.items()}}
            for p in inventory.pages
        ],
        "snippets": [
            {"id": e.snippet.id, "page": e.snippet.page, "line": e.snippet.line, "group": e.snippet.group,
             "label": e.snippet.label, "language": e.snippet.language, "kind": e.snippet.options.get("kind"),
             "status": e.status, "runner": e.runner, "reason": e.reason or None,
             "partial": e.snippet.options.get("partial")}
            for e in inventory.entries
        ],
        "reasons": [{"reason": reason, "count": count, "details": details} for reason, count, details in
                    reasons(inventory)],
        "diagnostics": [{"page": d.page, "line": d.line, "severity": d.severity.value, "message": d.message}
                        for d in inventory.diagnostics],
    }


def _totals(inventory: Inventory) -> dict[str, Any]:
    entries = inventory.entries
    return {
        "pages": len(inventory.pages),
        "groups": sum(p.groups for p in inventory.pages),
        "tabs": sum(p.tabs for p in inventory.pages),
        "snippets": len(entries),
        "languages": dict(Counter(e.snippet.language or "(none)" for e in entries).most_common()),
        **{status.replace(" ", "_"): sum(e.status == status for e in entries) for status in STATUSES},
        "runners": dict(Counter(e.runner for e in entries if e.runner).most_common()),
        "diagnostics": dict(Counter(d.severity.value for d in inventory.diagnostics)),
    }


def reasons(inventory: Inventory) -> list[tuple[str, int, list[str]]]:
    """Why snippets are not run: each reason with its specifics (`hono`, `openai`) pooled, most
    frequent first, with the distinct specifics in order of frequency."""
    counts: Counter[str] = Counter()
    details: dict[str, Counter[str]] = {}
    for entry in inventory.entries:
        if entry.runner:
            continue
        shape = _shape(entry.reason)
        counts[shape] += 1
        found = ", ".join(_DETAIL.findall(entry.reason))
        if found:
            details.setdefault(shape, Counter())[found] += 1
    return [(shape, count, [d for d, _ in details.get(shape, Counter()).most_common()])
            for shape, count in counts.most_common()]


def _shape(text: str) -> str:
    """`text` with its specifics left out: "uses `a`, `b` and `c`" -> "uses `…`"."""
    return _LIST.sub("`…`", _DETAIL.sub("`…`", text))


def render(inventory: Inventory, show_snippets: bool = False, most: int = 6) -> str:
    """The inventory as a table for a terminal: pages, then totals and reasons."""
    lines = [f"{'groups':>6} {'tabs':>5} {'snippets':>8} {'run':>4} {'frag':>4} {'not':>4}  page  (languages)"]
    for page in inventory.pages:
        languages = ", ".join(f"{name} {n}" for name, n in page.languages.items())
        counts = [page.statuses.get(s, 0) for s in STATUSES]
        lines.append(f"{page.groups:>6} {page.tabs:>5} {page.snippets:>8} {counts[0]:>4} {counts[1]:>4} "
                     f"{counts[2]:>4}  {page.path}" + (f"  ({languages})" if languages else ""))
    if show_snippets:
        lines += ["", "Snippets:"] + [_snippet_line(e) for e in inventory.entries]
    totals = _totals(inventory)
    lines += [
        "",
        f"{totals['pages']} pages, {totals['groups']} tab groups, {totals['tabs']} tabs, "
        f"{totals['snippets']} snippets: {totals['runnable']} runnable, {totals['fragment']} fragments, "
        f"{totals['not_runnable']} not runnable",
        "By language: " + ", ".join(f"{name} {n}" for name, n in totals["languages"].items()),
        "Runs on: " + (", ".join(f"{name} {n}" for name, n in totals["runners"].items()) or "nothing"),
    ]
    found = reasons(inventory)
    if found:
        lines += ["", "Not run, by reason:"]
        for shape, count, details in found:
            shown = "; ".join(details[:most]) + ("; …" if len(details) > most else "")
            lines.append(f"{count:>6}  {shape}" + (f"  [{shown}]" if shown else ""))
    problems = [d for d in inventory.diagnostics if d.severity is not Severity.INFO]
    if problems:
        lines += ["", "Page problems:"] + [f"  {d.severity.value:<7} {d}" for d in problems]
    notes = Counter(_PATH.sub("…", _shape(d.message)) for d in inventory.diagnostics
                    if d.severity is Severity.INFO)
    if notes:
        lines += ["", "Notes (--json lists each):"] + [f"{n:>6}  {note}" for note, n in notes.most_common()]
    return "\n".join(lines) + "\n"


def _snippet_line(entry: Entry) -> str:
    snippet = entry.snippet
    how = f" ({entry.reason})" if entry.reason else ""
    what = f"runs on {entry.runner}{how}" if entry.runner else entry.reason
    partial = snippet.options.get("partial")
    return f"  {snippet.where} {snippet.language or '(none)'}: {what}" + (f" (from {partial})" if partial else "")
