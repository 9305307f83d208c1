"""The JavaScript scanner: strings, templates, regex literals and comments, with exact offsets and
bracket depths (the classifier's questions all rest on them)."""

from __future__ import annotations

from harness.extract.jsscan import string_spans, tokenize


def kinds(code: str) -> list[tuple[str, str, int, int]]:
    return [(t.kind, t.text, t.start, t.depth) for t in tokenize(code)]


def test_a_slash_after_a_value_divides_and_after_an_operator_starts_a_regex() -> None:
    assert kinds("a / b") == [("ident", "a", 0, 0), ("punct", "/", 2, 0), ("ident", "b", 4, 0)]
    assert kinds("x = /[/]+/g;") == [("ident", "x", 0, 0), ("punct", "=", 2, 0), ("regex", "/[/]+/g", 4, 0),
                                     ("punct", ";", 11, 0)]


def test_a_regex_ending_in_a_lone_backslash_starts_where_its_slash_is() -> None:
    assert kinds("(/a\\")[-1] == ("regex", "/a\\", 1, 1)


def test_templates_nest_and_their_expressions_are_code() -> None:
    tokens = tokenize("`a${ f(`b${c}`) }d`")
    assert [(t.text, t.depth, t.template) for t in tokens if t.kind == "string"] == [
        ("a", 0, True), ("b", 2, True), ("", 2, True), ("d", 0, True)]
    assert [t.text for t in tokens if t.kind == "ident"] == ["f", "c"]


def test_comments_and_unterminated_text_make_no_tokens_past_the_end() -> None:
    assert kinds("a // b\n/* c */ d /* e") == [("ident", "a", 0, 0), ("ident", "d", 15, 0)]
    assert kinds("'abc\ndef'") == [("string", "'abc\n", 0, 0), ("ident", "def", 5, 0), ("string", "'", 8, 0)]


def test_string_spans_leave_out_quotes_and_are_never_inverted() -> None:
    assert string_spans("f('{X}', `t${y}u`)") == [(3, 6), (10, 11), (15, 16)]
    assert string_spans("x = '") == [(5, 5)]


def test_remembered_spans_are_handed_out_as_fresh_lists() -> None:
    code = "f('{A}', \"b\")"
    first = string_spans(code)
    first.append((0, 0))
    assert string_spans(code) == [(3, 6), (10, 11)]
    assert string_spans(code) is not string_spans(code)
