"""`harness:` annotations in HTML and MDX comments."""

from __future__ import annotations

from .support import Extract, authored, hugo, mdx


def test_annotations_fixture(fixture_page: Extract) -> None:
    extraction = fixture_page("workers-ai/annotations.md")
    assert extraction.diagnostics == ()
    batch, python, curl, models = extraction.snippets
    assert batch.skip_reason == "skipped by annotation: the mock has no async queue yet"
    assert batch.options == {"skip": "the mock has no async queue yet", "kind": "worker"}
    assert python.options == {"timeout": "60", "kind": "script"} and curl.options == {"timeout": "60", "kind": "shell"}
    assert python.skip_reason is None and curl.skip_reason is None
    assert models.options == {"xfail": "the mock serves only ai/run", "timeout": "30", "kind": "shell"}
    assert models.skip_reason is None


def test_annotation_must_be_right_before_its_target() -> None:
    text = "<!-- harness: xfail -->\n\nSome prose.\n\n```js\nx\n```\n"
    [snippet] = hugo(text).snippets
    assert authored(snippet.options) == {}


def test_stacked_annotations_and_tab_level_annotations() -> None:
    text = (
        '<!-- harness: timeout=10 -->\n<!-- harness: xfail -->\n{{<tabs labels="a | b">}}\n'
        '<!-- harness: skip -->\n{{<tab label="a">}}\n```js\nx\n```\n{{</tab>}}\n'
        '{{<tab label="b">}}\n```js\ny\n```\n{{</tab>}}\n{{</tabs>}}\n'
    )
    a, b = hugo(text).snippets
    assert authored(a.options) == {"timeout": "10", "xfail": "true", "skip": "true"}
    assert a.skip_reason == "skipped by annotation"
    assert authored(b.options) == {"timeout": "10", "xfail": "true"}


def test_annotation_text_inside_code_is_code() -> None:
    text = "```html\n<!-- harness: skip -->\n```\n```js\nx\n```\n"
    snippets = hugo(text).snippets
    assert [authored(s.options) for s in snippets] == [{}, {}]


def test_mdx_annotation_before_typescript_example() -> None:
    text = '{/* harness: skip reason="needs a Vectorize index" */}\n'
    text += "<TypeScriptExample>\n\n```ts\nx\n```\n\n</TypeScriptExample>\n"
    [snippet] = mdx(text).snippets
    assert snippet.skip_reason == "skipped by annotation: needs a Vectorize index"
    assert snippet.options["typescript_example"] == "true"


def test_annotation_options_override_info_options() -> None:
    text = "<!-- harness: timeout=5 -->\n```js timeout=1\nx\n```\n"
    [snippet] = hugo(text).snippets
    assert authored(snippet.options) == {"timeout": "5"}


def test_bad_timeout_is_dropped_with_a_warning() -> None:
    extraction = hugo("<!-- harness: timeout=soon -->\n```js\nx\n```\n\n```py timeout=-1\nx\n```\n")
    assert [authored(s.options) for s in extraction.snippets] == [{}, {}]
    assert [(d.line, d.message) for d in extraction.diagnostics] == [
        (2, "timeout must be a positive number of seconds, not 'soon'; ignored"),
        (6, "timeout must be a positive number of seconds, not '-1'; ignored"),
    ]


def test_xfail_given_its_reason_directly() -> None:
    [snippet] = hugo('<!-- harness: xfail="streaming not mocked" -->\n```js\nx\n```\n').snippets
    assert authored(snippet.options) == {"xfail": "streaming not mocked"}
