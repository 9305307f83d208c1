"""A small JavaScript/TypeScript scanner: enough tokens to tell strings from code and see scopes.

No parser: the classifier asks coarse questions (which names does the code use without defining
them, what does it import, does it `return` at the top level, is it TypeScript) and every answer
errs on the side of "runnable". Tokens carry their bracket depth so callers see nesting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_IDENT = re.compile(r"[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*")
_NUMBER = re.compile(r"\d[\w.]*|\.\d[\w]*")
_PUNCT = re.compile(r"=>|\?\.|\.\.\.|[=!]==?|&&|\|\||\?\?|[-+*/%<>&|^!~?:;,.=()[\]{}@#]")
_WORDS_BEFORE_REGEX = "return typeof case do else in of new delete void throw yield await instanceof"
_REGEX_AFTER_WORDS = frozenset(_WORDS_BEFORE_REGEX.split())
_KINDS = (("ident", _IDENT), ("number", _NUMBER), ("punct", _PUNCT))
_PUNCT_BEFORE_REGEX = "( , = : [ ! & | ? { } ; + - * % < > ~ ^ => && || ?? == === != !=="
_REGEX_AFTER_PUNCT = frozenset(_PUNCT_BEFORE_REGEX.split())


@dataclass(frozen=True)
class Token:
    """One token: `ident`, `punct`, `string` (a quoted string or a template literal's text),
    `regex` or `number`. Comments are dropped."""

    kind: str
    text: str
    start: int
    depth: int
    """How many `(`, `[`, `{` (and template `${`) enclose the token."""
    template: bool = False
    """For `string` tokens: text of a template literal (where `${...}` is code)."""

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def tokenize(code: str) -> list[Token]:
    """The tokens of `code`; never raises (an unterminated string runs to the end of the code)."""
    return list(_Scanner(code).tokens())


class _Scanner:
    def __init__(self, code: str) -> None:
        self.code = code
        self.pos = 0
        self.depth = 0
        self.templates: list[int] = []
        """For each open `${`, the depth at which its closing `}` resumes the template text."""
        self.last: Token | None = None

    def tokens(self) -> Iterator[Token]:
        code = self.code
        while self.pos < len(code):
            char = code[self.pos]
            if char.isspace():
                self.pos += 1
            elif code.startswith("//", self.pos):
                end = code.find("\n", self.pos)
                self.pos = len(code) if end < 0 else end
            elif code.startswith("/*", self.pos):
                end = code.find("*/", self.pos + 2)
                self.pos = len(code) if end < 0 else end + 2
            elif char in "'\"":
                yield self._emit("string", self._quoted(char))
            elif char == "`":
                self.pos += 1
                yield from self._template()
            elif char == "}" and self.templates and self.templates[-1] == self.depth:
                self.templates.pop()
                self.depth -= 1
                self.pos += 1
                yield from self._template()
            elif char == "/" and self._regex_allowed():
                yield self._emit("regex", self._regex())
            else:
                yield self._plain()

    def _emit(self, kind: str, text: str, start: int | None = None, template: bool = False) -> Token:
        token = Token(kind, text, self.pos - len(text) if start is None else start, self.depth, template)
        self.last = token
        return token

    def _plain(self) -> Token:
        code, pos = self.code, self.pos
        kind, match = next(((k, m) for k, p in _KINDS if (m := p.match(code, pos))), ("punct", None))
        text = match.group(0) if match else code[pos]
        self.pos = pos + len(text)
        if text in (")", "]", "}"):
            self.depth = max(self.depth - 1, 0)
        token = Token(kind, text, pos, self.depth)
        if text in ("(", "[", "{"):
            self.depth += 1
        self.last = token
        return token

    def _quoted(self, quote: str) -> str:
        code, start = self.code, self.pos
        pos = start + 1
        while pos < len(code) and code[pos] != quote and code[pos] != "\n":
            pos += 2 if code[pos] == "\\" else 1
        self.pos = min(pos + 1, len(code))
        return code[start : self.pos]

    def _template(self) -> Iterator[Token]:
        """Template text from `self.pos` up to the closing backtick or the next `${`."""
        code, start = self.code, self.pos
        pos = start
        while pos < len(code):
            if code[pos] == "\\":
                pos += 2
            elif code[pos] == "`":
                self.pos = pos + 1
                yield self._emit("string", code[start:pos], start, template=True)
                return
            elif code.startswith("${", pos):
                self.pos = pos + 2
                yield self._emit("string", code[start:pos], start, template=True)
                self.depth += 1
                self.templates.append(self.depth)
                return
            else:
                pos += 1
        self.pos = len(code)
        yield self._emit("string", code[start:], start, template=True)

    def _regex_allowed(self) -> bool:
        last = self.last
        if last is None:
            return True
        if last.kind == "ident":
            return last.text in _REGEX_AFTER_WORDS
        return last.kind == "punct" and last.text in _REGEX_AFTER_PUNCT

    def _regex(self) -> str:
        code, pos = self.code, self.pos + 1
        in_class = False
        while pos < len(code) and code[pos] != "\n":
            char = code[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "[":
                in_class = True
            elif char == "]":
                in_class = False
            elif char == "/" and not in_class:
                pos += 1
                break
            pos += 1
        while pos < len(code) and (code[pos].isalnum() or code[pos] == "_"):
            pos += 1
        start, self.pos = self.pos, pos
        return code[start:pos]


NOT_CALLS = frozenset({"if", "while", "for", "switch", "with", "catch", "return", "typeof", "await", "new",
                       "function", "super", "import", "in", "of", "do", "else", "yield", "void", "delete"})
"""Words before `(` that make it no call and no parameter list (`if (`, `typeof (`)."""


def string_spans(code: str) -> list[tuple[int, int]]:
    """Offsets of the text of every string literal (quotes excluded) and template literal text."""
    spans = []
    for token in tokenize(code):
        if token.kind == "string":
            quoted = not token.template
            spans.append((token.start + quoted, token.end - quoted))
    return spans


def at(tokens: list[Token], i: int, *texts: str) -> bool:
    return i + len(texts) <= len(tokens) and all(tokens[i + k].text == t for k, t in enumerate(texts))


def unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] in "'\"" else text


def idents_in(tokens: list[Token], open_index: int) -> set[str]:
    """Every identifier between the bracket at `open_index` and its match."""
    names = set()
    depth = tokens[open_index].depth
    for token in tokens[open_index + 1 :]:
        if token.depth <= depth and token.text in (")", "]", "}"):
            break
        if token.kind == "ident":
            names.add(token.text)
    return names


def close_of(tokens: list[Token], open_index: int) -> int:
    depth = tokens[open_index].depth
    for j in range(open_index + 1, len(tokens)):
        if tokens[j].depth == depth and tokens[j].text in (")", "]", "}"):
            return j
    return len(tokens) - 1


def is_parameter_list(tokens: list[Token], i: int) -> bool:
    """`(` opening parameters: of a function, method or arrow (not a call or `if (...)`)."""
    before = tokens[i - 1] if i else None
    if before is not None and before.kind == "ident" and before.text in NOT_CALLS:
        return False
    close = close_of(tokens, i)
    after = close + 1
    if at(tokens, after, "=>"):
        return True
    if at(tokens, after, ":"):  # TS return type: `): Promise<Response> {`
        after = skip_type(tokens, after + 1)
    return at(tokens, after, "{") and (before is None or before.kind == "ident" or before.text in ("*", "function"))


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


def is_method_definition(tokens: list[Token], i: int) -> bool:
    """`name(...) {` in an object or class body, or `function name(...)`."""
    return (i > 0 and tokens[i - 1].text == "function") or is_parameter_list(tokens, i + 1)
