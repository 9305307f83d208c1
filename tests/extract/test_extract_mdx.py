"""MDX pages: JSX tabs, wrappers, generated code, comments, indented fences."""

from __future__ import annotations

from harness.extract import TEST_ACCOUNT_ID
from harness.extract.mdx import outdent_fences
from harness.model import Severity

from .support import PAGES, Extract, line_of
from .support import mdx as extract


def test_bindings_fixture(fixture_page: Extract) -> None:
    page = "workers-ai/bindings.mdx"
    extraction = fixture_page(page)
    assert [(s.id.split("::", 1)[1], s.language, s.skip_reason) for s in extraction.snippets] == [
        ("g1::1", "jsonc", "not runnable: jsonc"),
        ("g2::1", "ts", None),
        ("g3::curl", "sh", None),
        ("g3::Python", "py", None),
        ("g3::Node.js", "js", None),
        ("g4::1", "json", "not runnable: json"),
        ("g5::curl", "sh", None),
    ]
    rendered = extraction.snippets[6]
    assert (rendered.line, rendered.options["rendered"]) == (line_of(PAGES / page, "<APIRequest"), "APIRequest")
    assert rendered.code.startswith("curl https://api.cloudflare.com/client/v4/accounts/$ACCOUNT_ID/ai/run/")
    worker = extraction.snippets[1]
    assert worker.options == {"typescript_example": "true", "filename": "src/index.ts", "kind": "worker"}
    python = extraction.snippets[3]
    assert python.line == line_of(PAGES / page, "```py") + 1
    assert python.code.startswith("import requests\n\nresponse = requests.post(\n    ")
    assert TEST_ACCOUNT_ID in python.code
    assert [s.options.get("timeout") for s in extraction.snippets[2:5]] == ["45", "45", "45"]
    assert [(d.line, d.severity, d.message) for d in extraction.diagnostics] == [
        (line_of(PAGES / page, "<PackageManagers"), Severity.INFO, "generated code not extracted: <PackageManagers>"),
        (line_of(PAGES / page, "<WranglerConfig>"), Severity.INFO, "generated code not extracted: <WranglerConfig>"),
    ]


def test_unclosed_tab_item(fixture_page: Extract) -> None:
    page = "malformed/unclosed-tabitem.mdx"
    extraction = fixture_page(page)
    opened = line_of(PAGES / page, '<TabItem label="Worker">')
    assert [(d.line, d.message) for d in extraction.diagnostics] == [
        (opened, f"unclosed <TabItem> opened at line {opened}")
    ]
    assert [(s.label, s.skip_reason) for s in extraction.snippets] == [("Worker", None), ("curl", None)]


def test_tags_in_code_comments_and_inline_code_are_not_tags() -> None:
    text = (
        'Use `<Tabs>` like this:\n\n```mdx\n<Tabs>\n<TabItem label="x">\n```\n\n'
        '{/* <Tabs> <TabItem label="y"> */}\n\n```js\nx\n```\n'
    )
    extraction = extract(text)
    assert extraction.diagnostics == ()
    assert [(s.group, s.label) for s in extraction.snippets] == [("g1", None), ("g2", None)]


def test_tag_directly_before_a_fence_does_not_swallow_it() -> None:
    text = '<Tabs>\n<TabItem label="js">\n```js\nx\n```\n</TabItem>\n</Tabs>\n'
    [snippet] = extract(text).snippets
    assert (snippet.label, snippet.line) == ("js", 4)


def test_multi_line_tags_with_expressions() -> None:
    text = '<Tabs\n\tsyncKey="x"\n>\n<TabItem\n\tlabel={"curl"}\n\ticon="seti:shell"\n>\n\n'
    text += "```sh\nls\n```\n</TabItem>\n</Tabs>\n"
    extraction = extract(text)
    assert extraction.diagnostics == ()
    assert extraction.snippets[0].label == "curl"


def test_self_closing_and_unknown_components_are_ignored() -> None:
    text = '<Render file="prereqs" product="workers" />\n<Details header="More">\n\n```py\nx\n```\n\n</Details>\n'
    extraction = extract(text)
    assert extraction.diagnostics == ()
    assert extraction.snippets[0].group == "g1"


def test_stray_closing_tags() -> None:
    extraction = extract("```js\nx\n```\n</TabItem>\n</Tabs>\n</TypeScriptExample>\n")
    assert [(d.line, d.message) for d in extraction.diagnostics] == [
        (4, "</TabItem> without an open <TabItem>"),
        (5, "</Tabs> without an open <Tabs>"),
        (6, "</TypeScriptExample> without an open <TypeScriptExample>"),
    ]


def test_unclosed_wrapper() -> None:
    extraction = extract("<TypeScriptExample>\n\n```ts\nx\n```\n")
    assert [(d.line, d.message) for d in extraction.diagnostics] == [
        (1, "unclosed <TypeScriptExample> opened at line 1")
    ]
    assert extraction.snippets[0].options == {"typescript_example": "true", "kind": "fragment"}


def test_outdent_fences_keeps_lines() -> None:
    text = "<TabItem>\n\t```py\n\tif x:\n\t    y()\n\t```\n\tprose\n  ```js\n  a\n  ```"
    assert outdent_fences(text) == "<TabItem>\n```py\nif x:\n    y()\n```\n\tprose\n  ```js\n  a\n  ```"


def test_indented_code_blocks_do_not_exist_in_mdx() -> None:
    assert extract("Text\n\n    const x = 1;\n").snippets == ()
