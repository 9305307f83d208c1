"""Which names the blocks of a Worker page session bind and read: what a combined program would lack.

Stricter than the classifier, which counts only names called or read from (it errs towards running a
whole block): a block added to another's program must find every name it reads there.
"""

from __future__ import annotations

import re

from harness.extract.jsfacts import facts_of
from harness.extract.jsglobals import RUNTIME_GLOBALS
from harness.extract.jsnames import KEYWORDS, TS_TYPES
from harness.extract.jsscan import is_method_definition, tokenize
from harness.extract.sessions import HANDLER_PARAMETERS
from harness.model import Snippet

_IMPORT_CLAUSE = re.compile(r"^[ \t]*import\s+(?:type\s+)?([\w$*{}\s,]+?)\s+from\s", re.MULTILINE)
_TOP_DESTRUCTURED = re.compile(r"^(?:export\s+)?(?:const|let|var)\s*\{([^}]*)\}", re.MULTILINE)
_FETCH_PARAMETERS = re.compile(r"fetch(?<=\bfetch)\s*\(([^)]*)\)")
"""`\bfetch(...)`, written so that the search skips to each `fetch` as to a literal."""


def provides(block: Snippet) -> set[str]:
    """The names a block binds at its top level: declarations, imports, destructured constants."""
    names = set(facts_of(block.code, block.language == "ts").declares)
    for group in _IMPORT_CLAUSE.findall(block.code) + _TOP_DESTRUCTURED.findall(block.code):
        names |= {part.split(":")[-1].split(" as ")[-1].strip(" {}*\n\t") for part in group.split(",")}
    return names


def missing_names(base: Snippet | None, modules: list[Snippet], bodies: list[Snippet]) -> list[str]:
    """Names the added blocks read that neither the program's top level, nor (for a handler body) the
    handler's parameters, nor the runtime define (the base, a whole Worker, is judged as it is)."""
    top: set[str] = set().union(*(provides(b) for b in [*([base] if base else []), *modules, *bodies]))
    handler: set[str] = set(HANDLER_PARAMETERS)
    if base is not None:
        found = _FETCH_PARAMETERS.search(base.code)
        handler = {p.split(":")[0].split("=")[0].strip(" ?") for p in found[1].split(",")} if found else set()
    missing: list[str] = []
    for block in [*modules, *bodies]:
        for name in references(block):
            if name in top or name in RUNTIME_GLOBALS or name in KEYWORDS or (block in bodies and name in handler):
                continue
            missing.append(name)
    return list(dict.fromkeys(missing))


_TYPE_BEFORE = frozenset({":", "<", "as", "extends", "implements", "|", "&", "type", "interface", "satisfies"})


def references(block: Snippet) -> list[str]:
    """The names a block reads that it does not define, stricter than the classifier (which counts
    only names called or read from, as it errs towards running a whole block): any name in the code
    outside property names, object keys and (in TypeScript) type positions."""
    typescript = block.language == "ts"
    facts = facts_of(block.code, typescript)
    tokens = tokenize(block.code)
    found = list(facts.used)
    for i in tokens.idents:
        token = tokens[i]
        before = tokens[i - 1].text if i else ""
        after = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if token.template or before in (".", "?.", "#") or after == ":" or token.text in facts.defined \
                or is_method_definition(tokens, i) or token.text in ("get", "set", "static"):
            continue
        if typescript and (before in _TYPE_BEFORE or after == "<" or token.text in TS_TYPES):
            continue
        found.append(token.text)
    return list(dict.fromkeys(found))
