"""Does the snippet show its reader the answer? Output at all, and output of the promised shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from harness.check.base import Rule, SnippetContext, finding, shorten
from harness.model import Finding, Severity

PRINTS_NOTHING = Rule("RESP002", "prints-nothing", Severity.WARNING,
                      "A script that calls the API but prints nothing shows the reader no answer.")
OUTPUT_SHAPE = Rule("RESP003", "output-shape", Severity.WARNING,
                    "The output differs in shape from the output the page shows (JSON keys, SSE events).")


def check_prints(ctx: SnippetContext) -> Iterator[Finding]:
    ev = ctx.evidence
    if ev.runner == "worker" or ev.exit_code != 0 or not ev.requests:
        return
    if not ev.stdout.strip():
        yield finding(PRINTS_NOTHING, ev.snippet, "calls the API but prints nothing: the reader never sees the answer")


def _json_shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_shape(value[0])] if value else []
    return "value"


def output_kind(text: str) -> tuple[str, Any]:
    """What kind of output `text` is: ('json', shape), ('sse', event count) or ('text', None)."""
    stripped = text.strip()
    try:
        return "json", _json_shape(json.loads(stripped))
    except ValueError:
        pass
    if stripped.startswith("data:"):
        return "sse", None
    return "text", None


def _missing_keys(expected: Any, actual: Any, prefix: str = "") -> list[str]:
    if not isinstance(expected, dict):
        return []
    if not isinstance(actual, dict):
        return [prefix or "(top level)"]
    missing = []
    for key, sub in expected.items():
        if key not in actual:
            missing.append(prefix + key)
        else:
            missing += _missing_keys(sub, actual[key], f"{prefix}{key}.")
    return missing


def check_expected_output(ctx: SnippetContext) -> Iterator[Finding]:
    expected = ctx.snippet.expected_output or ctx.snippet.options.get("expect")
    ev = ctx.evidence
    if not expected or ev.exit_code != 0:
        return
    want_kind, want_shape = output_kind(expected)
    got_kind, got_shape = output_kind(ev.stdout)
    if want_kind == "text":
        return  # free text is not compared: models answer differently every time
    if want_kind != got_kind:
        yield finding(OUTPUT_SHAPE, ev.snippet, f"the page shows {want_kind} output but the snippet printed "
                      f"{got_kind}: {shorten(ev.stdout, 120)!r}", expected=want_kind, actual=got_kind)
        return
    missing = _missing_keys(want_shape, got_shape)
    if missing:
        yield finding(OUTPUT_SHAPE, ev.snippet, f"the output lacks keys the page shows: {', '.join(missing)}",
                      expected=missing)
