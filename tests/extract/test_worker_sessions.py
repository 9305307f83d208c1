"""Worker page sessions: a JS/TS block that continues an earlier Worker block of its page becomes that
session's Worker (harness/extract/worker_sessions.py), keeping its own line, source and plan; the
program's line map points back at the page."""

from __future__ import annotations

import json
from pathlib import Path

from harness.extract import extract_page
from harness.extract.worker_program import (
    LINE_MAP_OPTION,
    RAN_AS_OPTION,
    Piece,
    assemble,
    combined_error_line,
    page_line,
)
from harness.model import Snippet

from .support import REPO, hugo, line_of, mdx

SESSIONS = REPO / "fixtures" / "worker_sessions"
HONO = SESSIONS / "hono-steps.md"
D1 = SESSIONS / "d1-reference.md"
DURABLE = SESSIONS / "durable-object-split.md"


def _by_line(path: Path) -> dict[int, Snippet]:
    return {s.line: s for s in extract_page(path, str(path.relative_to(REPO))).snippets}


def _code_line(snippet: Snippet, text: str) -> int:
    """The 1-based line of the program that holds `text`."""
    return next(n for n, line in enumerate(snippet.code.splitlines(), 1) if text in line)


def test_hono_steps_append_routes_after_the_app_and_keep_one_import() -> None:
    blocks = _by_line(HONO)
    first, helper = line_of(HONO, 'import { Hono } from "hono"'), line_of(HONO, "const notes")
    route = blocks[line_of(HONO, 'import { Hono } from "hono"', nth=2)]
    assert route.skip_reason is None and route.options["kind"] == "worker"
    assert route.options[RAN_AS_OPTION] == f"with lines {first} and {helper} of the page"
    assert route.code.count('import { Hono } from "hono"') == 1 and route.code.startswith("import { Hono }")
    # the app, then the helper, then the route: module-level steps in page order after the module
    assert route.code.index("export default app") < route.code.index("function findNote") \
        < route.code.index('app.get("/notes/:id"')
    # the page still shows the block's own code, at its own line; the plan stays for the session runner
    assert route.source.startswith('import { Hono } from "hono";\n\napp.get("/notes/:id"')
    assert json.loads(route.options["session"])["defines_from"]["findNote"] == helper
    assert page_line(route, _code_line(route, "function findNote")) == line_of(HONO, "function findNote")
    assert page_line(route, _code_line(route, "c.req.param")) == line_of(HONO, "c.req.param")
    # a step that reads `notes` only as an argument still gets the block that defines it
    listing = blocks[line_of(HONO, 'app.get("/notes", ')]
    assert listing.skip_reason is None and "const notes" in listing.code


def test_the_earlier_worker_still_runs_on_its_own() -> None:
    first = _by_line(HONO)[line_of(HONO, 'import { Hono } from "hono"')]
    assert first.skip_reason is None and LINE_MAP_OPTION not in first.options and first.code == first.source


def test_d1_handler_bodies_go_in_the_handler_shown_alone_with_the_block_that_creates_the_table() -> None:
    blocks = _by_line(D1)
    skeleton, create = line_of(D1, "async fetch(request, env) {"), line_of(D1, "CREATE TABLE")
    prepare = line_of(D1, 'const stmt = env.DB.prepare("INSERT')
    run = blocks[line_of(D1, "await stmt.run()")]
    assert run.skip_reason is None
    assert run.options[RAN_AS_OPTION] == f"with lines {skeleton}, {create} and {prepare} of the page"
    assert run.code.startswith("export default {\nasync fetch(request, env) {")
    assert run.code.index("CREATE TABLE") < run.code.index("const stmt") < run.code.index("await stmt.run()")
    assert json.loads(run.options["bindings"]) == [{"name": "DB", "type": "d1_database"}]
    assert page_line(run, 1) == run.line  # `export default {` is the harness's own line
    assert page_line(run, _code_line(run, "CREATE TABLE")) == create
    select = blocks[line_of(D1, "SELECT text FROM notes")]
    assert select.skip_reason is None and "CREATE TABLE" in select.code


def test_a_table_no_block_creates_is_made_by_the_harness_and_said() -> None:
    invoices = _by_line(D1)[line_of(D1, "FROM invoices")]  # harness/extract/d1_tables.py
    assert invoices.skip_reason is None
    assert json.loads(invoices.options["d1_seed"]) == ['CREATE TABLE "invoices" ("id" INTEGER PRIMARY KEY)',
                                                       'INSERT INTO "invoices" DEFAULT VALUES']
    assert invoices.options[RAN_AS_OPTION].endswith(
        "D1 table `invoices` (id) made by the harness from the page's SQL, with 1 row of example values (set "
        "`d1_schema` in [tool.harness] to the real schema)")


def test_a_fragment_no_block_completes_names_what_is_missing() -> None:
    orphan = _by_line(D1)[line_of(D1, "prepare(query)")]
    skeleton = line_of(D1, "async fetch(request, env) {")
    assert orphan.skip_reason == f"fragment: uses `query`, never defined on this page (run with line {skeleton} " \
        "of this page)"
    assert orphan.code == orphan.source


def test_a_body_after_a_block_that_returns_cannot_run_after_it() -> None:
    text = ("```js\nconst rows = await env.DB.prepare('SELECT 1').all();\nreturn Response.json(rows);\n```\n\n"
            "```js\nconsole.log(rows.results);\n```\n")
    first, second = hugo(text).snippets
    assert first.options[RAN_AS_OPTION] == "as the body of a fetch handler"
    assert second.skip_reason == f"fragment: continues line {first.line}, which returns before this block would run"


def test_a_block_using_only_the_handler_parameters_runs_as_a_fetch_handler_body() -> None:
    [body] = hugo("```js\nconst answer = await env.AI.run('@cf/meta/llama-3.1-8b-instruct', "
                  "{ prompt: 'hi' });\n```\n").snippets
    assert (body.skip_reason, body.options["kind"]) == (None, "worker")
    assert body.options[RAN_AS_OPTION] == "as the body of a fetch handler"
    assert body.code.splitlines()[:3] == ["export default {", "  async fetch(request, env, ctx) {",
                                          body.source.rstrip("\n")]
    assert "return new Response(null, { status: 204 });" in body.code
    # it does not invent a name the page never defines
    [other] = hugo("```js\nreturn Response.json(await env.KV.get(key));\n```\n").snippets
    assert other.skip_reason == "fragment: `return` outside a function; uses `key`, never defined on this page"
    assert other.code == other.source


def test_a_durable_object_class_from_another_block_joins_the_worker() -> None:
    blocks = _by_line(DURABLE)
    worker = blocks[line_of(DURABLE, "export default {")]
    klass = line_of(DURABLE, 'import { DurableObject } from "cloudflare:workers"')
    assert worker.skip_reason is None and worker.options[RAN_AS_OPTION] == f"with line {klass} of the page"
    assert worker.code.startswith('import { DurableObject } from "cloudflare:workers";\nexport default {')
    assert "export class Counter extends DurableObject" in worker.code
    assert page_line(worker, _code_line(worker, "export class Counter")) == line_of(DURABLE, "export class Counter")
    assert page_line(worker, _code_line(worker, "COUNTER.get(")) == line_of(DURABLE, "COUNTER.get(")


def test_a_bundling_error_points_at_the_page_line_of_its_block() -> None:
    blocks = _by_line(D1)
    body = blocks[line_of(D1, 'const stmt = env.DB.prepare("SELECT 2')]
    whole = line_of(D1, 'const stmt = env.DB.prepare("SELECT 1')
    at = _code_line(body, 'prepare("SELECT 1')
    assert combined_error_line(body, f'{at}:10: The symbol "stmt" has already been declared') == (
        whole, 'The symbol "stmt" has already been declared')
    plain = _by_line(HONO)[line_of(HONO, 'import { Hono } from "hono"')]
    assert combined_error_line(plain, "3:1: oops") == (None, "3:1: oops")


def test_a_block_inside_a_route_is_not_moved_there_and_says_where_it_belongs() -> None:
    inner = _by_line(HONO)[line_of(HONO, "console.log(note.text)")]
    route = line_of(HONO, 'import { Hono } from "hono"', nth=2)
    assert inner.skip_reason == (f"fragment: uses `note`, which line {route} defines inside a function: the block "
                                 "belongs in that function's body")
    assert inner.code == inner.source and json.loads(inner.options["session"])["after"][-1].endswith("g4::1")


def test_a_call_to_fetch_is_not_a_handler_shown_alone_and_a_js_block_continues_the_js_tab() -> None:
    text = ("<Tabs> <TabItem label=\"JavaScript\">\n\n```js\nexport default {\n  async fetch(request) {\n"
            "    return new Response(request.url);\n  },\n};\n```\n\n</TabItem> <TabItem label=\"TypeScript\">\n\n"
            "```ts\nexport default {\n  async fetch(request: Request): Promise<Response> {\n"
            "    return new Response(request.url);\n  },\n} satisfies ExportedHandler;\n```\n\n</TabItem> </Tabs>\n\n"
            "```js\nfetch(request, { cf: { cacheTtl: 5 } });\n```\n")
    js, _ts, call = mdx(text).snippets
    assert (call.skip_reason, call.language) == (None, "js")
    assert call.options[RAN_AS_OPTION] == f"with line {js.line} of the page"
    assert call.code.splitlines()[:3] == ["export default {", "  async fetch(request) {",
                                          "fetch(request, { cf: { cacheTtl: 5 } });"]


def test_a_body_has_nowhere_to_go_in_a_handler_written_on_one_line() -> None:
    worker, body = hugo("```js\nexport default { async fetch(request, env) { return new Response('ok'); } };\n```\n\n"
                        "```js\nconst theme = await env.SETTINGS.get('theme');\n```\n").snippets
    assert body.skip_reason == (f"fragment: a handler's body, but the Worker of line {worker.line} has no "
                                "`fetch(request, env, ctx) {` on a line of its own to put it in (run with line "
                                f"{worker.line} of this page)")
    assert body.code == body.source and RAN_AS_OPTION not in body.options


def test_a_class_a_later_step_declares_again_replaces_the_earlier_one() -> None:
    """A tutorial step that shows the whole class again ("update your workflow class") replaces it, as the
    reader replaces it in their file: one declaration in the program, the later one, at its page line."""
    base = Piece('import { WorkflowEntrypoint } from "cloudflare:workers";\n\n'
                 "export class RAGWorkflow extends WorkflowEntrypoint {\n  async run() { return 1; }\n}\n\n"
                 "export default {\n  async fetch(request, env) {\n    return new Response('ok');\n  },\n};\n", 10)
    step = Piece('import { WorkflowEntrypoint } from "cloudflare:workers";\n\n'
                 "export class RAGWorkflow extends WorkflowEntrypoint {\n  async run(event, step) {\n"
                 "    return 2;\n  }\n}\n\nfunction helper() {}\n", 40)
    program = assemble(base, False, [step], [])
    assert program is not None
    code = program.code
    assert code.count("class RAGWorkflow") == 1 and "return 2" in code and "return 1" not in code
    assert code.count('from "cloudflare:workers"') == 1 and "export default {" in code
    line = next(n for n, text in enumerate(code.splitlines(), 1) if "class RAGWorkflow" in text)
    assert program.lines[line - 1][1] == 42
