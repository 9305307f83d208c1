"""A Durable Object whose class is not on the page: Miniflare's real namespace, bound to a stand-in class.

API reference pages and Pages Functions use a Durable Object namespace (`env.MY_DURABLE_OBJECT.idFromName`,
`context.env.DURABLE_OBJECT.get(id).fetch(request)`) whose class lives in another Worker. Such a block
runs with Miniflare's own namespace (ids, stubs, `getByName` are real) bound to a class the runner writes
(`runners/worker/durable-stand-in.mjs`): its `fetch` answers 200 text/plain naming itself, each method the
block calls on a stub returns `undefined`, and every call is recorded in the journal. The block says so
("ran as", and an info finding, `harness.check.stand_ins`).

A block the stand-in cannot run honestly keeps a precise reason: it uses what a method answers (only the
real class can give that; a `fetch` answer may be handed on as the Worker's answer), it hands a stub on to
code the harness does not follow, or it asks for a jurisdiction (workerd does not implement them).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from harness.extract import bindings
from harness.extract.jsscan import TokenList, at, close_of, tokenize
from harness.extract.worker_program import RAN_AS_OPTION
from harness.model import Snippet
from harness.runtimes.base import listed

STAND_IN_OPTION = "durable_stand_ins"
"""JSON `{binding name: [methods the block calls on its stubs]}` of the Durable Object namespaces whose
class a stand-in plays (`harness.runtimes.worker_bindings` binds them)."""
CLASS_MISSING = "needs its class, which this snippet does not export"
"""How the classifier's reason says a Durable Object's class is not in the block."""
JURISDICTION_ERROR = "Jurisdiction restrictions are not implemented in workerd."
"""What workerd throws for `jurisdiction(...)` and `newUniqueId({ jurisdiction })` (measured, Miniflare 4)."""
_STUB_METHODS = frozenset({"get", "getByName"})
_STATEMENT_END = frozenset({";", "}"})
_NOT_A_STATEMENT_END = frozenset({"return", "await", "yield", "typeof", "void", "throw", "new", "in", "of", "case",
                                  "delete", "instanceof"})


class _Tokens(TokenList):
    """The tokens of a block, with its code (to see the line breaks between them)."""

    def __init__(self, code: str) -> None:
        super().__init__(tokenize(code))
        self.code = code


class CannotStandIn(Exception):
    """The block uses the stand-in in a way it cannot answer honestly; the message is the reason."""


def with_stand_ins(snippets: Sequence[Snippet]) -> list[Snippet]:
    """`snippets` with each Worker block that only lacks its Durable Object class made runnable against a
    stand-in (or given the precise reason why a stand-in cannot run it)."""
    return [_stood_in(s) if CLASS_MISSING in (s.skip_reason or "") else s for s in snippets]


def _stood_in(snippet: Snippet) -> Snippet:
    names = [b["name"] for b in bindings.decode(snippet.options.get(bindings.BINDINGS_OPTION, "[]"))
             if b["type"] == "durable_object_namespace"]
    if not names:
        return snippet
    try:
        methods = stub_methods(snippet.code, names)
    except CannotStandIn as unusable:
        return replace(snippet, skip_reason=f"not runnable: {unusable}")
    ran_as = snippet.options.get(RAN_AS_OPTION, "")
    said = stand_in_words(names, methods)
    options = {**snippet.options, STAND_IN_OPTION: json.dumps(methods, sort_keys=True),
               RAN_AS_OPTION: f"{ran_as}; {said}" if ran_as else said}
    return replace(snippet, skip_reason=None, options=options)


def stand_in_words(names: Sequence[str], methods: dict[str, list[str]]) -> str:
    """What the block's "ran as" and its info finding say of the stand-in."""
    called = sorted({m for found in methods.values() for m in found})
    rpc = f"; {listed(called)} return{'s' if len(called) == 1 else ''} undefined" if called else ""
    return (f"the class of {listed(names)} is not on this page; a stand-in answered (Miniflare's namespace, "
            f"a class of the harness's: `fetch` answers 200 text/plain naming it{rpc}; each call recorded)")


def stub_methods(code: str, names: Sequence[str]) -> dict[str, list[str]]:
    """The methods the code calls on stubs of each namespace in `names` (`fetch` aside, which the
    stand-in always has); raises `CannotStandIn` with the reason when a stand-in cannot run it honestly."""
    tokens = _Tokens(code)
    found: dict[str, list[str]] = {name: [] for name in names}
    for name in names:
        for i in tokens.where(name):
            if tokens[i].kind != "ident" or not at(tokens, i - 1, "."):
                continue
            for method in _namespace_calls(tokens, i, name):
                if method != "fetch" and method not in found[name]:
                    found[name].append(method)
    return found


def _namespace_calls(tokens: _Tokens, i: int, name: str) -> list[str]:
    """The stub methods called through the namespace `name` used at token `i` (`env.NAME.get(id)...`)."""
    if not (at(tokens, i + 1, ".") and i + 3 < len(tokens) and at(tokens, i + 3, "(")):
        return []
    method, opened = tokens[i + 2].text, i + 3
    closed = close_of(tokens, opened)
    if method == "jurisdiction" or (method == "newUniqueId" and
                                    any(t.text == "jurisdiction" for t in tokens[opened:closed])):
        raise CannotStandIn(f"calls `{method}` on Durable Object namespace `{name}`, and jurisdictions are not "
                        f"implemented in workerd, the runtime Miniflare runs (it throws `{JURISDICTION_ERROR}`)")
    if method not in _STUB_METHODS:
        return []
    start = _receiver_start(tokens, i)
    if at(tokens, closed + 1, ".") and closed + 3 < len(tokens) and at(tokens, closed + 3, "("):
        call = tokens[closed + 2].text
        _judge(tokens, start, close_of(tokens, closed + 3), call, name, f"{name}.{method}(…).{call}()")
        return [call]
    if at(tokens, closed + 1, "."):
        return []  # a property of the stub (`.id`, `.name`): the runtime's own
    stub = _assigned_to(tokens, start)
    if stub is None:
        if _discarded(tokens, start, closed):
            return []
        raise CannotStandIn(f"hands a stub of Durable Object namespace `{name}` on to other code, and its class is "
                        "not on this page: the harness cannot tell which methods a stand-in must answer")
    return _stub_calls(tokens, stub, closed, name)


def _stub_calls(tokens: _Tokens, stub: str, after: int, name: str) -> list[str]:
    """The methods called on the stub variable `stub` after token `after`."""
    calls: list[str] = []
    for k in tokens.where(stub):
        if k <= after or tokens[k].kind != "ident" or at(tokens, k - 1, "."):
            continue
        if not at(tokens, k + 1, "."):
            raise CannotStandIn(f"hands the stub `{stub}` of Durable Object namespace `{name}` on to other code, and "
                                "its class is not on this page: the harness cannot tell which methods a stand-in "
                                "must answer")
        if k + 3 < len(tokens) and at(tokens, k + 3, "("):
            method = tokens[k + 2].text
            _judge(tokens, k, close_of(tokens, k + 3), method, name, f"{stub}.{method}()")
            calls.append(method)
    return calls


def _judge(tokens: _Tokens, start: int, closed: int, method: str, name: str, shown: str) -> None:
    """Whether the call from token `start` to its `)` at `closed` uses its answer in a way only the real
    class could satisfy: a method's answer may only be dropped; a `fetch` answer may also be returned."""
    if _discarded(tokens, start, closed):
        return
    if method == "fetch" and (_returned(tokens, start, closed) or _returned_variable(tokens, start, closed)):
        return
    raise CannotStandIn(f"uses what `{shown}` answers, and the class of Durable Object namespace `{name}` is not on "
                    "this page (it lives in another Worker): a stand-in could only make the answer up")


def _receiver_start(tokens: _Tokens, i: int) -> int:
    """The first token of `a.b.NAME` ending at token `i`."""
    k = i
    while k >= 2 and at(tokens, k - 1, ".") and tokens[k - 2].kind == "ident":
        k -= 2
    return k


def _before(tokens: _Tokens, start: int) -> int:
    """The token before the expression at `start`, past an `await`."""
    k = start - 1
    return k - 1 if k >= 0 and at(tokens, k, "await") else k


def _statement_start(tokens: _Tokens, k: int, start: int) -> bool:
    """Whether the expression at `start` begins a statement: after `;`, `{`, `}`, or on a new line after
    a token that can end one (ASI)."""
    if k < 0 or tokens[k].text in _STATEMENT_END or at(tokens, k, "{"):
        return True
    ends = tokens[k].kind in ("number", "string") or tokens[k].text in (")", "]") or \
        (tokens[k].kind == "ident" and tokens[k].text not in _NOT_A_STATEMENT_END)
    return ends and tokens[k].depth == tokens[start].depth and "\n" in tokens.code[tokens[k].end:tokens[start].start]


def _statement_end(tokens: _Tokens, closed: int) -> bool:
    """Whether the statement ends after token `closed`: `;`, `}`, the end, or a line break before a word (ASI)."""
    if closed + 1 >= len(tokens) or tokens[closed + 1].text in (";", "}"):
        return True
    after = tokens[closed + 1]
    return after.kind == "ident" and "\n" in tokens.code[tokens[closed].end:after.start]


def _discarded(tokens: _Tokens, start: int, closed: int) -> bool:
    return _statement_start(tokens, _before(tokens, start), start) and _statement_end(tokens, closed)


def _returned(tokens: _Tokens, start: int, closed: int) -> bool:
    k = _before(tokens, start)
    return k >= 0 and at(tokens, k, "return") and _statement_end(tokens, closed)


def _assigned_to(tokens: _Tokens, start: int) -> str | None:
    """The variable a declaration binds the expression at `start` to (`const stub = await? <expr>`)."""
    k = _before(tokens, start)
    declares = k >= 2 and tokens[k - 2].text in ("const", "let", "var")
    if declares and at(tokens, k, "=") and tokens[k - 1].kind == "ident":
        return tokens[k - 1].text
    return None


def _returned_variable(tokens: _Tokens, start: int, closed: int) -> bool:
    """`const response = await stub.fetch(request); return response;`: the answer handed on unread."""
    variable = _assigned_to(tokens, start)
    if variable is None or not _statement_end(tokens, closed):
        return False
    uses = [k for k in tokens.where(variable) if k > closed and not at(tokens, k - 1, ".")]
    return bool(uses) and all(at(tokens, k - 1, "return") and _statement_end(tokens, k) for k in uses)
