"""What the harness supplied that the page did not: a run that needed it says so, so that a green
result is read for what it is."""

from __future__ import annotations

import json
from collections.abc import Iterator

from harness.check.base import Rule, SnippetContext, finding, page_line_of
from harness.extract.d1_tables import SAID_OPTION
from harness.generated_values import READER_FILES_OPTION, READER_PATHS_OPTION
from harness.model import Finding, Severity

D1_TABLES = Rule("RUN007", "d1-tables-supplied", Severity.INFO,
                 "The Worker queried D1 tables no block of its page creates: the harness made them first (from "
                 "the project's `d1_schema`, the page's `wrangler d1 execute` lines, or inferred from its SQL).")


def check_d1_tables(ctx: SnippetContext) -> Iterator[Finding]:
    said = ctx.snippet.options.get(SAID_OPTION)
    if said:
        yield finding(D1_TABLES, ctx.snippet, f"ran on {said}")


READER_FILES = Rule("RUN009", "reader-file-stand-in", Severity.INFO,
                    "The snippet sends a file of the reader's own (a video, an image, `{PATH/TO/file}`) that no page "
                    "can ship: it ran with a small stand-in of that name, so what was checked is the request "
                    "around the file, not the file.")


def check_reader_files(ctx: SnippetContext) -> Iterator[Finding]:
    names = json.loads(ctx.snippet.options.get(READER_FILES_OPTION, "[]"))
    if not names or ctx.evidence.infra_error:
        return
    shown = json.loads(ctx.snippet.options.get(READER_PATHS_OPTION, "{}"))
    described = [f"`{name}`" + (f" (the page's `{shown[name]}`)" if shown.get(name, name) != name else "")
                 for name in names]
    first = next(iter(shown.values()), names[0])
    files = "files" if len(names) > 1 else "file"
    yield finding(READER_FILES, ctx.snippet, f"ran with a stand-in for the reader's own {files} "
                  f"{', '.join(described)}: a few bytes of text, not the real content",
                  page_line_of(ctx.snippet, first))
