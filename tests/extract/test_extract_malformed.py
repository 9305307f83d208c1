"""Malformed pages give diagnostics at the right line, and the rest of the page still extracts."""

from __future__ import annotations

from harness.model import Diagnostic, Extraction, Severity

from .support import PAGES, Extract, line_of


def _errors(extraction: Extraction) -> list[Diagnostic]:
    return [d for d in extraction.diagnostics if d.severity is Severity.ERROR]


def test_unclosed_tab(fixture_page: Extract) -> None:
    page = "malformed/unclosed-tab.md"
    extraction = fixture_page(page)
    opened = line_of(PAGES / page, '{{<tab label="worker">}}')
    assert [str(d) for d in _errors(extraction)] == [
        f"fixtures/pages/{page}:{opened}: unclosed {{{{<tab>}}}} opened at line {opened}"
    ]
    assert [(s.label, s.language, s.skip_reason) for s in extraction.snippets] == [
        ("worker", "ts", None),
        ("curl", "sh", None),
    ]


def test_unclosed_fence_ends_at_the_tab_and_the_rest_extracts(fixture_page: Extract) -> None:
    page = "malformed/unclosed-fence.md"
    extraction = fixture_page(page)
    python_fence = line_of(PAGES / page, "```py")
    json_fence = line_of(PAGES / page, "```json")
    assert [(d.line, d.message) for d in _errors(extraction)] == [
        (python_fence, f"unclosed code fence opened at line {python_fence}"),
        (json_fence, f"unclosed code fence opened at line {json_fence}"),
    ]
    by_label = {s.label: s for s in extraction.snippets}
    assert by_label["python"].skip_reason == "unclosed fence"
    assert "{{</tab>}}" not in by_label["python"].source
    assert by_label["worker"].skip_reason is None
    assert by_label["curl"].skip_reason is None and by_label["curl"].code.startswith("curl ")
    assert extraction.snippets[-1].language == "json"
    assert extraction.snippets[-1].skip_reason == "unclosed fence"


def test_broken_front_matter(fixture_page: Extract) -> None:
    page = "malformed/broken-front-matter.md"
    extraction = fixture_page(page)
    bad = line_of(PAGES / page, "description:")
    [error] = _errors(extraction)
    assert (error.page, error.line) == (f"fixtures/pages/{page}", bad)
    assert error.message.startswith("broken front matter: mapping values are not allowed")
    assert extraction.page.front_matter == {}
    assert extraction.page.model_id is None
    [snippet] = extraction.snippets
    assert (snippet.language, snippet.line, snippet.skip_reason) == ("ts", line_of(PAGES / page, "```ts") + 1, None)


def test_unknown_language(fixture_page: Extract) -> None:
    page = "malformed/unknown-language.md"
    extraction = fixture_page(page)
    typo = line_of(PAGES / page, "```pyhton")
    bare = line_of(PAGES / page, "```", nth=5)
    assert [(d.line, d.severity, d.message) for d in extraction.diagnostics] == [
        (typo, Severity.WARNING, "code fence has unknown language 'pyhton', not run"),
        (bare, Severity.WARNING, "code fence has no language, not run"),
    ]
    assert str(extraction.diagnostics[0]).startswith(f"fixtures/pages/{page}:{typo}: ")
    python, curl, response = extraction.snippets
    assert python.skip_reason == "not runnable: unknown language 'pyhton'"
    assert python.language == "pyhton" and python.label == "python"
    assert curl.skip_reason is None
    assert response.skip_reason == "not runnable: no language" and response.language == ""


def test_empty_block(fixture_page: Extract) -> None:
    page = "malformed/empty-block.md"
    extraction = fixture_page(page)
    fence = line_of(PAGES / page, "```ts")
    assert [(d.line, d.severity, d.message) for d in extraction.diagnostics] == [
        (fence, Severity.WARNING, "empty code block")
    ]
    worker, curl = extraction.snippets
    assert (worker.skip_reason, worker.code, worker.line) == ("empty block", "", fence + 1)
    assert curl.skip_reason is None


def test_stray_closing_tags(fixture_page: Extract) -> None:
    page = "malformed/stray-close-tab.md"
    extraction = fixture_page(page)
    assert [(d.line, d.message) for d in _errors(extraction)] == [
        (line_of(PAGES / page, "{{</tab>}}"), "{{</tab>}} without an open {{<tab>}}"),
        (line_of(PAGES / page, "{{</tabs>}}"), "{{</tabs>}} without an open {{<tabs>}}"),
    ]
    [snippet] = extraction.snippets
    assert snippet.skip_reason is None and snippet.id == f"fixtures/pages/{page}::g1::1"
