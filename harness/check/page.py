"""Does the page agree with its examples? Documented params, limits, streaming tabs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from harness.check.base import Rule, as_mapping, finding, front_matter_line, page_line_of_key
from harness.model import Evidence, Finding, Page, Severity

PARAM_NEVER_SENT = Rule("PAGE001", "param-never-sent", Severity.WARNING,
                        "A required parameter the page documents is shown by none of its examples.")
ABOVE_LIMIT = Rule("PAGE002", "above-documented-limit", Severity.ERROR,
                   "An example sends a value above the limit the page documents (e.g. max_tokens).")
STREAM_TAB_NOT_STREAMING = Rule("PAGE003", "streaming-tab-does-not-stream", Severity.ERROR,
                                "A tab labelled as streaming must ask the API for a stream.")


def _params(page: Page) -> list[Mapping[str, Any]]:
    model = as_mapping(page.front_matter.get("model"))
    params = model.get("params") if model else None
    return [p for p in params if isinstance(p, Mapping)] if isinstance(params, list) else []


def _inputs(evidence: Evidence) -> Iterator[Mapping[str, Any]]:
    for request in evidence.requests:
        body = as_mapping(request.json)
        if request.via in ("rest", "binding") and body is not None:
            yield body


def check_params_sent(page: Page, evidences: Sequence[Evidence]) -> Iterator[Finding]:
    """Page-level: required documented params that no example on the page sends."""
    if not any(ev.requests for ev in evidences):
        return
    sent = {key for ev in evidences for body in _inputs(ev) for key in body}
    for param in _params(page):
        name = str(param.get("name", ""))
        if name and not param.get("optional") and name not in sent:
            line = front_matter_line(page, "name", name)
            yield Finding(rule=PARAM_NEVER_SENT.code, name=PARAM_NEVER_SENT.name,
                          severity=PARAM_NEVER_SENT.severity, page=page.path, line=line,
                          message=f"{page.path}:{line} documents required param `{name}`, "
                          "but no example on the page sends it", details={"key": name})


def max_tokens_limit(page: Page, streaming: bool) -> int | None:
    """The documented default max (sequence) tokens, for streamed or plain calls."""
    model = as_mapping(page.front_matter.get("model"))
    limits = model.get("limits") if model else None
    best = None
    for limit in limits if isinstance(limits, list) else []:
        name = str(limit.get("name", "")).lower() if isinstance(limit, Mapping) else ""
        if "max" in name and "token" in name and ("stream" in name) == streaming:
            value = limit.get("value")
            best = int(value) if isinstance(value, int | str) and str(value).isdigit() else best
    return best


def check_limits(page: Page, evidence: Evidence) -> Iterator[Finding]:
    for body in _inputs(evidence):
        sent = body.get("max_tokens")
        limit = max_tokens_limit(page, streaming=body.get("stream") is True)
        if isinstance(sent, int) and limit is not None and sent > limit:
            yield finding(ABOVE_LIMIT, evidence.snippet, f"sends max_tokens={sent}, above the documented "
                          f"maximum of {limit}", line=page_line_of_key(evidence.snippet, "max_tokens"),
                          expected=limit, actual=sent)


def check_streaming_tab(evidence: Evidence) -> Iterator[Finding]:
    label = (evidence.snippet.label or "").lower()
    if "stream" not in label or not evidence.requests:
        return
    if not any(body.get("stream") is True for body in _inputs(evidence)):
        yield finding(STREAM_TAB_NOT_STREAMING, evidence.snippet,
                      f"is labelled {evidence.snippet.label!r} but never sends `stream: true`")
