"""What a block that only defines a request handler answered, when the harness called it
(`harness.extract.handler_calls`): a handler that returns no Response is said, not hidden behind the
204 that the harness's own fetch handler answered in its place."""

from __future__ import annotations

from collections.abc import Iterator

from harness.check.base import Rule, SnippetContext, finding, page_line_of
from harness.extract.handler_calls import RETURNED_HEADER
from harness.model import Finding, Severity

RETURNED_NO_RESPONSE = Rule("RUN008", "handler-returned-no-response", Severity.INFO,
                            "The block's request handler, called by the harness, returned no Response: what a "
                            "Worker that returns its result would answer is the reader's to write.")


def check_returned(ctx: SnippetContext) -> Iterator[Finding]:
    response = ctx.evidence.response
    returned = response.header(RETURNED_HEADER) if response is not None else None
    if returned is None:
        return
    name = ctx.snippet.options.get("ran_as", "").partition("`")[2].partition("(")[0]
    what = "nothing" if returned == "nothing" else f"a {returned}, not a Response"
    yield finding(RETURNED_NO_RESPONSE, ctx.snippet,
                  f"`{name}` returned {what}: the harness's fetch handler answered an empty 204 in its place",
                  line=page_line_of(ctx.snippet, name) if name else None, returned=returned)
