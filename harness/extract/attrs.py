"""Parsing `key="value"` attribute lists: shortcodes, MDX tags, fence info strings, annotations."""

from __future__ import annotations

import re

_ATTR = re.compile(
    r"""
    (?P<key>[A-Za-z_][\w.:-]*)\s*=\s*
        (?: "(?P<dq>[^"]*)" | '(?P<sq>[^']*)' | \{(?P<expr>(?:[^{}]|\{[^{}]*\})*)\} | (?P<bare>[^\s"'{}]+) )
    | \{(?:[^{}]|\{[^{}]*\})*\}          # `{5-6}` line highlights, `{...}` spreads: ignored
    | "[^"]*" | '[^']*'                 # positional values: ignored
    | (?P<flag>[A-Za-z_][\w.:-]*)
    """,
    re.VERBOSE,
)


def parse_attrs(text: str) -> dict[str, str]:
    """Attributes in `text`: `k="v"`, `k='v'`, `k=v`, `k={expr}` and bare flags (value `"true"`).

    An MDX expression value keeps its inner text; a string expression `{"x"}` gives `x`.
    Line highlights such as `{1,5-6}` and positional values are ignored.
    """
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(text):
        if match["key"]:
            value = next(v for v in (match["dq"], match["sq"], match["expr"], match["bare"]) if v is not None)
            if match["expr"] is not None:
                value = _unquote(value.strip())
            attrs[match["key"]] = value
        elif match["flag"]:
            attrs[match["flag"]] = "true"
    return attrs


def _unquote(expr: str) -> str:
    if len(expr) >= 2 and expr[0] == expr[-1] and expr[0] in "\"'`":
        return expr[1:-1]
    return expr
