"""One page in, one `Extraction` out: front matter, the format's layout, snippets, diagnostics."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from harness.extract.document import Document
from harness.extract.formats import DocsFormat, format_for
from harness.extract.frontmatter import read_front_matter
from harness.extract.placeholders import DEFAULT_PLACEHOLDERS
from harness.extract.snippets import build_snippets
from harness.model import Diagnostic, Extraction, Page


def extract_page(path: Path, display: str, placeholders: Mapping[str, str] | None = None) -> Extraction:
    """Read the page at `path` and extract its snippets; `display` is the path used in messages.

    Never raises: a page that cannot be read gives an `Extraction` with no snippets and one
    diagnostic at line 0; broken markup gives diagnostics and as many snippets as can be found.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        diagnostic = Diagnostic(display, 0, f"cannot read page: {error}")
        return Extraction(Page(display, {}, ""), (), (diagnostic,))
    return extract_text(text, display, format_for(path), placeholders)


def extract_text(
    text: str, display: str, docs_format: DocsFormat, placeholders: Mapping[str, str] | None = None
) -> Extraction:
    """Extract the snippets of page text `text` written in `docs_format`."""
    if placeholders is None:
        placeholders = DEFAULT_PLACEHOLDERS
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front = read_front_matter(text)
    lines = text.split("\n")
    body = "\n" * front.end_line + "\n".join(lines[front.end_line :])
    doc = Document(body)
    layout = docs_format.parse(doc)
    snippets, problems = build_snippets(layout, doc, display, placeholders)
    found = sorted([*front.problems, *layout.problems, *problems], key=lambda p: p.line)
    return Extraction(
        page=Page(display, front.data, text),
        snippets=tuple(snippets),
        diagnostics=tuple(Diagnostic(display, p.line, p.message, p.severity) for p in found),
    )
