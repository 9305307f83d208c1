"""Cross-tab parity, page consistency and output rules on crafted evidence."""

from __future__ import annotations

from dataclasses import replace

from harness.check.registry import check_groups, check_page, check_snippet
from harness.model import Page, Severity

from .conftest import make_evidence, make_request, make_snippet

MISTRAL = "@cf/mistral/mistral-7b-instruct-v0.1"


def tab(label: str, body: dict, model: str = MISTRAL, via: str = "rest"):  # type: ignore[no-untyped-def, type-arg]
    snippet = replace(make_snippet(f"run('{model}', body)\n", label=label), id=f"p.md::g1::{label}")
    return make_evidence(snippet, make_request(body, model=model, via=via))


def test_tabs_that_agree_have_no_parity_finding() -> None:
    messages = {"messages": [{"role": "user", "content": "a"}]}
    evidences = [tab("python", messages), tab("curl", {"messages": [{"role": "user", "content": "other"}]}),
                 tab("streaming", {**messages, "stream": True}, via="binding")]
    assert check_groups(evidences) == []


def test_the_odd_tab_out_is_named_with_a_diff() -> None:
    messages = {"messages": [{"role": "user", "content": "a"}]}
    evidences = [tab("python", messages), tab("node", messages), tab("curl", {"prompt": "a"}, "@cf/meta/llama")]
    [found] = check_groups(evidences)
    assert found.rule == "PAR001" and found.snippet_id == "p.md::g1::curl"
    assert found.severity is Severity.WARNING
    assert "2 of 3 agree" in found.message
    assert 'model: expected "@cf/mistral/mistral-7b-instruct-v0.1", got "@cf/meta/llama"' in found.message
    assert "input: expected" in found.message


def test_params_never_sent_are_reported_on_the_page(page: Page) -> None:
    [found] = check_page(page, [tab("python", {"messages": []})])
    assert found.rule == "PAGE001" and found.snippet_id is None
    assert found.details["key"] == "prompt" and found.line == 6  # `- name: prompt`, not the optional `raw`


def test_params_sent_by_some_tab_are_fine(page: Page) -> None:
    assert check_page(page, [tab("python", {"messages": []}), tab("curl", {"prompt": "x"})]) == []


def test_max_tokens_above_the_documented_limit() -> None:
    front = {"model": {"id": MISTRAL, "limits": [
        {"name": "Default max (sequence) tokens (stream)", "value": 596},
        {"name": "Default max (sequence) tokens", "value": 256}]}}
    page = Page("p.md", front, "")
    found = check_snippet(page, tab("python", {"prompt": "x", "max_tokens": 300}))
    assert [(f.rule, f.details["expected"]) for f in found] == [("PAGE002", 256)]
    assert check_snippet(page, tab("python", {"prompt": "x", "max_tokens": 300, "stream": True})) == []


def test_streaming_tab_that_does_not_stream(page: Page) -> None:
    found = check_snippet(page, tab("streaming", {"prompt": "x"}))
    assert [f.rule for f in found] == ["PAGE003"]


def test_script_that_prints_nothing(page: Page) -> None:
    found = check_snippet(page, make_evidence(None, make_request({"prompt": "x"}), stdout=""))
    assert [f.rule for f in found] == ["RESP002"]


def test_expected_json_output_is_compared_by_keys(page: Page) -> None:
    snippet = replace(make_snippet(), expected_output='{"result": {"response": "Sure!"}, "success": true}')
    printed = '{"result": {"response": "No"}, "success": true}'
    good = make_evidence(snippet, make_request({"prompt": "x"}), stdout=printed)
    assert check_snippet(page, good) == []
    bad = make_evidence(snippet, make_request({"prompt": "x"}), stdout='{"result": {}, "success": true}')
    [found] = check_snippet(page, bad)
    assert found.rule == "RESP003" and "result.response" in found.message


def test_expected_sse_output_wants_events(page: Page) -> None:
    snippet = replace(make_snippet(), expected_output='data: {"response": "a"}\n\ndata: [DONE]')
    [found] = check_snippet(page, make_evidence(snippet, make_request({"prompt": "x"}), stdout="plain words"))
    assert found.rule == "RESP003" and "shows sse output" in found.message
