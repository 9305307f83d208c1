"""A block that only defines a request handler runs as the Worker it is written for: a JS/TS block whose
top-level function takes the incoming request (`async function handlePost(request) { ... }`: named
`handle*` or `on*` with a first parameter, or with a first parameter named `request`/`req` or typed
`Request`) and nothing else the harness cannot give (`env`, `ctx`) runs as a Worker module whose fetch
handler the harness wrote: it calls the function with the request, the bindings and the context, and
answers with the Response it returns. When it returns none, the handler answers an empty 204 with the
header `x-harness-returned` saying what came back (`nothing`, or its type), and the check
`harness.check.handler_calls` reports that as info.

The request is the one the function's reads suggest (`harness.worker_request`: a form with the fields it
reads, a JSON body, headers). The block's `code` becomes the program (its own lines first, at their page
lines, then the handler the harness wrote), its `ran_as` option says how it ran.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from harness.extract.classify import classify
from harness.extract.jsscan import TokenList, at, close_of, tokenize
from harness.extract.worker_program import LINE_MAP_OPTION, RAN_AS_OPTION, Program
from harness.model import Snippet

DEFINES_ONLY = "not runnable: only defines "
"""The start of the classifier's reason for a block that only defines names (`runtimes/javascript.py`)."""
RETURNED_HEADER = "x-harness-returned"
"""The header of the 204 the written handler answers when the function returns no Response."""
_ARGUMENTS = {"request": "request", "req": "request", "env": "env", "ctx": "ctx", "context": "ctx",
              "executionCtx": "ctx"}
"""Parameter names the written handler can give a value: the fetch handler's own arguments."""
_NAMED_HANDLER = re.compile(r"^(?:handle|on)(?:[A-Z_]\w*)?$")


@dataclass(frozen=True)
class Handler:
    """A top-level function of the block that handles a request."""

    name: str
    parameters: tuple[str, ...]
    """Its parameters' names, in order."""


def _parameters(tokens: TokenList, open_index: int) -> tuple[tuple[str, str], ...] | None:
    """(name, type text) of each parameter of the list opening at `open_index`; None when one is
    destructured or rest (the harness would have to invent its shape)."""
    end = close_of(tokens, open_index)
    found: list[tuple[str, str]] = []
    i = open_index + 1
    while i < end:
        if tokens[i].kind != "ident":
            return None
        name, k, kind = tokens[i].text, i + 1, ""
        if at(tokens, k, "?"):
            k += 1
        if at(tokens, k, ":") and k + 1 < end:
            kind = tokens[k + 1].text
        while k < end and not (tokens[k].text == "," and tokens[k].depth == tokens[open_index].depth + 1):
            k = close_of(tokens, k) + 1 if tokens[k].text in "([{" else k + 1
        found.append((name, kind))
        i = k + 1
    return tuple(found)


def handlers(code: str) -> list[Handler]:
    """The block's top-level request handlers, in order (see the module's docstring)."""
    tokens = tokenize(code)
    found: list[Handler] = []
    for i, token in enumerate(tokens):
        if token.depth != 0 or token.kind != "ident":
            continue
        if token.text == "function" and i + 2 < len(tokens) and tokens[i + 1].kind == "ident" \
                and at(tokens, i + 2, "("):
            name, opening = tokens[i + 1].text, i + 2
        elif token.text in ("const", "let", "var") and i + 2 < len(tokens) and at(tokens, i + 2, "="):
            k = i + 3 + (1 if at(tokens, i + 3, "async") else 0)
            k += 1 if at(tokens, k, "function") else 0
            if not at(tokens, k, "(") or not (at(tokens, close_of(tokens, k) + 1, "=>")
                                               or at(tokens, k - 1, "function")):
                continue
            name, opening = tokens[i + 1].text, k
        else:
            continue
        parameters = _parameters(tokens, opening)
        if not parameters:
            continue
        first, kind = parameters[0]
        if _NAMED_HANDLER.match(name) or first in ("request", "req") or kind == "Request":
            found.append(Handler(name, tuple(p for p, _ in parameters)))
    return found


def _called(code: str, name: str) -> bool:
    """Whether the block calls `name` itself (a helper of another function, not the entry point)."""
    tokens = tokenize(code)
    return any(at(tokens, i + 1, "(") and tokens[i - 1].text not in ("function", "const", "let", "var")
               for i in tokens.where(name) if i > 0)


def _wrapper(handler: Handler, typescript: bool) -> list[str]:
    arguments = ", ".join(_ARGUMENTS[p] for p in handler.parameters)
    signature = "request: Request, env: any, ctx: ExecutionContext" if typescript else "request, env, ctx"
    returned = "const returned: unknown" if typescript else "const returned"
    return [
        "export default {",
        f"  async fetch({signature}) {{",
        f"    {returned} = await {handler.name}({arguments});",
        "    if (returned instanceof Response) return returned;",
        f'    return new Response(null, {{ status: 204, headers: {{ "{RETURNED_HEADER}": '
        'returned === undefined ? "nothing" : returned === null ? "null" : typeof returned } });',
        "  },",
        "};",
    ]


def call_handler(snippet: Snippet) -> Snippet:
    """`snippet` run as the Worker that calls its request handler, when it only defines one (see the
    module's docstring); else `snippet` as it was, or with a reason that names the parameter the harness
    cannot give."""
    if snippet.language not in ("js", "ts") or not (snippet.skip_reason or "").startswith(DEFINES_ONLY) \
            or RAN_AS_OPTION in snippet.options:
        return snippet
    found = [h for h in handlers(snippet.code) if not _called(snippet.code, h.name)]
    if not found:
        return snippet
    handler = next((h for h in found if set(h.parameters) <= set(_ARGUMENTS)), None)
    if handler is None:
        unknown = next(p for p in found[0].parameters if p not in _ARGUMENTS)
        return replace(snippet, skip_reason=f"not runnable: only defines request handler `{found[0].name}`, which "
                       f"also takes `{unknown}`: a Worker's fetch handler has no value to give it")
    header = max(0, len(snippet.source.splitlines()) - len(snippet.code.splitlines()))
    first = snippet.line + header
    own = [(text, first + i) for i, text in enumerate(snippet.code.rstrip("\n").split("\n"))]
    written: list[tuple[str, int | None]] = [("", None)]
    written += [(text, None) for text in _wrapper(handler, snippet.language == "ts")]
    program = Program(tuple(own + written))
    found_kind = classify(program.code, snippet.language, {})
    if found_kind is None or found_kind.kind != "worker":
        return snippet
    call = f"{handler.name}({', '.join(_ARGUMENTS[p] for p in handler.parameters)})"
    ran_as = (f"as a Worker whose fetch handler the harness wrote: it calls `{call}` and answers with the "
              f"Response it returns (an empty 204 with `{RETURNED_HEADER}` when it returns none)")
    options = {**snippet.options, "kind": "worker", LINE_MAP_OPTION: program.line_map(), RAN_AS_OPTION: ran_as}
    return replace(snippet, code=program.code, language=found_kind.language, options=options,
                   skip_reason=found_kind.reason)


def call_handlers(snippets: Sequence[Snippet]) -> list[Snippet]:
    """Each block of a page that only defines a request handler run as the Worker that calls it."""
    return [call_handler(s) for s in snippets]
