"""Does a Worker that asks for a stream hand a well-formed event stream to its reader?"""

from __future__ import annotations

import json
from collections.abc import Iterator

from harness.check.base import Rule, SnippetContext, as_mapping, finding, page_line_of_key
from harness.extract.worker_program import HARNESS_ANSWER_OPTION
from harness.model import Finding, HttpResponse, Severity

STREAM_FORMAT = Rule("RESP001", "stream-format", Severity.ERROR,
                     "A streaming Worker must answer text/event-stream events ending in `data: [DONE]`.")


def asked_to_stream(ctx: SnippetContext) -> bool:
    for request in ctx.evidence.requests:
        inputs = as_mapping(request.json)
        if inputs and inputs.get("stream") is True:
            return True
    return False


def sse_problem(response: HttpResponse) -> str | None:
    """What is wrong with an SSE answer, or None when it is well formed."""
    content_type = (response.header("content-type") or "").split(";")[0].strip()
    if content_type != "text/event-stream":
        return f"answers Content-Type {content_type or 'none'} (expected text/event-stream)"
    events = [e for e in response.body.decode("utf-8", errors="replace").split("\n\n") if e.strip()]
    if not events:
        return "answers an empty event stream"
    datas: list[str] = []
    for event in events:
        lines = [line for line in event.splitlines() if line.startswith("data:")]
        if not lines:
            return f"answers an event without a data line: {event[:80]!r}"
        datas.append("\n".join(line[5:].strip() for line in lines))
    if datas[-1] != "[DONE]":
        return f"answers an event stream whose last event is {datas[-1][:80]!r}, not [DONE]"
    for data in datas[:-1]:
        try:
            json.loads(data)
        except ValueError:
            return f"answers an event whose data is not JSON: {data[:80]!r}"
    return None


def check_stream(ctx: SnippetContext) -> Iterator[Finding]:
    response = ctx.evidence.response
    if response is None or not asked_to_stream(ctx) or response.status >= 500:
        return
    if ctx.snippet.options.get(HARNESS_ANSWER_OPTION):
        return  # a call shown alone, whose stream the block hands to nobody: the answer is the harness's 204
    problem = sse_problem(response)
    if problem:
        yield finding(STREAM_FORMAT, ctx.snippet, f"asks for a stream but {problem}",
                      line=page_line_of_key(ctx.snippet, "stream"))
