"""JavaScript and TypeScript: the languages the `node` and `worker` runtimes share.

The classifier says whether code is a Worker module (`export default { fetch }`, kind `worker`,
run by `worker.py`) or a script (kind `script`, run by `node.py`), and why other code does not run.
It errs towards "runnable": a fragment only when the code reads a name nothing defines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from harness.extract import bindings, provided
from harness.extract.jsfacts import facts_of
from harness.extract.jsglobals import BROWSER_ONLY, NOT_IN_NODE, RUNTIME_GLOBALS
from harness.extract.jsnames import KEYWORDS
from harness.extract.jsscan import string_spans, tokenize
from harness.extract.placeholder_values import environment
from harness.runtimes.base import Classification, Language, Note, listed
from harness.runtimes.worker_bindings import exported_classes, workflow_classes

_WORKER_MODULE = re.compile(r"export\s+default\b[\s\S]*\bfetch\s*[(:]")
PAGES_HANDLER = re.compile(r"^onRequest(?:Get|Post|Put|Patch|Delete|Head|Options)?$")
"""The handlers a Pages Function module exports (`onRequest`, `onRequestPost`, ...)."""
_ELIDED = re.compile(r"^[ \t]*(?:\.\.\.|…)[ \t]*;?[ \t]*$", re.MULTILINE)
"""A line that is only `...`: the page left code out (not JavaScript; a spread has an operand)."""
_NO_OPERAND = frozenset({"]", ")", "}", ",", ";"})
"""What follows a `...` that spreads nothing: `[0.1, 0.2, ...]`, `f(a, ...)` leave values out."""
PAGES_KIND = "pages-function"
"""The kind of a Pages Function module: run by the Worker runtime inside a Pages `context`."""


_PAGES_EXPORT = re.compile(r"export\s+(?:async\s+)?(?:function|const|let|var)\s+"
                           r"onRequest(?:Get|Post|Put|Patch|Delete|Head|Options)?\b")


def guess_kind(code: str) -> str:
    """`worker` for a module that exports a fetch handler, `pages-function` for one that exports
    `onRequest*`, else `script`."""
    if _WORKER_MODULE.search(code):
        return "worker"
    return PAGES_KIND if _PAGES_EXPORT.search(code) else "script"


def _elided_at(code: str) -> int | None:
    """Where the page left code out: a line that is only `...`, or a `...` (or `…`) in the code that stands
    for values (`[32.4, 74.1, ...]`), not a spread; None when it left nothing out."""
    line = _ELIDED.search(code)
    if line is not None:
        return line.start()
    if "..." not in code and "…" not in code:
        return None
    tokens = tokenize(code)
    for i, token in enumerate(tokens):
        if token.text == "…" or (token.text == "..." and (i + 1 == len(tokens) or tokens[i + 1].text in _NO_OPERAND)):
            return token.start
    return None


def classify_js(code: str, placeholders: Mapping[str, str]) -> Classification:
    """A `js` fence's code (run as TypeScript when it is)."""
    return _classify(code, "js", placeholders)


def classify_ts(code: str, placeholders: Mapping[str, str]) -> Classification:
    """A `ts` fence's code."""
    return _classify(code, "ts", placeholders)


def _classify(code: str, language: str, placeholders: Mapping[str, str]) -> Classification:
    facts = facts_of(code, language == "ts")
    notes: tuple[Note, ...] = ()
    if language == "js" and facts.typescript:
        notes = (Note(f"the fence says js but the code is TypeScript (`{facts.typescript}`): run as TypeScript",
                      near=facts.typescript.split(":")[0]),)
        language = "ts"
    env, missing = environment(list(facts.process_env), placeholders)

    def result(kind: str, reason: str | None = None) -> Classification:
        return Classification(kind, reason, language, env, tuple(missing), notes)

    pages = [name for name in facts.declares if PAGES_HANDLER.match(name)] if not facts.default_export else []
    service_worker = facts.service_worker and not facts.default_export  # run as workerd runs that format
    handled = not facts.handlers or bool({"fetch", "scheduled"} & set(facts.handlers))  # scheduled: a cron event
    worker = bool(pages) or service_worker or (facts.default_export and handled)
    unknown = [n for n in facts.used if n not in RUNTIME_GLOBALS and n not in KEYWORDS]
    browser = [n for n in unknown if n in BROWSER_ONLY]
    if browser:
        return result("fragment", f"fragment: browser-only API {listed(browser)}")
    elided = _elided_at(code)
    if elided is not None:
        line = code.count("\n", 0, elided) + 1
        return result("fragment", f"fragment: code left out with `...` (line {line} of the block)")
    if facts.top_level_return:
        return result("fragment", "fragment: `return` outside a function")
    if unknown and not pages and not service_worker and not (facts.default_export and handled and facts.handlers):
        # a whole Worker that reads an undefined name is a page bug for the run to show, not a fragment
        return result("fragment", f"fragment: uses {listed(unknown)}, never defined")
    local = [spec for spec in facts.imports if spec.startswith((".", "/", "file:"))]
    if local:
        return result("fragment", f"fragment: imports {listed(local)}, a file of a larger project")
    runs_in_worker = (facts.default_export or service_worker
                      or any(spec.startswith("cloudflare:") for spec in facts.imports))
    if runs_in_worker and not worker:
        handlers = [h for h in facts.handlers if h != "fetch"]
        if handlers:
            return result("worker", f"not runnable: Worker with no fetch handler (only {listed(handlers)}); "
                          "the harness sends a Worker requests or a cron event")
        return result("fragment", "fragment: Worker code without a default export that handles fetch")
    if not worker and not facts.top_level_effect:
        if facts.declares and all(re.search(rf"\b(?:interface|type)\s+{re.escape(name)}\b", code)
                                  for name in facts.declares):
            return result("module", f"not runnable: only declares TypeScript type{'s' * (len(facts.declares) > 1)} "
                          f"{listed(facts.declares)}, which compile{'s' * (len(facts.declares) == 1)} to nothing: "
                          "there is nothing to run")
        if facts.declares:
            return result("module", f"not runnable: only defines {listed(facts.declares)}; nothing calls it")
        return result("fragment", "fragment: nothing at the top level runs")
    kind = PAGES_KIND if pages else "worker"
    hyperdrive = [b["name"] for b in bindings.infer(code, facts.env_bindings) if b["type"] == "hyperdrive"]
    if worker and hyperdrive:  # before its driver's package: installing that would not make it run
        return result(kind, f"not runnable: needs Hyperdrive binding {listed(hyperdrive)}, which connects to a real "
                      "PostgreSQL or MySQL database (Miniflare's too); the harness runs none")
    packages = _missing_packages(facts.imports, worker=runs_in_worker or bool(pages))
    urls = [name for name in packages if "://" in name]
    if urls:
        return result(kind if worker else "script",
                      f"not runnable: imports {listed(urls)} from the network, which the harness does not serve")
    if packages:
        where = "Workers" if runs_in_worker or pages else "Node scripts"
        return result(kind if worker else "script",
                      f"not runnable: needs npm package {listed(packages)}, not installed for {where}")
    needed = bindings.infer(code, facts.env_bindings)
    lacking = [b for b in bindings.unprovided(needed) if not (pages and b["type"] == "assets")]  # Pages has ASSETS
    if worker and lacking:
        return result(kind, bindings.reason(lacking))
    tables = _tables_never_created(code) if any(b["type"] == "d1_database" for b in needed) else []
    if worker and tables:
        return result(kind, f"not runnable: queries D1 table {listed(tables)}, which this snippet does not create "
                      "(a D1 database starts empty: the reader creates it first with `wrangler d1 execute` or a "
                      "migration, and page sessions are not run yet)")
    durable = [b["name"] for b in needed if b["type"] == "durable_object_namespace"]
    if worker and durable and not exported_classes(code):
        return result(kind, f"not runnable: Durable Object namespace binding {listed(durable)} needs its class, "
                      "which this snippet does not export (it lives in another Worker)")
    flows = [b["name"] for b in needed if b["type"] == "workflow"]
    if worker and flows and not workflow_classes(code):
        return result(kind, f"not runnable: Workflow binding {listed(flows)} needs its class (a `WorkflowEntrypoint`), "
                      f"which this snippet does not export")
    runtime_only = [n for n in facts.used if n in NOT_IN_NODE and n not in facts.defined]
    if not worker and not runs_in_worker and runtime_only:
        return result("fragment", f"fragment: browser or Worker code: uses {listed(runtime_only)}, which Node.js 20 "
                      "(the harness's runner for a script) does not define")
    return result(kind if worker else "script")


_SQL_STRING = re.compile(r"([\"'`])\s*((?:SELECT|INSERT|UPDATE|DELETE|CREATE|REPLACE|WITH)\b(?:(?!\1)[^\\]|\\.)*)\1",
                         re.IGNORECASE)
"""A string of the code that holds an SQL statement (other quotes may stand in it: `'Bs Beverages'`)."""
_SQL_TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE(?:\s+IF\s+NOT\s+EXISTS)?)\s+[`\"\[]?(\w+)", re.IGNORECASE)
_SQL_CREATED = re.compile(r"\bCREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[`\"\[]?(\w+)", re.IGNORECASE)
_SQL_WORDS = frozenset({"select", "values", "set", "where", "if", "not", "exists"})


def _tables_never_created(code: str) -> list[str]:
    """Tables the SQL statements of a Worker's strings use that its own code never creates (a D1
    database starts empty)."""
    statements = [m.group(2) for m in _SQL_STRING.finditer(code)]
    created = {name.lower() for sql in statements for name in _SQL_CREATED.findall(sql)}
    used = [name for sql in statements for name in _SQL_TABLE.findall(sql)
            if name.lower() not in created and name.lower() not in _SQL_WORDS]
    return list(dict.fromkeys(used))


_CDN_PATH = re.compile(r"^https?://(?:esm\.sh|cdn\.skypack\.dev|unpkg\.com|cdn\.jsdelivr\.net/npm|esm\.run)"
                       r"/(?:v\d+/)?(?P<path>[^?#]+)")


def package_of(spec: str) -> str:
    """The npm package an import names: `hono/jsx` -> `hono`, `@scope/x/y` -> `@scope/x`,
    `npm:stripe@14` -> `stripe`, `https://esm.sh/hono@4/jsx` -> `hono` (a CDN serves npm packages by
    name); a URL that names no package is kept whole."""
    spec = spec.removeprefix("npm:")
    if "://" in spec:
        found = _CDN_PATH.match(spec)
        if found is None or found["path"].startswith("/"):
            return spec
        spec = found["path"]
    elif ":" in spec.split("/")[0]:
        return spec  # another registry's scheme (`jsr:@std/path`)
    parts = spec.split("/")
    if spec.startswith("@") and len(parts) > 1:
        return parts[0] + "/" + parts[1].split("@")[0]
    return parts[0].split("@")[0]


def _missing_packages(imports: Iterable[str], worker: bool) -> list[str]:
    missing = []
    for spec in imports:
        if spec.startswith(("node:", "cloudflare:")) or spec in provided.NODE_BUILTINS:
            continue
        name = package_of(spec)
        if name and not provided.npm_provided(name, worker):
            missing.append(name)
    return list(dict.fromkeys(missing))


JAVASCRIPT = Language(
    name="js",
    fence_words=("js", "javascript", "mjs", "cjs"),
    classify=classify_js,
    default_kind=guess_kind,
    string_spans=string_spans,
    body_marker="body",
)
TYPESCRIPT = Language(
    name="ts",
    fence_words=("ts", "typescript", "mts"),
    classify=classify_ts,
    default_kind=guess_kind,
    string_spans=string_spans,
    body_marker="body",
)
