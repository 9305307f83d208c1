"""Whether a Worker's 5xx answer is the one its code gives on purpose: `new Response(body, { status: 500 })`
in a statement that runs on every request (not under `if`, `else`, a loop, a `switch` or a `catch`, and in the
fetch handler or a route's callback, not in a helper that something may call on failure). "Modify response"
samples answer 500 to show that a status can be changed; a reader who runs one sees what the page promises.
"""

from __future__ import annotations

from harness.extract.jsscan import Token, tokenize

_GUARDS = frozenset({"if", "for", "while", "switch", "catch", "with"})
"""Keywords whose `(...) {` block runs only sometimes."""
_STATEMENT_GUARDS = frozenset({"if", "for", "while", "switch", "else", "do", "case", "default"})
_BLOCK_BEFORE = frozenset({")", "=>", "else", "try", "finally", "do", "catch", "{", "}", ";"})
"""What may stand before a `{` that opens a block (else it opens an object literal)."""


def answers_on_purpose(code: str, status: int) -> bool:
    """Whether `code` sets `status: <status>` in a statement its fetch handler (or route) runs on every request."""
    tokens = tokenize(code)
    return any(tokens[i].text == "status" and tokens[i + 1].text == ":" and tokens[i + 2].text == str(status)
               and _unconditional(tokens, i) for i in range(len(tokens) - 2))


def _opener(tokens: list[Token], before: int, depth: int) -> int:
    """The index of the bracket that opens the nesting at `depth` around index `before` (-1 if none)."""
    k = before - 1
    while k >= 0 and not (tokens[k].depth == depth - 1 and tokens[k].text in "([{"):
        k -= 1
    return k


def _unconditional(tokens: list[Token], i: int) -> bool:
    depth, at = tokens[i].depth, i
    while depth > 0:
        k = _opener(tokens, at, depth)
        if k < 0:
            break
        block = tokens[k].text == "{" and (k == 0 or tokens[k - 1].text in _BLOCK_BEFORE)
        if block and (_guarded_statement(tokens, k, at, depth) or not _runs_every_time(tokens, k)):
            return False
        at, depth = k, depth - 1
    return True


def _guarded_statement(tokens: list[Token], opening: int, at: int, depth: int) -> bool:
    """Whether the statement of the block opened at `opening` that holds index `at` starts with a guard
    (`if (x) return new Response(..., { status: 500 })`)."""
    start = at
    while start - 1 > opening and not (tokens[start - 1].depth == depth and tokens[start - 1].text in (";", "}")):
        start -= 1
    return tokens[start].text in _STATEMENT_GUARDS


def _runs_every_time(tokens: list[Token], opening: int) -> bool:
    """Whether the block opened at `opening` runs whenever the code around it does: a `try` or bare block, the
    fetch handler (`fetch(request) {`) or an arrow callback (`async (c) => {`); not a guarded block, nor a
    named helper function's body."""
    before = tokens[opening - 1] if opening else None
    if before is None or before.text in ("try", "finally", "{", "}", ";", "=>"):
        return True
    if before.text != ")":
        return False  # `else {`, `do {`, `catch {`
    paren = _opener(tokens, opening - 1, before.depth + 1)
    ahead = tokens[paren - 1].text if paren > 0 else ""
    return ahead not in _GUARDS and ahead in ("fetch", "async")
