"""Which names a JavaScript or TypeScript snippet defines, and which it reads without defining.

Liberal about definitions (every name in a parameter list or destructuring pattern counts) and
strict about reads (a name is read where it is called, indexed, has a property read, or tags a
template; handler parameter names like `env` wherever they appear): so a snippet is called a
fragment only when it really leans on something it does not have.
"""

from __future__ import annotations

from harness.extract.jsscan import Token, TokenList, idents_in, is_method_definition, is_parameter_list

_OPENERS = frozenset("([{")
DECLARERS = frozenset({"const", "let", "var", "function", "class", "interface", "type", "enum", "namespace"})
"""Words that bind the name after them."""
_KEYWORDS = """
    break case catch class const continue debugger default delete do else export extends finally for
    function if import in instanceof new return super switch this throw try typeof var void while
    with yield let static async await of get set true false null undefined as from type interface
    enum implements declare readonly private public protected abstract namespace satisfies keyof
    infer is unique module global asserts override accessor
"""
KEYWORDS = frozenset(_KEYWORDS.split())
_TS_TYPES = """
    number string boolean any unknown never object void bigint symbol
"""
TS_TYPES = frozenset(_TS_TYPES.split())
"""TypeScript's primitive type names: `number[]` is no read of a variable `number`."""
_TYPE_CONTEXT = frozenset({":", "as", "satisfies", "extends", "implements", "keyof", "<", "|", "&", "is"})
CONTEXT_NAMES = frozenset({"request", "env", "ctx", "event", "context", "req"})
"""Names a handler's parameters usually have: read anywhere, they mark code lifted from a handler."""


_BINDING_WORDS = (*DECLARERS, "import", "catch")
"""Identifiers that bind the names after them."""


def defined_names(tokens: TokenList) -> set[str]:
    names: set[str] = set()
    for i in _binding_candidates(tokens):
        token = tokens[i]
        if token.kind != "ident":
            continue
        prev = tokens[i - 1].text if i else ""
        nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if token.text in DECLARERS and prev != ".":
            names |= _bound_after(tokens, i + 1)
        elif token.text in ("import",) and prev != ".":
            names |= _import_names(tokens, i + 1)
        elif nxt == "=>":
            names.add(token.text)
        elif nxt == "=" and prev in ("", ";", "}", ")") and token.depth == 0:
            names.add(token.text)  # sloppy-mode global, or an assignment continuing a statement
        elif token.text == "catch" and nxt == "(":
            names |= idents_in(tokens, i + 1)
    for i in tokens.where("("):
        if is_parameter_list(tokens, i):
            names |= idents_in(tokens, i)
    return names


def _binding_candidates(tokens: TokenList) -> set[int]:
    """Where a name may be bound: a binding word, or the token before `=>` or `=` (the only
    tokens `defined_names` acts on, found by text instead of visiting every identifier)."""
    found = {i for word in _BINDING_WORDS for i in tokens.where(word)}
    found.update(i - 1 for arrow in ("=>", "=") for i in tokens.where(arrow) if i)
    return found


def _bound_after(tokens: TokenList, i: int) -> set[str]:
    """Names bound by `const x`, `let { a, b: c }`, `function f(...)`, `class C`: liberally."""
    if i < len(tokens) and tokens[i].text == "*":
        i += 1
    if i >= len(tokens):
        return set()
    token = tokens[i]
    if token.kind == "ident":
        names = {token.text}
        depth, last, j = token.depth, len(tokens) - 1, i + 1
        while j < last:  # `let a = 1, b = 2`: every name after a comma
            here = tokens[j]
            if here.depth != depth:
                if here.depth < depth:
                    break
            elif here.text == ";":
                break
            elif here.text == "," and tokens[j + 1].kind == "ident":
                names.add(tokens[j + 1].text)
            elif here.text in _OPENERS:  # what the brackets hold is deeper: on to their closer
                j = tokens.close_after(j)
            j += 1
        return names
    if token.text in ("{", "["):
        return idents_in(tokens, i)
    return set()


def _import_names(tokens: list[Token], i: int) -> set[str]:
    names = set()
    while i < len(tokens) and tokens[i].text not in ("from", ";") and tokens[i].kind != "string":
        if tokens[i].kind == "ident":
            names.add(tokens[i].text)
        i += 1
    return names


def used_names(tokens: TokenList, typescript: bool) -> list[str]:
    used = []
    last = len(tokens) - 1
    for i in tokens.idents:
        token = tokens[i]
        if i and tokens[i - 1].text in (".", "?.", "#"):
            continue
        nxt = tokens[i + 1] if i < last else None
        if token.text in CONTEXT_NAMES and (nxt is None or nxt.text not in (":", "=", "=>")):
            used.append(token.text)
            continue
        if nxt is None:
            continue
        read = nxt.text in (".", "?.", "[") or (nxt.text == "(" and not is_method_definition(tokens, i))
        tagged = nxt.kind == "string" and nxt.template and nxt.start == token.end + 1
        in_type = typescript and i > 0 and tokens[i - 1].text in _TYPE_CONTEXT
        if ((read or tagged) and not in_type and not _in_type_position(tokens, i)) or _extended_class(tokens, i):
            used.append(token.text)
    return used


def _extended_class(tokens: list[Token], i: int) -> bool:
    """`class Counter extends DurableObject`: the base class is a value the code needs."""
    return i > 0 and tokens[i - 1].text == "extends" and any(t.text == "class" for t in tokens[max(i - 3, 0) : i])


def _in_type_position(tokens: list[Token], i: int) -> bool:
    """`x: Cloudflare.Env` in a parameter list: TypeScript types, not code (so is `a ? b : c.d`
    inside parentheses, which is then not counted: the error is on the side of "defined")."""
    if not i or tokens[i - 1].text != ":":
        return False
    depth = tokens[i].depth
    opener = next((tokens[j] for j in range(i - 1, -1, -1) if tokens[j].depth == depth - 1 and tokens[j].text in "([{"),
                  None)
    return opener is not None and opener.text == "("
