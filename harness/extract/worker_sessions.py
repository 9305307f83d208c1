"""Worker page sessions: a JS/TS block that continues an earlier Worker block of its page runs combined
with it, as the page means it (`worker_program.py` puts the program together).

- A block whose session plan (`sessions.py`) points at earlier blocks runs as the program they make with
  it: a whole Worker module, a lone handler, handler bodies, module-level additions.
- A handler body that continues nothing but uses only the handler's parameters (`request`, `env`, `ctx`)
  or `return`s at its top level runs as the body of a fetch handler.
- A Worker whose Durable Object class lives in another block of the page gets that block's class.
- A D1 query of a table an earlier block of the session creates gets that block too.

The block keeps its page line, source, id and session plan; its `code` becomes the program (the reports
show the source, and the program under "ran as"), its `line_map` option maps the program's lines back to
the page. A combination that still cannot run leaves the block as it was, its reason naming what is missing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace

from harness.extract.classify import classify
from harness.extract.jsfacts import facts_of
from harness.extract.jsglobals import RUNTIME_GLOBALS
from harness.extract.jsnames import KEYWORDS
from harness.extract.jsscan import TokenList, at, close_of, tokenize
from harness.extract.sessions import HANDLER_PARAMETERS, RETURN_REASON, SESSION_OPTION
from harness.extract.worker_names import missing_names, provides, references
from harness.extract.worker_program import HARNESS_ANSWER_OPTION, LINE_MAP_OPTION, RAN_AS_OPTION, Piece, assemble
from harness.model import Snippet
from harness.runtimes.base import listed

_LANGUAGES = frozenset({"js", "ts"})
_ELIDED = re.compile(r"^[ \t]*(?:\.\.\.|…)[ \t]*;?[ \t]*$", re.MULTILINE)
_DURABLE = "Durable Object namespace binding"
_WORKFLOW = "needs its class (a `WorkflowEntrypoint`)"
_WORKFLOW_CLASS = re.compile(r"export(?<=\bexport)\s+class\s+[A-Za-z_$][\w$]*\s+extends\s+WorkflowEntrypoint\b")
_D1_TABLE = re.compile(r"not runnable: queries D1 table (.+?), which (?:this snippet does not create|no block of this "
                       r"page's session creates)")
_EXPORTED_CLASS = re.compile(r"export(?<=\bexport)\s+(?:default\s+)?class\s+[A-Za-z_$]")
"""A class the block exports: what the runner binds a Durable Object namespace to."""
_CREATED = re.compile(r"\bCREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[`\"\[]?(\w+)", re.IGNORECASE)


def role_of(snippet: Snippet) -> str:
    """What a block is in a session: `worker` (a whole module), `skeleton` (a handler shown alone),
    `body` (a handler's body), `module` (module-level code) or `unusable` (code left out, a local import)."""
    code = snippet.code
    if _ELIDED.search(code) or snippet.language not in _LANGUAGES:
        return "unusable"
    facts = facts_of(code, snippet.language == "ts")
    if any(spec.startswith((".", "/", "file:")) for spec in facts.imports):
        return "unusable"
    if facts.default_export:
        return "worker" if "fetch" in facts.handlers or not facts.handlers else "unusable"
    tokens = tokenize(code)
    if _is_skeleton(tokens):
        return "skeleton"
    top_level = any(tokens[i].kind == "ident" and tokens[i].depth == 0 for i in tokens.where("return")) \
        or any(tokens[i].kind == "ident" and tokens[i].depth == 0 for i in tokens.where("await"))
    return "body" if top_level or HANDLER_PARAMETERS & set(facts.used) else "module"


def _is_skeleton(tokens: TokenList) -> bool:
    """A handler shown alone: `async fetch(request, env) { ... }` and nothing else (not a call `fetch(url)`)."""
    i = 1 if at(tokens, 0, "async") else 0
    if not (at(tokens, i, "fetch") and at(tokens, i + 1, "(")):
        return False
    k = close_of(tokens, i + 1) + 1
    while k < len(tokens) and tokens[k].text not in ("{", ";", ","):
        k += 1  # a return type
    return k < len(tokens) and tokens[k].text == "{" and close_of(tokens, k) >= len(tokens) - 2


def combine_workers(snippets: Sequence[Snippet]) -> list[Snippet]:
    """`snippets` (one page, in page order, session plans given) with each JS/TS block that a Worker
    session completes turned into that session's Worker; the others as they were."""
    by_id = {s.id: s for s in snippets}
    return [_combined(s, snippets, by_id) if _candidate(s) else s for s in snippets]


def _candidate(snippet: Snippet) -> bool:
    reason = snippet.skip_reason or ""
    return snippet.language in _LANGUAGES and (reason.startswith("fragment:") or _needs_class(reason)) \
        and role_of(snippet) != "unusable"


def _needs_class(reason: str) -> bool:
    """Whether the reason is a Durable Object's or a Workflow's class missing from the block."""
    return _DURABLE in reason or _WORKFLOW in reason


def _combined(snippet: Snippet, page: Sequence[Snippet], by_id: dict[str, Snippet]) -> Snippet:
    plan = json.loads(snippet.options.get(SESSION_OPTION, "{}"))
    chain = _reaching([by_id[i] for i in plan.get("after", []) if i in by_id], snippet, page, by_id)
    chain = [_in_language(b, snippet.language, page) for b in chain if role_of(b) != "unusable"]
    if not chain and role_of(snippet) != "body" and not _needs_class(snippet.skip_reason or ""):
        return snippet
    blocked = next((b for b in chain if role_of(b) == "body" and _returns(b)), None)
    if blocked is not None and _after_base(blocked, chain):
        return replace(snippet, skip_reason=f"fragment: continues line {blocked.line}, which returns before this "
                       "block would run")
    blocks = chain + [snippet]
    attempt = _try(snippet, blocks)
    extra = _helpers(snippet, page, blocks, attempt)
    if extra:
        attempt = _try(snippet, blocks, extra)
    if attempt is None:
        return snippet
    if attempt.skip_reason is not None and attempt.skip_reason.startswith("fragment:"):
        if snippet.skip_reason == RETURN_REASON and attempt.skip_reason.startswith("fragment: uses "):
            return replace(snippet, skip_reason=f"{RETURN_REASON}; {attempt.skip_reason.removeprefix('fragment: ')}")
        if not chain and (snippet.skip_reason or "").startswith("fragment: uses ") \
                and attempt.skip_reason.startswith("fragment: uses "):
            return replace(snippet, skip_reason=attempt.skip_reason)  # what a handler's parameters leave missing
        if not (snippet.skip_reason or "").startswith("fragment: continues"):
            return snippet
        if "inside a function" in (attempt.skip_reason or ""):
            return replace(snippet, skip_reason=attempt.skip_reason)
        return replace(snippet, skip_reason=f"{attempt.skip_reason} ({_with_what(chain, plan, by_id)})")
    return attempt


def _in_language(block: Snippet, language: str, page: Sequence[Snippet]) -> Snippet:
    """The tab of `block`'s group in `language` when it has one of the same role (a `js` block continues
    the JavaScript tab of a Worker shown in JavaScript and TypeScript), else `block`."""
    if block.language == language:
        return block
    return next((b for b in page if b.group == block.group and b.language == language and b.label != block.label
                 and role_of(b) == role_of(block)), block)


def _reaching(
    chain: list[Snippet], snippet: Snippet, page: Sequence[Snippet], by_id: dict[str, Snippet]
) -> list[Snippet]:
    """`chain` and the earlier blocks of the snippet's tab that bind, at their top level, a name the
    snippet reads that the chain does not (the session plan counts only names called or read from),
    each with the blocks its own plan runs before it; in page order."""
    earlier = [b for b in page if b.language in _LANGUAGES and b.line < snippet.line
               and (b.group != snippet.group or b.label == snippet.label)]
    found = {b.id: b for b in chain}
    bound = set().union(*(provides(b) for b in chain))
    for name in references(snippet):
        if name in bound or name in RUNTIME_GLOBALS or name in KEYWORDS:
            continue
        source = next((b for b in reversed(earlier) if name in provides(b)), None)
        if source is None:
            continue
        after = json.loads(source.options.get(SESSION_OPTION, "{}")).get("after", [])
        for block in [*(by_id[i] for i in after if i in by_id), source]:
            found[block.id] = block
            bound |= provides(block)
    return sorted(found.values(), key=lambda b: b.line)


def _with_what(chain: list[Snippet], plan: dict[str, list[str]], by_id: dict[str, Snippet]) -> str:
    """What the fragment was tried with, for its reason."""
    if chain:
        return f"run with {_lines(chain)} of this page"
    earlier = [by_id[i] for i in plan.get("after", []) if i in by_id]
    return f"{_lines(earlier)}, which it continues, cannot run: code left out, or a file of a larger project"


def _lines(blocks: list[Snippet]) -> str:
    return f"line{'s' if len(blocks) > 1 else ''} {listed([str(b.line) for b in blocks], quote='')}"


def _after_base(block: Snippet, chain: list[Snippet]) -> bool:
    """Whether no whole Worker after `block` in the chain starts the program anew."""
    return not any(b.line > block.line and role_of(b) in ("worker", "skeleton") for b in chain)


def _returns(snippet: Snippet) -> bool:
    tokens = tokenize(snippet.code)
    return any(tokens[i].kind == "ident" and tokens[i].depth == 0 for i in tokens.where("return"))


def _try(snippet: Snippet, blocks: list[Snippet], extra: Sequence[Snippet] = ()) -> Snippet | None:
    """`snippet` run as the program `blocks` make, with `extra` blocks of the page (a Durable Object's
    class, the body that creates a table: first among the bodies, after the modules), classified again;
    None when they make none."""
    base: Snippet | None = None
    modules: list[Snippet] = []
    bodies: list[Snippet] = []
    for block in blocks:
        role = role_of(block)
        if role in ("worker", "skeleton"):
            base, modules, bodies = block, [], []  # a whole file shown again starts the program anew
        elif role == "body":
            bodies.append(block)
        else:
            modules.append(block)
    bodies = [b for b in extra if role_of(b) == "body"] + bodies
    modules += [b for b in extra if role_of(b) == "module"]
    blocks = [*blocks, *extra]
    if base is None and not bodies:
        return None
    missing = missing_names(base, modules, bodies)
    if missing:
        return replace(snippet, skip_reason=_missing_reason(missing, [b for b in blocks if b is not snippet]))
    program = assemble(_piece(base) if base else None, base is not None and role_of(base) == "skeleton",
                       [_piece(b) for b in modules], [_piece(b) for b in bodies])
    if program is None and base is not None:
        return replace(snippet, skip_reason=f"fragment: a handler's body, but the Worker of line {base.line} has no "
                       "`fetch(request, env, ctx) {` on a line of its own to put it in")
    if program is None:
        return None
    language = "ts" if any(b.language == "ts" for b in blocks) else snippet.language
    found = classify(program.code, language, {})
    if found is None or found.kind != "worker":
        return replace(snippet, skip_reason=found.reason if found else None) if found and found.reason else None
    others = sorted((b for b in blocks if b is not snippet), key=lambda b: b.line)
    ran_as = f"with {_lines(others)} of the page" if others else ""
    if base is None:
        ran_as = "as the body of a fetch handler" + (f", {ran_as}" if ran_as else "")
    options = {**snippet.options, "kind": "worker", LINE_MAP_OPTION: program.line_map(), RAN_AS_OPTION: ran_as,
               **({HARNESS_ANSWER_OPTION: "1"} if program.answered_by_harness else {})}
    return replace(snippet, code=program.code, language=found.language, options=options,
                   skip_reason=_session_reason(found.reason))


def _piece(block: Snippet) -> Piece:
    """The block's code at the page line of its first code line (after a `---` header in the fence,
    which `Snippet.line` counts)."""
    header = max(0, len(block.source.splitlines()) - len(block.code.splitlines()))
    return Piece(block.code, block.line + header)


def _missing_reason(missing: list[str], others: list[Snippet]) -> str:
    """The reason of a block whose names the program lacks: defined inside a function of a block it
    continues (it belongs in that function's body, which the page does not say how to reach), or nowhere."""
    inside = [b for b in others if set(missing) <= facts_of(b.code, b.language == "ts").defined]
    if inside:
        return (f"fragment: uses {listed(missing)}, which line {inside[-1].line} defines inside a function: "
                "the block belongs in that function's body")
    return f"fragment: uses {listed(missing)}, never defined on this page"


def _session_reason(reason: str | None) -> str | None:
    """The classifier's reason, worded for a program that already holds the blocks it continues."""
    if reason is None:
        return None
    table = _D1_TABLE.match(reason)
    if table:
        return (f"not runnable: queries D1 table {table[1]}, which no block of this page's session creates "
                "(a D1 database starts empty: the reader creates it first with `wrangler d1 execute` or a migration)")
    return reason


def _helpers(
    snippet: Snippet, page: Sequence[Snippet], blocks: list[Snippet], attempt: Snippet | None
) -> list[Snippet]:
    """Blocks of the page the program still lacks: the Durable Object class its binding needs, the
    earlier block that creates the D1 table it queries."""
    reason = attempt.skip_reason if attempt is not None else snippet.skip_reason
    if not reason:
        return []
    same_tab = [b for b in page if b.language in _LANGUAGES and b not in blocks
                and (b.group != snippet.group or b.label == snippet.label)]
    if _needs_class(reason):
        pattern = _EXPORTED_CLASS if _DURABLE in reason else _WORKFLOW_CLASS
        classes = [b for b in same_tab if role_of(b) == "module" and pattern.search(b.code)]
        preferred = [b for b in classes if b.language == snippet.language] or classes
        before = [b for b in preferred if b.line < snippet.line]
        return before[-1:] or preferred[:1]  # the class as the page last showed it before the Worker
    table = _D1_TABLE.match(reason)
    if table:
        wanted = {name.strip("` ").lower() for name in re.split(r",|\band\b", table[1])}
        return [b for b in same_tab if b.line < snippet.line and role_of(b) in ("body", "module")
                and wanted & {name.lower() for name in _CREATED.findall(b.code)}]
    return []
