"""Do the tabs of one group show the same call? Same method, endpoint, model and input shape."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from harness.check.base import Rule, finding, page_line_of
from harness.model import Evidence, Finding, RecordedRequest, Severity

TAB_PARITY = Rule("PAR001", "tab-parity", Severity.WARNING,
                  "Tabs of one group should show the same call in different languages; a reader switching "
                  "tabs should not get a different model, endpoint or input.")

IGNORED_KEYS = frozenset({"stream"})
"""Keys a tab may add for its own purpose (the streaming tab streams) without breaking parity."""


def shape(value: Any) -> Any:
    """The shape of a JSON value: keys and types, not the words (prompts differ between tabs)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items()) if k not in IGNORED_KEYS}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def signature(request: RecordedRequest) -> dict[str, Any]:
    """A request normalized for comparison across languages and doors (REST or binding)."""
    return {"method": "POST" if request.via == "binding" else request.method, "model": request.model,
            "input": shape(request.json)}


def _describe(sig: dict[str, Any]) -> str:
    return json.dumps(sig, sort_keys=True)


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    def show(value: Any) -> str:
        return json.dumps(value, sort_keys=True)

    return [f"{key}: expected {show(expected[key])}, got {show(actual.get(key))}"
            for key in expected if expected[key] != actual.get(key)]


def check_group(evidences: Sequence[Evidence]) -> Iterator[Finding]:
    """Compares each tab's first API request with the signature most tabs share."""
    sent = [(ev, next((r for r in ev.requests if r.via in ("rest", "binding")), None)) for ev in evidences]
    sigs = [(ev, signature(req)) for ev, req in sent if req is not None]
    if len(sigs) < 2:
        return
    counts = Counter(_describe(sig) for _, sig in sigs)
    majority, votes = counts.most_common(1)[0]
    if votes == len(sigs):
        return
    expected = json.loads(majority)
    for ev, sig in sigs:
        if _describe(sig) == majority:
            continue
        diff = "; ".join(differences(expected, sig))
        yield finding(TAB_PARITY, ev.snippet, f"differs from the other tabs of its group ({votes} of {len(sigs)} "
                      f"agree): {diff}", line=page_line_of(ev.snippet, str(sig.get("model") or "")),
                      expected=expected, actual=sig)
