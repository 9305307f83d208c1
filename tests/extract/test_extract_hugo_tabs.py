"""Hugo tabs: shortcode forms, labels, group ids, several fences per tab, comments."""

from __future__ import annotations

from harness.model import Severity

from .support import PAGES, Extract, line_of
from .support import hugo as extract


def test_tab_variants_fixture(fixture_page: Extract) -> None:
    page = "workers-ai/tabs-variants.md"
    extraction = fixture_page(page)
    assert extraction.diagnostics == ()
    assert [(s.id.split("::", 1)[1], s.language, s.skip_reason) for s in extraction.snippets] == [
        ("g1::worker", "toml", "not runnable: toml"),
        ("g1::worker#2", "ts", None),
        ("g1::node/fetch", "js", None),
        ("g1::python", "py", None),
        ("g1::curl", "sh", None),
        ("g2::1", "json", "not runnable: json"),
    ]
    assert extraction.snippets[2].line == line_of(PAGES / page, "````js") + 1
    assert extraction.page.model_id == "@cf/baai/bge-base-en-v1.5"
    assert extraction.page.documented_params == ("text",)


def test_fences_outside_tabs_are_groups_of_their_own() -> None:
    text = (
        "```sh\nnpm i\n```\n\n"
        '{{<tabs labels="js | py">}}\n{{<tab label="js">}}\n```js\na\n```\n{{</tab>}}\n'
        '{{<tab label="py">}}\n```py\nb\n```\n{{</tab>}}\n{{</tabs>}}\n\n'
        "```json\n{}\n```\n"
    )
    snippets = extract(text).snippets
    assert [(s.group, s.label, s.id) for s in snippets] == [
        ("g1", None, "page.md::g1::1"),
        ("g2", "js", "page.md::g2::js"),
        ("g2", "py", "page.md::g2::py"),
        ("g3", None, "page.md::g3::1"),
    ]


def test_tab_groups_without_code_take_no_group_id() -> None:
    text = (
        '{{<tabs labels="Dashboard | API">}}\n{{<tab label="dashboard" no-code="true">}}\n'
        "1. Log in.\n{{</tab>}}\n{{</tabs>}}\n\n```sh\nls\n```\n"
    )
    [snippet] = extract(text).snippets
    assert snippet.group == "g1"


def test_labels_from_the_tabs_list_when_a_tab_has_none() -> None:
    text = '{{< tabs labels="npm | yarn" >}}\n{{% tab %}}\n```sh\nnpm i\n```\n{{% /tab %}}\n{{< tab >}}\n'
    text += "```sh\nyarn add\n```\n{{< /tab >}}\n{{< /tabs >}}\n"
    assert [s.label for s in extract(text).snippets] == ["npm", "yarn"]


def test_shortcodes_in_hugo_comments_are_ignored() -> None:
    text = '{{/* {{<tabs labels="a">}} {{<tab label="a">}} */}}\n\n```js\nx\n```\n{{</* tab */>}}\n'
    extraction = extract(text)
    assert extraction.diagnostics == ()
    assert extraction.snippets[0].label is None


def test_unclosed_tabs_is_reported_where_it_opened() -> None:
    text = 'Intro\n\n{{<tabs labels="js">}}\n{{<tab label="js">}}\n```js\nx\n```\n{{</tab>}}\n'
    extraction = extract(text)
    assert [(d.line, d.message) for d in extraction.diagnostics] == [(3, "unclosed {{<tabs>}} opened at line 3")]
    assert extraction.snippets[0].label == "js"


def test_fence_between_tabs_is_its_own_group_with_a_warning() -> None:
    text = '{{<tabs labels="a">}}\n```js\nx\n```\n{{<tab label="a">}}\n```js\ny\n```\n{{</tab>}}\n{{</tabs>}}\n'
    extraction = extract(text)
    assert [(s.group, s.label) for s in extraction.snippets] == [("g1", None), ("g2", "a")]
    [warning] = extraction.diagnostics
    assert (warning.line, warning.severity) == (2, Severity.WARNING)


def test_tab_outside_tabs_is_an_error_but_still_a_group() -> None:
    extraction = extract('{{<tab label="js">}}\n```js\nx\n```\n{{</tab>}}\n')
    assert [(d.line, d.message) for d in extraction.diagnostics] == [
        (1, "{{<tab>}} outside any {{<tabs>}}"),
        (1, "unclosed {{<tabs>}} opened at line 1"),
    ]
    assert extraction.snippets[0].label == "js"


def test_duplicate_labels_stay_unique() -> None:
    text = '{{<tabs labels="js | js">}}\n{{<tab label="js">}}\n```js\na\n```\n{{</tab>}}\n'
    text += '{{<tab label="js">}}\n```js\nb\n```\n{{</tab>}}\n{{</tabs>}}\n'
    assert [s.id for s in extract(text).snippets] == ["page.md::g1::js", "page.md::g1::js#2"]


def test_render_shortcode_of_page_text_is_not_followed() -> None:
    extraction = extract('{{<render file="_lists.md">}}\n')
    assert (extraction.snippets, extraction.diagnostics) == ((), ())
