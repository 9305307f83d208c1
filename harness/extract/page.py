"""One page in, one `Extraction` out: front matter, the format's layout, snippets, diagnostics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from harness.extract.d1_tables import seed_d1_tables
from harness.extract.dev_sessions import link_dev_servers
from harness.extract.document import Document
from harness.extract.durable_class import drive_classes
from harness.extract.durable_stand_in import with_stand_ins
from harness.extract.formats import DocsFormat, format_for
from harness.extract.frontmatter import read_front_matter
from harness.extract.handler_calls import call_handlers
from harness.extract.partials import include_partials, with_parameters
from harness.extract.placeholders import DEFAULT_PLACEHOLDERS
from harness.extract.py_definitions import run_all_definitions
from harness.extract.regions import Include
from harness.extract.sessions import plan_sessions
from harness.extract.snippets import build_snippets
from harness.extract.worker_env import attach_bindings
from harness.extract.worker_sessions import combine_workers
from harness.extract.wrangler_project import attach_projects
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
    docs_format = format_for(path)
    extraction, includes = _extract(text, display, docs_format, placeholders)
    if not includes or docs_format.find_partial is None:
        return _planned(extraction)

    def read(partial: Path, shown: str, include: Include) -> tuple[Extraction, Sequence[Include]]:
        try:
            partial_text = with_parameters(partial.read_text(encoding="utf-8"), include)
        except (OSError, UnicodeDecodeError) as error:
            return Extraction(Page(shown, {}, ""), (), (Diagnostic(shown, 0, f"cannot read partial: {error}"),)), ()
        return _extract(partial_text, shown, format_for(partial), placeholders)

    snippets, diagnostics = include_partials(path, display, includes, docs_format.find_partial, read)
    in_page_order = sorted((*extraction.snippets, *snippets), key=lambda s: s.line)
    merged = replace(extraction, snippets=tuple(in_page_order), diagnostics=extraction.diagnostics + tuple(diagnostics))
    return _planned(merged)


def extract_text(
    text: str, display: str, docs_format: DocsFormat, placeholders: Mapping[str, str] | None = None
) -> Extraction:
    """Extract the snippets of page text `text` written in `docs_format` (partials not followed)."""
    return _planned(_extract(text, display, docs_format, placeholders)[0])


def _planned(extraction: Extraction) -> Extraction:
    """The page's snippets, partials included, with their session plans (Worker sessions combined, lone
    request handlers called), the D1 tables their page never creates (`d1_tables`), Worker bindings, and
    stand-ins for the Durable Object classes the page does not show (`durable_stand_in`)."""
    combined = combine_workers(plan_sessions(extraction.snippets))
    snippets, problems = attach_bindings(seed_d1_tables(call_handlers(run_all_definitions(combined))))
    snippets = with_stand_ins(snippets)
    found = [Diagnostic(extraction.page.path, p.line, p.message, p.severity) for p in problems]
    diagnostics = extraction.diagnostics + tuple(found)
    # a class alone is driven after the projects are laid out: they hold the page's code, not the harness's
    snippets = drive_classes(link_dev_servers(attach_projects(snippets)))
    return replace(extraction, snippets=tuple(snippets), diagnostics=diagnostics)


def _extract(
    text: str, display: str, docs_format: DocsFormat, placeholders: Mapping[str, str] | None
) -> tuple[Extraction, tuple[Include, ...]]:
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
    extraction = Extraction(
        page=Page(display, front.data, "\n".join(lines[: front.end_line])),
        snippets=tuple(snippets),
        diagnostics=tuple(Diagnostic(display, p.line, p.message, p.severity) for p in found),
    )
    return extraction, layout.includes
