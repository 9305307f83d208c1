"""What the harness supplied that the page did not: a run that needed it says so, so that a green
result is read for what it is."""

from __future__ import annotations

from collections.abc import Iterator

from harness.check.base import Rule, SnippetContext, finding
from harness.extract.d1_tables import SAID_OPTION
from harness.model import Finding, Severity

D1_TABLES = Rule("RUN007", "d1-tables-supplied", Severity.INFO,
                 "The Worker queried D1 tables no block of its page creates: the harness made them first (from "
                 "the project's `d1_schema`, the page's `wrangler d1 execute` lines, or inferred from its SQL).")


def check_d1_tables(ctx: SnippetContext) -> Iterator[Finding]:
    said = ctx.snippet.options.get(SAID_OPTION)
    if said:
        yield finding(D1_TABLES, ctx.snippet, f"ran on {said}")
