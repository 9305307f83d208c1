"""Python string spans: the regex scan of code that compiles finds exactly what the standard
library's tokenizer finds, and code that does not compile still goes through the tokenizer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.extract.pystrings import _spans_by_tokenize, plain_string_spans

PIECES = [
    "x", "in", "1", "1if", "else", " ", "\n", "\t", "(", ")", "[", "]", ",", "+", "=", ":", ".", "\\\n",
    "# '{A}' \"b\"", "'a'", '"b"', "'''c\n'd'\n'''", '"""e"""', "rb'f'", "Rb'g'", "br\"h\"", "u'i'",
    "f'{j}'", "F\"{k['l']}\"", "fr'{m}'", "'\\''", '"\\\n"', "'{ACCOUNT_ID}'", "'é'", "xb", "b", "r",
]
"""Bits of Python that joined at random sometimes compile and sometimes do not."""


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_the_scan_agrees_with_the_tokenizer(pieces: list[str]) -> None:
    code = "".join(pieces)
    assert plain_string_spans(code) == _spans_by_tokenize(code)


def test_known_cases_agree_with_the_tokenizer() -> None:
    cases = [
        'x = rb"a" + Rb"b" + f"{1}" + u"c" + "\\\n d"',
        "if x in'abc': pass",
        "s = '''a\n'b'\n''' # 'c'\n",
        "f\"{x['k']}\"",
        'a = ("x"  # {Y}\n "z")',
        "x = 'é' + \"{ACCOUNT_ID}\"",
        "x = 1\x0c\ny = 'a'",
        "x = '",
        "(\n'a'",
        "if x in b'a': pass",
        "x = [b'a',rb'b', f'c']  # 'd'",
    ]
    for code in cases:
        assert plain_string_spans(code) == _spans_by_tokenize(code), code


def test_f_strings_are_left_out() -> None:
    assert plain_string_spans("a = 'x' + f'{y}' + b'z'") == [(4, 7), (19, 23)]


def test_remembered_spans_are_handed_out_as_fresh_lists() -> None:
    code = "a = 'x' + f'{y}'"
    first = plain_string_spans(code)
    first.clear()
    assert plain_string_spans(code) == [(4, 7)] == _spans_by_tokenize(code)
