"""What the harness stood in for: a Durable Object class that is not on the page answered by a stand-in
(`harness.extract.durable_stand_in`). Never a failure; the report says it, so a green result is read
for what it is."""

from __future__ import annotations

import json
from collections.abc import Iterator

from harness.check.base import Rule, SnippetContext, finding, page_line_of
from harness.extract.durable_stand_in import STAND_IN_OPTION, stand_in_words
from harness.model import Finding, Severity

STAND_IN = Rule("BIND001", "durable-stand-in", Severity.INFO,
                "A Durable Object class that is not on the page was played by the harness's stand-in.")


def check_stand_ins(ctx: SnippetContext) -> Iterator[Finding]:
    text = ctx.snippet.options.get(STAND_IN_OPTION)
    if not text:
        return
    methods: dict[str, list[str]] = json.loads(text)
    names = sorted(methods)
    calls = sum(1 for r in ctx.evidence.requests if (r.model or "").startswith("durable_object:"))
    yield finding(STAND_IN, ctx.snippet, f"{stand_in_words(names, methods)}: {calls} call{'s' if calls != 1 else ''}",
                  line=page_line_of(ctx.snippet, names[0]), bindings=names, calls=calls)
