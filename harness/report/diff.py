"""Regression diff between two JSON reports: what broke, what was fixed, what changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BAD = ("failed", "error")
CLASSES = ("new failure", "fixed", "still failing", "new", "removed", "unchanged")


@dataclass(frozen=True)
class Change:
    """One snippet's fate between two runs."""

    snippet_id: str
    kind: str
    """One of CLASSES."""
    before: str | None
    after: str | None
    requests_changed: bool = False
    """The requests it sends differ (method, path, model or body), even if its status did not change."""
    findings_added: tuple[str, ...] = ()


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    if "snippets" not in data:
        raise ValueError(f"{path}: not a harness JSON report (no 'snippets')")
    return data


def request_signature(snippet: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """What a snippet sends, normalized: the account id in the path and header order do not count."""
    return [(r["via"], r["method"], r.get("model") or r["path"], json.dumps(r.get("json"), sort_keys=True))
            for r in snippet.get("requests", [])]


def _kind(before: str | None, after: str | None) -> str:
    if before is None:
        return "new"
    if after is None:
        return "removed"
    if after in BAD:
        return "still failing" if before in BAD else "new failure"
    return "fixed" if before in BAD else "unchanged"


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    olds = {s["id"]: s for s in old["snippets"]}
    news = {s["id"]: s for s in new["snippets"]}
    changes = []
    for sid in list(olds) + [i for i in news if i not in olds]:
        a, b = olds.get(sid), news.get(sid)
        before, after = (a or {}).get("status"), (b or {}).get("status")
        requests_changed = bool(a and b and request_signature(a) != request_signature(b))
        old_rules = {f["message"] for f in (a or {}).get("findings", [])}
        added = tuple(f["message"] for f in (b or {}).get("findings", []) if f["message"] not in old_rules)
        changes.append(Change(sid, _kind(before, after), before, after, requests_changed, added if a else ()))
    return changes


def regressed(changes: list[Change]) -> bool:
    return any(c.kind == "new failure" for c in changes)


def render(changes: list[Change]) -> str:
    lines = []
    for kind in CLASSES:
        group = [c for c in changes if c.kind == kind]
        if not group or kind == "unchanged":
            continue
        lines.append(f"{kind} ({len(group)}):")
        for c in group:
            lines.append(f"  {c.snippet_id}  {c.before or '-'} -> {c.after or '-'}")
            lines += [f"      + {message}" for message in c.findings_added]
    moved = [c for c in changes if c.requests_changed]
    if moved:
        lines.append(f"requests changed ({len(moved)}):")
        lines += [f"  {c.snippet_id}  ({c.after})" for c in moved]
    counts = ", ".join(f"{sum(c.kind == k for c in changes)} {k}" for k in CLASSES)
    lines.append(counts)
    return "\n".join(lines) + "\n"
