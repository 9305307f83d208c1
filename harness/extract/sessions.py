"""Page sessions, the plan: a fragment that uses names an earlier block of its language on the same
page defines continues that block (a notebook's first cell, the Worker of an earlier step).

The plan is plain data in the fragment's option `session` (JSON text):
`{"after": [ids of the earlier snippets, in page order], "defines_from": {name: page line}}`,
and its reason says which line it continues. Which blocks run does not change here.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from dataclasses import replace

from harness.extract.jsfacts import facts_of
from harness.extract.jsglobals import RUNTIME_GLOBALS
from harness.extract.jsnames import KEYWORDS
from harness.extract.pyparse import parsed
from harness.extract.pystrings import OTHER_LINE_BREAKS as _OTHER_LINE_BREAKS
from harness.model import Snippet
from harness.runtimes.base import listed

SESSION_OPTION = "session"
"""The snippet option holding its session plan, as JSON text."""
FAMILIES = {"py": "py", "js": "js", "ts": "js", "sh": "sh"}
"""Languages whose blocks share names in a session (`js` and `ts` build one Worker)."""

HANDLER_PARAMETERS = frozenset({"request", "env", "ctx"})
"""The fetch handler's parameters: a handler body reads them unbound (`harness/extract/worker_sessions.py`)."""
RETURN_REASON = "fragment: `return` outside a function"
"""A JS/TS handler body's reason: its session plan comes from the names it reads."""
_NEVER = re.compile(r"^fragment: uses (.+), never (?:defined|set)$")
_NAME = re.compile(r"`\$?([^`]+)`")
_JS_DECLARATION = re.compile(
    r"^\s*(?:export\s+(?:default\s+)?)?(?:async\s+)?(?:const|let|var|function\*?|class)\s+([A-Za-z_$][\w$]*)",
    re.MULTILINE)
_JS_DESTRUCTURED = re.compile(r"^\s*(?:export\s+)?(?:const|let|var)\s*\{([^}]*)\}", re.MULTILINE)
_JS_IMPORT = re.compile(r"^\s*import\s+(?:type\s+)?([^'\"]+?)\s+from\s", re.MULTILINE)
_JS_HANDLER = re.compile(r"(?:fetch(?<=\bfetch)|scheduled(?<=\bscheduled)|queue(?<=\bqueue)|email(?<=\bemail)"
                         r"|onRequest(?<=\bonRequest)\w*)\s*\(([^)]*)\)")
"""`\b(?:fetch|...)`: each word before its `\b`, so that the search skips to the words' first letters."""
_JS_ARROW = re.compile(r"(?:\(([^()]*+)\)|\b([A-Za-z_$][\w$]*+))\s*=>")
"""An arrow function's parameters (`(c) =>`, `async (request, env) =>`, `c =>`): a route handler's body
shown in a later block uses them."""
_SH_SET = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)=", re.MULTILINE)


def defined_names(snippet: Snippet) -> set[str]:
    """Names a block defines for the blocks after it: top-level bindings, imports, and the parameters
    of a Worker handler (`request`, `env`, `ctx`) or a route's arrow function (`c`)."""
    family = FAMILIES.get(snippet.language)
    if family == "py":
        return _python_names(snippet.code)
    if family == "sh":
        return set(_SH_SET.findall(snippet.code))
    if family != "js":
        return set()
    names = set(_JS_DECLARATION.findall(snippet.code))
    for group in _JS_DESTRUCTURED.findall(snippet.code) + _JS_IMPORT.findall(snippet.code):
        names |= {part.split(":")[-1].split(" as ")[-1].strip(" {}*") for part in group.split(",")}
    params = _JS_HANDLER.findall(snippet.code) + [a or b for a, b in _JS_ARROW.findall(snippet.code)]
    for listed_params in params:
        names |= {p.split(":")[0].split("=")[0].strip(" ?{}.") for p in listed_params.split(",")}
    return {name for name in names if name}


def _unbound(snippet: Snippet) -> list[str]:
    """The names a JS/TS handler body (`return` outside a function) reads and never binds."""
    if snippet.skip_reason != RETURN_REASON:
        return []
    facts = facts_of(snippet.code, snippet.language == "ts")
    return [name for name in facts.used if name not in RUNTIME_GLOBALS and name not in KEYWORDS]


def _python_names(code: str) -> set[str]:
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("!", "%"))]
    plain = len(lines) == code.count("\n") + (not code.endswith("\n")) and not _OTHER_LINE_BREAKS.search(code)
    # with nothing left out and only \n between lines, the lines joined are the code (less a last line
    # end): the same names, from the tree the classifier made
    tree = parsed(code if plain else "\n".join(lines))
    if isinstance(tree, str):
        return set(re.findall(r"^([A-Za-z_]\w*)\s*=", code, re.MULTILINE))
    names: set[str] = set()
    for node in tree.body:
        for sub in ast.walk(node) if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) \
                else [node]:
            if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(sub.name)
            elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
            elif isinstance(sub, ast.alias):
                names.add((sub.asname or sub.name).split(".")[0])
    return names


def plan_sessions(snippets: Sequence[Snippet]) -> list[Snippet]:
    """`snippets` (one page, in page order) with each fragment that continues earlier blocks given
    its session plan and a reason that says so; the others as they were."""
    planned: list[Snippet] = []
    names: dict[str, set[str]] = {}
    for snippet in snippets:
        match = _NEVER.match(snippet.skip_reason or "")
        family = FAMILIES.get(snippet.language)
        needed = _NAME.findall(match[1]) if match else _unbound(snippet) if family == "js" else []
        if not needed or family is None:
            planned.append(snippet)
            continue
        # other tabs of its own group are alternatives to it; earlier blocks of its own tab are steps
        earlier = [s for s in planned if FAMILIES.get(s.language) == family and s.line < snippet.line
                   and (s.group != snippet.group or s.label == snippet.label)]
        for block in earlier:
            if block.id not in names:
                names[block.id] = defined_names(block)
        planned.append(_planned(snippet, needed, earlier, names))
    return planned


def _planned(snippet: Snippet, needed: list[str], earlier: list[Snippet], names: dict[str, set[str]]) -> Snippet:
    """`snippet` with its plan and reason; `names` are what each earlier block defines, by id."""
    defines_from: dict[str, Snippet] = {}
    for name in needed:
        source = next((s for s in reversed(earlier) if name in names[s.id]), None)
        if source is not None:
            defines_from[name] = source
    if not defines_from:
        if not _NEVER.match(snippet.skip_reason or ""):  # a handler body: say what it reads that nothing defines
            unknown = [name for name in needed if name not in HANDLER_PARAMETERS]
            return replace(snippet, skip_reason=f"{snippet.skip_reason}; uses {listed(unknown)}, never defined on "
                           "this page") if unknown else snippet
        return replace(snippet, skip_reason=snippet.skip_reason + " on this page")  # type: ignore[operator]
    after: dict[str, Snippet] = {}
    for source in defines_from.values():
        for chained in _chain(source, earlier):
            after[chained.id] = chained
    plan = {"after": [s.id for s in sorted(after.values(), key=lambda s: s.line)],
            "defines_from": {name: source.line for name, source in defines_from.items()}}
    options = {**snippet.options, SESSION_OPTION: json.dumps(plan, sort_keys=True)}
    shell = FAMILIES.get(snippet.language) == "sh"
    return replace(snippet, skip_reason=_reason(needed, defines_from, shell), options=options)


def _chain(source: Snippet, earlier: list[Snippet]) -> list[Snippet]:
    """`source` and the blocks its own session plan runs before it."""
    plan = json.loads(source.options.get(SESSION_OPTION, "{}"))
    by_id = {s.id: s for s in earlier}
    return [by_id[i] for i in plan.get("after", []) if i in by_id] + [source]


def _reason(needed: list[str], defines_from: dict[str, Snippet], shell: bool) -> str:
    """The reason, naming shell variables as the code does (`$body`)."""
    sigil = "$" if shell else ""
    by_line: dict[int, list[str]] = {}
    for name, source in sorted(defines_from.items(), key=lambda item: item[1].line):
        by_line.setdefault(source.line, []).append(sigil + name)
    missing = [sigil + name for name in needed if name not in defines_from]
    given = ", ".join(f"{listed(names)} from line {line}" for line, names in by_line.items())
    if missing:
        return f"fragment: uses {listed(missing)}, never {'set' if shell else 'defined'} on this page ({given})"
    if len(by_line) == 1:
        [(line, names)] = by_line.items()
        return f"fragment: continues line {line} (uses {listed(names)}, defined there); runs in a page session"
    where = listed([str(line) for line in by_line], quote="")
    return f"fragment: continues lines {where} (uses {given}); runs in a page session"
