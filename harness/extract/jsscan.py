"""A small JavaScript/TypeScript scanner: enough tokens to tell strings from code and see scopes.

No parser: the classifier asks coarse questions (which names does the code use without defining
them, what does it import, does it `return` at the top level, is it TypeScript) and every answer
errs on the side of "runnable". Tokens carry their bracket depth so callers see nesting.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property, lru_cache
from typing import NamedTuple

from harness.extract.repeats import REPEATS

_WORDS_BEFORE_REGEX = "return typeof case do else in of new delete void throw yield await instanceof"
_REGEX_AFTER_WORDS = frozenset(_WORDS_BEFORE_REGEX.split())
_PUNCT_BEFORE_REGEX = "( , = : [ ! & | ? { } ; + - * % < > ~ ^ => && || ?? == === != !=="
_REGEX_AFTER_PUNCT = frozenset(_PUNCT_BEFORE_REGEX.split())
_OPENERS = frozenset("([{")
_CLOSERS = frozenset(")]}")

_QUOTED = r"""'(?:[^'\\\n]|\\[\s\S])*(?:\\\Z|['\n])?|"(?:[^"\\\n]|\\[\s\S])*(?:\\\Z|["\n])?"""
"""A quoted string: up to its closing quote or the end of its line (included), or the end of the code."""
_NEXT = re.compile(
    r"(?:\s+|//[^\n]*|/\*[\s\S]*?(?:\*/|\Z))*+"  # whitespace and comments make no tokens
    r"(?:(?P<ident>[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*)"
    r"|(?P<number>\d[\w.]*|\.\d[\w]*)"
    rf"|(?P<string>{_QUOTED})"
    r"|(?P<special>[`}/])"  # a template, the end of a template's `${...}`, a regex: or punctuators
    r"|(?P<punct>=>|\?\.|\.\.\.|[=!]==?|&&|\|\||\?\?|[-+*/%<>&|^!~?:;,.=()[\]{}@#]|[\s\S])|\Z)"
)
"""The next token: an identifier, a number, a quoted string, a punctuator (any other single
character counts as one), or a character whose meaning depends on what came before."""
_TEMPLATE_TEXT = re.compile(r"(?:[^`\\$]|\\[\s\S]|\$(?!\{))*")
"""Template literal text up to the closing backtick, the next `${` or the end of the code."""
_REGEX = re.compile(r"/(?:[^\\\n\[/]|\\[\s\S]|\[(?:[^\\\n\]]|\\[\s\S])*\]?)*(?:\\\Z|/\w*)?")
"""A regex literal: up to its closing `/` (not inside `[...]`) and flags, or the end of its line."""


class Token(NamedTuple):
    """One token: `ident`, `punct`, `string` (a quoted string or a template literal's text),
    `regex` or `number`. Comments are dropped. `depth` is how many `(`, `[`, `{` (and template
    `${`) enclose the token; `template` marks the text of a template literal (where `${...}` is code)."""

    kind: str
    text: str
    start: int
    depth: int
    template: bool = False

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class TokenList(list[Token]):
    """The tokens of one snippet, with what the readers look up again and again found once:
    where each text occurs, where the bracket at a token closes, which `(` open parameter lists."""

    def where(self, text: str) -> list[int]:
        """The indices of the tokens whose text is `text`, in order."""
        return self._positions.get(text, [])

    @cached_property
    def _positions(self) -> dict[str, list[int]]:
        positions: dict[str, list[int]] = {}
        for i, token in enumerate(self):
            positions.setdefault(token.text, []).append(i)
        return positions

    @cached_property
    def idents(self) -> list[int]:
        """The indices of the identifiers, in order."""
        return [i for i, token in enumerate(self) if token.kind == "ident"]

    @cached_property
    def _closers(self) -> dict[int, list[int]]:
        """The indices of the `)`, `]` and `}` at each depth, in order."""
        by_depth: dict[int, list[int]] = {}
        for j in sorted(j for text in _CLOSERS for j in self.where(text)):
            by_depth.setdefault(self[j].depth, []).append(j)
        return by_depth

    def close_after(self, i: int) -> int:
        """The first `)`, `]` or `}` after index `i` at the depth of token `i` (the last index if none)."""
        closers = self._closers.get(self[i].depth)
        if closers:
            k = bisect_right(closers, i)
            if k < len(closers):
                return closers[k]
        return len(self) - 1

    @cached_property
    def parameter_lists(self) -> dict[int, bool]:
        """`is_parameter_list`'s answers, by index, as it gives them."""
        return {}


_new_token = tuple.__new__
"""Makes a `Token` from the full tuple of its fields without the named tuple's argument handling
(the scanner's hot path)."""


SHARED_TOKEN_LISTS = 128
"""The latest distinct snippets whose tokens `tokenize` keeps: within a page the same block is read for
its strings, its facts, its role in a session and its references, and each reader visits the tokens."""


@lru_cache(maxsize=SHARED_TOKEN_LISTS)
def tokenize(code: str) -> TokenList:
    """The tokens of `code`; never raises (an unterminated string runs to the end of the code).

    The list is shared by every reader of the same code (scanned once, with what `TokenList` finds
    on demand): callers read it and never change it.

    One pass of anchored regex matches; the scanner's only state is the bracket depth, the open
    template `${`s and the previous token (a `/` after it starts a regex or divides)."""
    tokens = TokenList()
    append = tokens.append
    templates: list[int] = []
    """For each open `${`, the depth at which its closing `}` resumes the template text."""
    pos = depth = 0
    while pos < len(code):
        for found in _NEXT.finditer(code, pos):  # each match starts where the last one ended
            kind = found.lastgroup
            if kind is None:  # only whitespace and comments were left
                return tokens
            if kind != "punct" and kind != "special":  # an identifier, a number or a string: no bracket
                append(_new_token(Token, (kind, found[kind], found.start(kind), depth, False)))
                continue
            start = found.start(kind)
            if kind == "special":
                char = code[start]
                if char == "`" or (char == "}" and templates and templates[-1] == depth):
                    if char == "}":
                        templates.pop()
                        depth -= 1
                    pos, depth = _template(code, start + 1, depth, templates, tokens)
                    break
                if char == "/" and _regex_allowed(tokens):
                    pos = _REGEX.match(code, start).end()  # type: ignore[union-attr]
                    tokens.append(Token("regex", code[start:pos], start, depth))
                    break
                text, kind = char, "punct"
            else:
                text = found[kind]
            if text in _CLOSERS:
                depth = max(depth - 1, 0)
            append(_new_token(Token, (kind, text, start, depth, False)))
            if text in _OPENERS:
                depth += 1
        else:
            break
    return tokens


def _template(code: str, start: int, depth: int, templates: list[int], tokens: list[Token]) -> tuple[int, int]:
    """Template text from `start` up to the closing backtick or the next `${`: the offset and depth after it."""
    end = _TEMPLATE_TEXT.match(code, start).end()  # type: ignore[union-attr]
    if end >= len(code) or code[end] == "\\":  # unterminated (a last lone backslash escapes nothing)
        tokens.append(Token("string", code[start:], start, depth, True))
        return len(code), depth
    tokens.append(Token("string", code[start:end], start, depth, True))
    if code[end] == "`":
        return end + 1, depth
    templates.append(depth + 1)
    return end + 2, depth + 1


def _regex_allowed(tokens: list[Token]) -> bool:
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind == "ident":
        return last.text in _REGEX_AFTER_WORDS
    return last.kind == "punct" and last.text in _REGEX_AFTER_PUNCT


NOT_CALLS = frozenset({"if", "while", "for", "switch", "with", "catch", "return", "typeof", "await", "new",
                       "function", "super", "import", "in", "of", "do", "else", "yield", "void", "delete"})
"""Words before `(` that make it no call and no parameter list (`if (`, `typeof (`)."""


def string_spans(code: str) -> list[tuple[int, int]]:
    """Offsets of the text of every string literal (quotes excluded) and template literal text."""
    return list(_string_spans(code))


@lru_cache(maxsize=REPEATS)
def _string_spans(code: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for token in tokenize(code):
        if token.kind == "string":
            quoted = not token.template
            start = token.start + quoted
            spans.append((start, max(token.end - quoted, start)))  # a lone quote ending the code: empty
    return tuple(spans)


def at(tokens: list[Token], i: int, *texts: str) -> bool:
    return i + len(texts) <= len(tokens) and all(tokens[i + k].text == text for k, text in enumerate(texts))


def unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] in "'\"" else text


def idents_in(tokens: list[Token], open_index: int) -> set[str]:
    """Every identifier between the bracket at `open_index` and its match."""
    names = set()
    depth = tokens[open_index].depth
    for j in range(open_index + 1, len(tokens)):
        token = tokens[j]
        if token.depth <= depth and token.text in _CLOSERS:
            break
        if token.kind == "ident":
            names.add(token.text)
    return names


def close_of(tokens: TokenList, open_index: int) -> int:
    """The first `)`, `]` or `}` after `open_index` at its depth (the last index if none)."""
    return tokens.close_after(open_index) if open_index < len(tokens) else len(tokens) - 1


def is_parameter_list(tokens: TokenList, i: int) -> bool:
    """`(` opening parameters: of a function, method or arrow (not a call or `if (...)`)."""
    known = tokens.parameter_lists
    found = known.get(i)
    if found is None:
        found = known[i] = _is_parameter_list(tokens, i)
    return found


def _is_parameter_list(tokens: TokenList, i: int) -> bool:
    before = tokens[i - 1] if i else None
    if before is not None and before.kind == "ident" and before.text in NOT_CALLS:
        return False
    after = close_of(tokens, i) + 1
    following = tokens[after].text if after < len(tokens) else None
    if following == "=>":
        return True
    if following == ":":  # TS return type: `): Promise<Response> {`
        after = skip_type(tokens, after + 1)
        following = tokens[after].text if after < len(tokens) else None
    return following == "{" and (before is None or before.kind == "ident" or before.text in ("*", "function"))


def skip_type(tokens: list[Token], i: int) -> int:
    depth = tokens[i].depth if i < len(tokens) else 0
    angle = 0
    while i < len(tokens):
        text = tokens[i].text
        angle += (text == "<") - (text == ">")
        if angle <= 0 and tokens[i].depth == depth and text in ("{", "=>", ";", ","):
            return i
        i += 1
    return i


def is_method_definition(tokens: TokenList, i: int) -> bool:
    """`name(...) {` in an object or class body, or `function name(...)`."""
    return (i > 0 and tokens[i - 1].text == "function") or is_parameter_list(tokens, i + 1)
