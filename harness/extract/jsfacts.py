"""What a JavaScript or TypeScript snippet does, read from its tokens: imports, Worker handlers
and bindings, environment variables, TypeScript syntax, whether anything runs at the top level."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from harness.extract.document import mask
from harness.extract.jsnames import DECLARERS, KEYWORDS, TS_TYPES, defined_names, used_names
from harness.extract.jsscan import (
    Token,
    TokenList,
    at,
    close_of,
    is_method_definition,
    is_parameter_list,
    tokenize,
    unquote,
)
from harness.extract.repeats import REPEATS

HANDLERS = ("fetch", "scheduled", "queue", "email", "tail", "trace", "test")
"""Event handlers a Worker's default export may define."""
_TS_LINE = re.compile(
    r"^\s*(?:export\s+)?(?:interface\s+[A-Za-z_]\w*\s*(?:<[^>]*>\s*)?(?:extends\b|\{)"
    r"|type\s+[A-Za-z_]\w*\s*(?:<[^>]*>\s*)?=[^=>]"
    r"|enum\s+[A-Za-z_]\w*\s*\{|declare\s+(?:const|global|module|function)\b)",
    re.MULTILINE,
)


@dataclass(frozen=True)
class JsFacts:
    """Facts about one JS/TS snippet."""

    imports: tuple[str, ...]
    """Module specifiers it imports or requires, in order (`hono`, `node:fs`, `cloudflare:workers`)."""
    defined: frozenset[str]
    """Every name the code may bind."""
    used: tuple[str, ...]
    """Names read (called, indexed, or with a property read) and never defined, in order."""
    top_level_return: bool
    default_export: bool
    handlers: tuple[str, ...]
    """Worker handlers (`fetch`, `scheduled`, ...) defined by name in the code."""
    env_bindings: tuple[str, ...]
    """Names read as `env.NAME` (or `env["NAME"]`): the Worker bindings it needs."""
    service_worker: bool
    """Registers `addEventListener("fetch", ...)`: the Service Worker format."""
    typescript: str | None
    """The first piece of TypeScript-only syntax found (`interface Env`), or None."""
    process_env: tuple[str, ...]
    """Names read as `process.env.NAME` or `process.env["NAME"]`."""
    top_level_effect: bool
    """Something at the top level runs: a call, `await`, `new`, a loop or `if` (not only definitions)."""
    declares: tuple[str, ...]
    """Names declared at the top level (`function handle`, `export class Counter`, `const KEY`)."""


@lru_cache(maxsize=REPEATS)
def js_facts(code: str, typescript: bool = False) -> JsFacts:
    """Read the facts of `code` (JavaScript, or TypeScript when `typescript` or it looks like it)."""
    tokens = tokenize(code)
    defined = defined_names(tokens)
    ts_syntax = _typescript(code, tokens)
    types = typescript or ts_syntax is not None
    used = [name for name in used_names(tokens, types) if name not in defined and name not in KEYWORDS
            and not (types and name in TS_TYPES)]
    return JsFacts(
        imports=tuple(_imports(tokens)),
        defined=frozenset(defined),
        used=tuple(dict.fromkeys(used)),
        top_level_return=any(tokens[i].kind == "ident" and tokens[i].depth == 0 for i in tokens.where("return")),
        default_export=any(at(tokens, i + 1, "default") for i in tokens.where("export")),
        handlers=tuple(h for h in HANDLERS if _defines_handler(tokens, h)),
        env_bindings=tuple(dict.fromkeys(_members(tokens, "env") + _destructured(tokens, "env"))),
        service_worker=_service_worker(tokens),
        typescript=ts_syntax,
        process_env=tuple(dict.fromkeys(_process_env(tokens))),
        top_level_effect=_top_level_effect(tokens),
        declares=tuple(dict.fromkeys(_top_level_declarations(tokens))),
    )


def _service_worker(tokens: TokenList) -> bool:
    return any(i < len(tokens) - 2 and at(tokens, i + 1, "(") and tokens[i + 2].text.strip("'\"`") == "fetch"
               for i in tokens.where("addEventListener"))


def _top_level_declarations(tokens: TokenList) -> list[str]:
    return [tokens[i + 1].text for i in sorted(i for word in DECLARERS for i in tokens.where(word))
            if i < len(tokens) - 1 and tokens[i].depth == 0 and tokens[i + 1].kind == "ident"
            and (not i or tokens[i - 1].text != ".")]


_IMPORT_WORDS = ("import", "export", ";", "from", "require")
"""The only tokens the import reader acts on."""


def _imports(tokens: TokenList) -> list[str]:
    found = []
    in_import = False
    for i in sorted(i for word in _IMPORT_WORDS for i in tokens.where(word)):
        token = tokens[i]
        if token.kind == "ident" and token.text in ("import", "export") and (i == 0 or tokens[i - 1].text != "."):
            in_import = True
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if token.text == "import" and nxt is not None and nxt.kind == "string":
                found.append(unquote(nxt.text))
        elif token.text == ";":
            in_import = False
        if token.kind != "ident":
            continue
        if token.text == "from" and in_import and i + 1 < len(tokens) and tokens[i + 1].kind == "string":
            found.append(unquote(tokens[i + 1].text))
            in_import = False
        elif token.text in ("require", "import") and at(tokens, i + 1, "(") and _is_string(tokens, i + 2):
            found.append(unquote(tokens[i + 2].text))
    return list(dict.fromkeys(found))


def _is_string(tokens: list[Token], i: int) -> bool:
    return i < len(tokens) and tokens[i].kind == "string" and not tokens[i].template


def _members(tokens: TokenList, obj: str) -> list[str]:
    names = []
    for i in tokens.where(obj):
        if tokens[i].kind != "ident":
            continue
        if at(tokens, i + 1, ".") and i + 2 < len(tokens) and tokens[i + 2].kind == "ident":
            names.append(tokens[i + 2].text)
        elif at(tokens, i + 1, "[") and i + 2 < len(tokens) and tokens[i + 2].kind == "string":
            names.append(unquote(tokens[i + 2].text))
    return names


def _destructured(tokens: TokenList, obj: str) -> list[str]:
    """Names destructured from `obj`: `const { A, B: b } = env`, `= c.env`, `= env(c)` (Hono's adapter)."""
    names: list[str] = []
    for i in tokens.where(obj):
        keys: list[str] = []
        start = i - 2 if at(tokens, i - 1, ".") else i  # `c.env`: look before the object it is read from
        if start < 2 or tokens[start - 1].text != "=" or tokens[start - 2].text != "}":
            continue
        depth, j = 0, start - 2
        while j >= 0:  # back to the `{` that opens the pattern, taking the keys at its own depth
            text = tokens[j].text
            depth += text in ")]}"
            depth -= text in "([{"
            if depth == 0:
                break
            if depth == 1 and tokens[j].kind == "ident" and tokens[j - 1].text in ("{", ","):
                keys.append(tokens[j].text)
            j -= 1
        names += reversed(keys)
    return names


def _process_env(tokens: TokenList) -> list[str]:
    return [unquote(tokens[i + 4].text) for i in tokens.where("process")
            if i < len(tokens) - 4 and at(tokens, i + 1, ".", "env")
            and ((tokens[i + 3].text == "." and tokens[i + 4].kind == "ident")
                 or (tokens[i + 3].text == "[" and tokens[i + 4].kind == "string"))]


_EFFECT_WORDS = frozenset({"await", "new", "if", "for", "while", "do", "try", "switch", "throw", "yield", "delete"})


def _top_level_effect(tokens: TokenList) -> bool:
    """A call, `await`, `new`, a loop, an `if` (and the like) outside every bracket."""
    for i, token in enumerate(tokens):
        if token.depth:
            continue
        if token.kind == "ident" and token.text in _EFFECT_WORDS and (not i or tokens[i - 1].text != "."):
            return True
        if token.text == "(" and i and _is_call(tokens, i):
            return True
        tagged = token.kind == "string" and token.template and i and tokens[i - 1].end + 1 == token.start
        if tagged and tokens[i - 1].kind == "ident":
            return True
    return False


def _is_call(tokens: TokenList, i: int) -> bool:
    """`(` at `i` calls what precedes it (not `function f(`, `if (`, `async (`, `=> (`)."""
    before = tokens[i - 1]
    if is_parameter_list(tokens, i):
        return False
    if before.kind == "ident":
        return before.text not in KEYWORDS and not (i > 1 and tokens[i - 2].text in ("function", "*"))
    return before.text in (")", "]") or (before.kind == "string" and not before.template)


def _defines_handler(tokens: TokenList, name: str) -> bool:
    for i in tokens.where(name):
        if tokens[i].kind != "ident" or (i and tokens[i - 1].text == "."):
            continue
        if at(tokens, i + 1, ":") or at(tokens, i + 1, "=") or is_method_definition(tokens, i):
            return True
    return False


_TS_WORDS = ("satisfies", "(", "as")
"""The tokens the TypeScript reader looks at beyond its line patterns."""


def _typescript(code: str, tokens: TokenList) -> str | None:
    match = _TS_LINE.search(_blank_strings(code, tokens))
    if match:
        return " ".join(match.group(0).split()).rstrip("{=").strip()
    for i in sorted(i for word in _TS_WORDS for i in tokens.where(word)):
        token = tokens[i]
        if token.text == "satisfies" and i and tokens[i - 1].text in (")", "}", "]") and i + 1 < len(tokens):
            return "satisfies " + tokens[i + 1].text
        if token.text == "(" and is_parameter_list(tokens, i):
            annotated = _annotated_parameter(tokens, i)
            if annotated:
                return annotated
        if token.text == "as" and at(tokens, i + 1, "const") and tokens[i - 1].kind != "ident":
            return "as const"
    return None


def _annotated_parameter(tokens: TokenList, open_index: int) -> str | None:
    """`(request: Request, env: Env)`: a parameter with a type (a `?` before means a ternary)."""
    close = close_of(tokens, open_index)
    depth = tokens[open_index].depth + 1
    for j in range(open_index + 1, close):
        if tokens[j].depth != depth:
            continue
        if tokens[j].text == "?" and not at(tokens, j + 1, ":"):
            return None
        typed = tokens[j].text == ":" and j > open_index + 1 and j + 1 < close
        if typed and tokens[j - 1].kind == "ident" and tokens[j + 1].kind == "ident":
            return f"{tokens[j - 1].text}: {tokens[j + 1].text}"
    return None


def _blank_strings(code: str, tokens: list[Token]) -> str:
    return mask(code, [(token.start, token.end) for token in tokens if token.kind in ("string", "regex")])


@lru_cache(maxsize=1024)
def facts_of(code: str, typescript: bool) -> JsFacts:
    """The facts of `code`, read once for the classifier and the page's later passes (bindings)."""
    return js_facts(code, typescript=typescript)
