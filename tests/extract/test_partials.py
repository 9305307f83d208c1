"""Partials: Hugo `render` and MDX `<Render>` followed into the content tree's partials folders."""

from __future__ import annotations

from pathlib import Path

from harness.extract import extract_page, find_pages
from harness.extract.document import Document
from harness.extract.hugo import parse_hugo
from harness.extract.mdx import parse_mdx
from harness.extract.partials import hugo_partial, mdx_partial
from harness.extract.placeholders import TEST_ACCOUNT_ID
from harness.extract.regions import Include
from harness.model import Severity

from .support import CORPUS, PAGES, line_of

SITES = PAGES / "sites"
HUGO_PAGE = SITES / "hugo" / "content" / "workers-ai" / "get-started.md"
MDX_PAGE = SITES / "mdx" / "src" / "content" / "docs" / "workers-ai" / "guide.mdx"
SHOWN = "fixtures/pages/sites/hugo/content/workers-ai/get-started.md"


def test_render_shortcodes_and_components_are_includes() -> None:
    hugo = parse_hugo(Document('{{<render file="_x.md" productFolder="/workers/">}}\n{{< render "_y.md" >}}\n'))
    assert [(i.line, i.file, i.attrs.get("productFolder")) for i in hugo.includes] == [
        (1, "_x.md", "/workers/"),
        (2, "_y.md", None),
    ]
    mdx = parse_mdx(Document('<Render file="prereqs" product="workers" />\n\n<Render\n  file="c3"\n/>\n'))
    found = [(i.line, i.file, i.attrs.get("product")) for i in mdx.includes]
    assert found == [(1, "prereqs", "workers"), (3, "c3", None)]


def test_where_partials_are_looked_for() -> None:
    content = (SITES / "hugo" / "content").resolve()
    assert hugo_partial(HUGO_PAGE, Include(1, "_a.md")).candidates == (content / "workers-ai" / "_partials" / "_a.md",)
    lookup = hugo_partial(HUGO_PAGE, Include(1, "gateway/_b.md", {"productFolder": "/cloudflare-one/"}))
    assert lookup.candidates == (content / "cloudflare-one" / "_partials" / "gateway" / "_b.md",)
    partials = (SITES / "mdx" / "src" / "content" / "partials").resolve()
    assert mdx_partial(MDX_PAGE, Include(1, "setup")).candidates == (
        partials / "workers-ai" / "setup.mdx",
        partials / "workers-ai" / "setup.md",
    )
    assert hugo_partial(Path("/tmp/loose/page.md"), Include(1, "_a.md")).candidates == ()


def test_hugo_partials_are_extracted_as_the_page_shows_them() -> None:
    extraction = extract_page(HUGO_PAGE, SHOWN)
    render_line = line_of(HUGO_PAGE, "_run-model.md")
    by_id = {s.id.removeprefix(SHOWN + "::"): s for s in extraction.snippets}
    assert list(by_id) == [
        "_token.md:g1::1",
        "_run-model.md:g1::curl",
        "_run-model.md:g1::python",
        "_run-model.md:_binding-note.md:g1::1",
        "g1::1",
    ]
    curl = by_id["_run-model.md:g1::curl"]
    assert (curl.page, curl.line, curl.label, curl.group) == (SHOWN, render_line, "curl", "_run-model.md:g1")
    assert curl.options["partial"] == "fixtures/pages/sites/hugo/content/workers/_partials/_run-model.md:13"
    assert "/ai/run/@cf/meta/llama-3.1-8b-instruct" in curl.code and '"prompt": "Tell me a joke"' in curl.code
    assert curl.options["env.CLOUDFLARE_ACCOUNT_ID"] == TEST_ACCOUNT_ID and curl.skip_reason is None
    token = by_id["_token.md:g1::1"]
    assert token.line == line_of(HUGO_PAGE, "_token.md") and "harness-test-token" in token.code
    note = by_id["_run-model.md:_binding-note.md:g1::1"]
    # it uses only the handler's `env`: it runs as the body of a fetch handler (harness/extract/worker_sessions.py)
    assert (note.skip_reason, note.options["ran_as"]) == (None, "as the body of a fetch handler")
    assert note.source.strip() in note.code and note.code.startswith("export default {")


def test_a_missing_partial_is_a_broken_reference_when_its_folder_exists() -> None:
    extraction = extract_page(HUGO_PAGE, SHOWN)
    [warning] = extraction.diagnostics
    assert (warning.line, warning.severity) == (line_of(HUGO_PAGE, "_pricing.md"), Severity.WARNING)
    assert warning.message == (
        "partial `_pricing.md` not found at fixtures/pages/sites/hugo/content/workers-ai/_partials/_pricing.md: "
        "a broken reference"
    )


def test_mdx_partials_and_a_partials_folder_outside_the_tree() -> None:
    shown = "guide.mdx"
    extraction = extract_page(MDX_PAGE, shown)
    assert [(s.id, s.label, s.language) for s in extraction.snippets] == [
        ("guide.mdx::setup.mdx:g1::npm", "npm", "sh"),
        ("guide.mdx::setup.mdx:g1::curl", "curl", "sh"),
        ("guide.mdx::g1::1", None, "ts"),
    ]
    curl = extraction.snippets[1]
    assert f"/accounts/{TEST_ACCOUNT_ID}/" in curl.code and curl.skip_reason is None
    [note] = extraction.diagnostics
    assert (note.severity, note.message) == (
        Severity.INFO,
        "../../partials/workers is not in the tree given: partials not extracted: `limits`",
    )


def test_a_partial_that_renders_itself_stops(tmp_path: Path) -> None:
    partials = tmp_path / "content" / "docs" / "_partials"
    partials.mkdir(parents=True)
    (partials / "_loop.md").write_text('```sh\necho loop\n```\n\n{{<render file="_loop.md">}}\n')
    page = tmp_path / "content" / "docs" / "page.md"
    page.write_text('{{<render file="_loop.md">}}\n')
    extraction = extract_page(page, "page.md")
    assert len(extraction.snippets) == 1
    assert [d.message for d in extraction.diagnostics] == ["render of `_loop.md` loops back to itself"]


def test_site_folders_other_than_content_are_not_walked() -> None:
    pages, _ = find_pages([str(SITES)])
    assert [display for _, display in pages] == [
        f"{SITES}/hugo/content/workers-ai/get-started.md",
        f"{SITES}/mdx/src/content/docs/workers-ai/guide.mdx",
    ]


def test_the_corpus_partial_is_found_through_its_product_folder(tmp_path: Path) -> None:
    """`cloudflare-one/_partials/gateway/_lists.md`, the corpus's Hugo partial, rendered from another section."""
    corpus_section = CORPUS / "cloudflare-docs-hugo-2024-07" / "content" / "cloudflare-one"
    assert (corpus_section / "_partials" / "gateway" / "_lists.md").is_file(), f"shared corpus missing at {CORPUS}"
    content = tmp_path / "content"
    (content / "learning-paths").mkdir(parents=True)
    (content / "cloudflare-one").symlink_to(corpus_section)
    page = content / "learning-paths" / "lists.md"
    page.write_text('# Lists\n\n{{<render file="gateway/_lists.md" productFolder="cloudflare-one">}}\n')
    extraction = extract_page(page, "lists.md")
    [api] = extraction.snippets
    assert (api.id, api.label, api.language, api.line) == ("lists.md::_lists.md:g1::api", "api", "sh", 3)
    assert api.options["partial"] == "../cloudflare-one/_partials/gateway/_lists.md:42"
    assert f"/accounts/{TEST_ACCOUNT_ID}/gateway/lists" in api.code
    assert "X-Auth-Email: docs-harness@example.com" in api.code and "<API_KEY>" not in api.code
    assert api.skip_reason is None and extraction.diagnostics == ()
