"""The program a Worker page session runs: the blocks of a page put together as one Worker module, with
a map from each line of the program to the page line it comes from.

Imports go first (identical ones once), then the module the session builds on (a whole Worker, or a
handler shown alone, `async fetch(request, env) { ... }`, given the `export default { }` it stands in),
then the module-level blocks (routes added to `app`, helpers, classes) in page order; a class or function
a later block declares again replaces the earlier one, as a reader replaces it in their file ("update your
workflow class with:"). Handler bodies go
into the module's fetch handler, first thing in it; with no module they make the handler of a minimal
`export default { async fetch(request, env, ctx) { ... } }`, the Workers API's contract for a block that
only uses the handler's parameters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.extract.jsscan import at, close_of, tokenize
from harness.model import Snippet

LINE_MAP_OPTION = "line_map"
"""Where each line of a combined snippet's code comes from: JSON `[[code line, page line, count], ...]`
(1-based; lines the harness wrote, like the `export default {` around a handler, are in no run)."""

RAN_AS_OPTION = "ran_as"
"""How a combined block ran, in words (`with lines 10 and 22 of the page`, `as the body of a fetch handler`);
its `code` is then the program that ran, its `source` what the page shows."""
HARNESS_ANSWER_OPTION = "harness_answer"
"""Set ("1") on a combined block whose handler bodies return nothing: the Worker's answer is the harness's
`204` (`_FALLBACK`), not the page's, and rules about what the Worker answers do not judge it."""
_IMPORT = re.compile(r"^[ \t]*import\s+(?:[\w$*{}\s,]+?\s+from\s+)?(['\"])[^'\"\n]+\1[ \t]*;?[ \t]*$", re.MULTILINE)
"""One import statement (it may span lines: `import {\n a,\n b\n} from "x";`)."""
_FALLBACK = "return new Response(null, { status: 204 });"
"""What a generated handler answers when the bodies return nothing."""


@dataclass(frozen=True)
class Piece:
    """A block's code and the page line of its first line."""

    code: str
    line: int


@dataclass(frozen=True)
class Program:
    """Code with the page line of each of its lines (None: the harness wrote it)."""

    lines: tuple[tuple[str, int | None], ...]

    @property
    def code(self) -> str:
        return "".join(text + "\n" for text, _ in self.lines)

    @property
    def answered_by_harness(self) -> bool:
        """Whether the handler's answer is the line the harness wrote (the bodies return nothing)."""
        return any(page is None and text.strip() == _FALLBACK for text, page in self.lines)

    def line_map(self) -> str:
        """The map as `LINE_MAP_OPTION` holds it: runs of consecutive lines."""
        runs: list[list[int]] = []
        for number, (_, page) in enumerate(self.lines, start=1):
            if page is None:
                continue
            last = runs[-1] if runs else None
            if last and last[0] + last[2] == number and last[1] + last[2] == page:
                last[2] += 1
            else:
                runs.append([number, page, 1])
        return json.dumps(runs)


def page_line(snippet: Snippet, code_line: int) -> int:
    """The page line of line `code_line` (1-based) of the snippet's code: through its line map when it
    was combined, else counted from its first line; a line the harness wrote is the snippet's own line."""
    text = snippet.options.get(LINE_MAP_OPTION)
    if text is None:
        return snippet.line + code_line - 1
    for start, page, count in json.loads(text):
        if start <= code_line < start + count:
            return int(page) + code_line - int(start)
    return snippet.line


_BUNDLE_ERROR = re.compile(r"^(\d+):(\d+): ")
"""How the Worker runner prints a bundling error: `line:column: text`, in the snippet's code."""


def combined_error_line(snippet: Snippet, error: str) -> tuple[int | None, str]:
    """For a combined snippet's bundling error (`4:10: text`), the page line of the code it points at
    and the error's text (its position in the program means nothing on the page); else (None, the error)."""
    found = _BUNDLE_ERROR.match(error)
    if found is None or LINE_MAP_OPTION not in snippet.options:
        return None, error
    line = page_line(snippet, int(found[1]))
    return line, error[found.end():]


def _numbered(code: str, line: int) -> list[tuple[str, int | None]]:
    return [(text, line + i) for i, text in enumerate(code.rstrip("\n").split("\n"))]


def _split_imports(piece: Piece) -> tuple[list[list[tuple[str, int | None]]], Piece]:
    """The piece's import statements (each as numbered lines) and the piece without them (blank lines
    where they stood, so the lines keep their numbers)."""
    imports: list[list[tuple[str, int | None]]] = []
    code = piece.code

    def lift(match: re.Match[str]) -> str:
        first = piece.line + code.count("\n", 0, match.start())
        imports.append(_numbered(match.group(0), first))
        return "\n" * match.group(0).count("\n")

    return imports, Piece(_IMPORT.sub(lift, code), piece.line)


def _normal(statement: str) -> str:
    return " ".join(statement.replace("'", '"').rstrip(";").split())


def handler_body_at(code: str) -> tuple[int, int] | None:
    """Offsets just inside the braces of the fetch handler's body (after `{`, at `}`), or None."""
    tokens = tokenize(code)
    for i in tokens.where("fetch"):
        if tokens[i].kind != "ident" or not at(tokens, i + 1, "("):
            continue
        k = close_of(tokens, i + 1) + 1
        while k < len(tokens) and tokens[k].text != "{" and tokens[k].text not in (";", ","):
            k += 1  # a return type: `): Promise<Response> {`
        if k < len(tokens) and tokens[k].text == "{":
            return tokens[k].end, tokens[close_of(tokens, k)].start
    return None


def assemble(base: Piece | None, skeleton: bool, modules: Sequence[Piece], bodies: Sequence[Piece]) -> Program | None:
    """The session's program: `base` (a Worker module, or a lone handler when `skeleton`), then `modules`,
    with `bodies` first in its fetch handler (a minimal handler when there is no base); None when the
    base has no fetch handler to put the bodies in."""
    imports: list[list[tuple[str, int | None]]] = []
    rest: list[Piece] = []
    for piece in _without_replaced([base] if base else [], modules) + list(bodies):
        statements, without = _split_imports(piece)
        imports += statements
        rest.append(without)
    head, module_pieces, body_pieces = (rest[0] if base else None), rest[1 if base else 0:len(rest) - len(bodies)], \
        rest[len(rest) - len(bodies):]
    inner: list[tuple[str, int | None]] = [line for body in body_pieces for line in _numbered(body.code, body.line)]
    lines = _dedupe(imports)
    if head is None:
        lines += [("export default {", None), ("  async fetch(request, env, ctx) {", None), *inner,
                  *([] if _returns(body_pieces) else [("    " + _FALLBACK, None)]), ("  },", None), ("};", None)]
    else:
        found = handler_body_at(head.code) if inner or skeleton else None
        if (inner or skeleton) and (found is None or not _own_lines(head.code, *found)):
            return None
        head_lines = _numbered(head.code, head.line)
        if found is not None:
            cut = head.code.count("\n", 0, found[1]) if skeleton else head.code.count("\n", 0, found[0]) + 1
            fallback = [("    " + _FALLBACK, None)] if skeleton and not _returns(body_pieces) else []
            head_lines = head_lines[:cut] + inner + fallback + head_lines[cut:]
        lines += [("export default {", None), *head_lines, ("};", None)] if skeleton else head_lines
    for piece in module_pieces:
        lines += _numbered(piece.code, piece.line)
    return Program(tuple(lines))


_DECLARED = ("class", "function")


def _declarations(code: str) -> dict[str, tuple[int, int]]:
    """The top-level classes and functions of `code`: name -> offsets of the whole declaration (from
    `export`/`async`/`class`/`function` to its closing `}`)."""
    tokens = tokenize(code)
    found: dict[str, tuple[int, int]] = {}
    for keyword in _DECLARED:
        for i in tokens.where(keyword):
            if tokens[i].depth != 0 or i + 1 >= len(tokens) or tokens[i + 1].kind != "ident":
                continue
            first = i
            while first > 0 and tokens[first - 1].text in ("export", "async", "default") and \
                    tokens[first - 1].depth == 0:
                first -= 1
            k = i + 2
            while k < len(tokens) and tokens[k].text != "{":
                k = close_of(tokens, k) + 1 if tokens[k].text == "(" else k + 1
            if k < len(tokens):
                found[tokens[i + 1].text] = (tokens[first].start, tokens[close_of(tokens, k)].end)
    return found


def _without_replaced(base: list[Piece], modules: Sequence[Piece]) -> list[Piece]:
    """`base` and `modules` with each class or function that a later piece declares again blanked out
    (its lines kept empty, so the others keep their numbers)."""
    pieces = base + list(modules)
    later: set[str] = set()
    kept: list[Piece] = []
    for piece in reversed(pieces):
        declared = _declarations(piece.code)
        code = piece.code
        for name, (start, end) in sorted(declared.items(), key=lambda item: -item[1][0]):
            if name in later:
                code = code[:start] + "\n" * code.count("\n", start, end) + code[end:]
        later |= set(declared)
        kept.append(Piece(code, piece.line))
    return kept[::-1]


def _dedupe(statements: list[list[tuple[str, int | None]]]) -> list[tuple[str, int | None]]:
    """The import statements' lines, each statement once (the first one written)."""
    seen: set[str] = set()
    kept: list[tuple[str, int | None]] = []
    for statement in statements:
        key = _normal(" ".join(text for text, _ in statement))
        if key not in seen:
            seen.add(key)
            kept += statement
    return kept


def _own_lines(code: str, opening: int, closing: int) -> bool:
    """Whether the handler's `{` ends its line and its `}` starts one: bodies go on lines of their own."""
    after_open = code[opening:code.find("\n", opening) if "\n" in code[opening:] else len(code)]
    before_close = code[code.rfind("\n", 0, closing) + 1:closing]
    return not after_open.strip() and not before_close.strip()


def _returns(bodies: Sequence[Piece]) -> bool:
    """Whether the last body returns at its top level (the handler's answer)."""
    if not bodies:
        return False
    tokens = tokenize(bodies[-1].code)
    return any(tokens[i].kind == "ident" and tokens[i].depth == 0 for i in tokens.where("return"))
