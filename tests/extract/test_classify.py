"""Runnable or not: Workers, scripts, shell commands and fragments, each with its reason."""

from __future__ import annotations

import pytest

from harness.extract.classify import Classification, classify
from harness.extract.placeholders import DEFAULT_PLACEHOLDERS, TEST_API_TOKEN


def of(code: str, language: str = "js") -> Classification:
    found = classify(code, language, DEFAULT_PLACEHOLDERS)
    assert found is not None
    return found


WORKER = """
export default {
  async fetch(request, env, ctx) {
    const answer = await env.AI.run("@cf/meta/llama-3.1-8b-instruct", { prompt: "hi" });
    return Response.json(answer);
  },
};
"""


def test_a_worker_module_with_fetch_runs_as_a_worker() -> None:
    assert (of(WORKER).kind, of(WORKER).reason) == ("worker", None)


def test_typescript_worker_with_types_is_no_fragment() -> None:
    code = """
export interface Env { AI: Ai; }
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const rows: number[] = [1];
    return new Response(JSON.stringify(rows));
  },
} satisfies ExportedHandler<Env>;
"""
    assert (of(code, "ts").kind, of(code, "ts").reason) == ("worker", None)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("const answer = await env.AI.run('@cf/x', {});\nconsole.log(answer);", "fragment: uses `env`, never defined"),
        ("return new Response('x');", "fragment: `return` outside a function"),
        ("const s = new EventSource('/stream');\ns.onmessage = (e) => {};", "fragment: browser-only API `EventSource`"),
        ("document.getElementById('x').onclick = go;", "fragment: browser-only API `document`"),
        ("app.get('/', (c) => c.text('hi'));", "fragment: uses `app`, never defined"),
        ("fetch(request, { cache: 'no-store' });", "fragment: uses `request`, never defined"),
        ("import { x } from './utils.js';\nx();", "fragment: imports `./utils.js`, a file of a larger project"),
    ],
)
def test_fragments_say_what_they_lean_on(code: str, reason: str) -> None:
    assert (of(code).kind, of(code).reason) == ("fragment", reason)


def test_names_bound_anywhere_count_as_defined() -> None:
    code = """
import { readFileSync } from "node:fs";
const { a, b: c } = JSON.parse("{}");
let x = 1, y = 2;
function f(request, { env }) { return env.X + request.url; }
const g = async (event) => event.data;
class Box { get(key) { return key; } }
console.log(readFileSync, a, c, x, y, f, g, new Box());
"""
    assert (of(code).kind, of(code).reason) == ("script", None)


def test_a_whole_worker_reading_an_undefined_name_runs_to_show_the_bug() -> None:
    code = WORKER.replace("export default", "export class Counter extends DurableObject {}\nexport default")
    assert (of(code).kind, of(code).reason) == ("worker", None)
    assert of("export class Counter extends DurableObject {}\n").reason == (
        "fragment: uses `DurableObject`, never defined"
    )


def test_service_worker_syntax_runs_as_a_worker() -> None:
    code = "addEventListener('fetch', (event) => event.respondWith(new Response('ok')));"
    assert (of(code).kind, of(code).reason) == ("worker", None)


def test_worker_with_only_scheduled_gets_a_cron_event() -> None:
    code = "export default {\n  async scheduled(controller, env, ctx) {\n    console.log('tick');\n  },\n};"
    assert (of(code).kind, of(code).reason) == ("worker", None)


def test_worker_without_fetch_or_scheduled_handler() -> None:
    code = "export default {\n  async queue(batch, env) {\n    console.log(batch.messages.length);\n  },\n};"
    found = of(code)
    assert found.kind == "worker"
    assert found.reason == ("not runnable: Worker with no fetch handler (only `queue`); "
                            "the harness sends a Worker requests or a cron event")


def test_worker_needs_a_binding_the_harness_lacks() -> None:
    # Miniflare runs Workflows, but only with their class: one that is not in the block is named
    assert of(WORKER.replace("env.AI.run", "env.MY_WORKFLOW.create")).reason == (
        "not runnable: Workflow binding `MY_WORKFLOW` needs its class (a `WorkflowEntrypoint`), which this snippet "
        "does not export")
    flow = "import { WorkflowEntrypoint } from 'cloudflare:workers';\nexport class Flow extends WorkflowEntrypoint {}\n"
    assert of(flow + WORKER.replace("env.AI.run", "env.MY_WORKFLOW.create")).reason is None
    assert of(WORKER.replace("env.AI.run", "env.ai.run")).reason is None  # Workers AI under another name
    assert of(WORKER.replace("env.AI.run", "env.MYBROWSER.fetch")).reason is None  # the mock's browser
    assert of(WORKER.replace("env.AI.run", "env.ANALYTICS.writeDataPoint")).reason is None  # the mock's
    assert of(WORKER.replace("env.AI.run", "env.DB.prepare")).reason is None  # Miniflare's D1 runs it


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (
            "import { Hono } from 'hono';\nimport x from 'left-pad';\nconst app = new Hono();\nexport default app;",
            "not runnable: needs npm package `left-pad`, not installed for Workers",
        ),
        (
            "import OpenAI from 'openai';\nimport sql from 'postgres';\nconsole.log(await sql`select 1`);",
            "not runnable: needs npm package `postgres`, not installed for Node scripts",
        ),
        (
            "import { helper } from '/src/helper.js';\nconsole.log(helper());",
            "fragment: imports `/src/helper.js`, a file of a larger project",
        ),
    ],
)
def test_packages_the_runners_do_not_have(code: str, reason: str) -> None:
    assert of(code).reason == reason


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/', (c) => c.text('hi'));\n"
         "export default app;", "worker"),
        ("import { AutoRouter } from 'itty-router';\nconst router = AutoRouter();\nexport default router;", "worker"),
        ("import OpenAI from 'openai';\nconst c = new OpenAI();\nconsole.log(await c.models.list());", "script"),
    ],
)
def test_packages_the_runners_install_run(code: str, kind: str) -> None:
    assert (of(code).kind, of(code).reason) == (kind, None)


def test_builtins_and_runner_packages_are_fine() -> None:
    code = "import fs from 'node:fs';\nimport path from 'path';\nimport { fetch } from 'undici';\n"
    code += "console.log(fs, path, fetch);"
    assert of(code).reason is None


def test_a_module_that_only_defines() -> None:
    assert of("export class Counter {\n  constructor(state, env) {}\n}\n").reason == (
        "not runnable: only defines `Counter`; nothing calls it"
    )
    assert of("export async function onRequest(context) {\n  return new Response('x');\n}\n").kind == "pages-function"


def test_typescript_in_a_js_fence_runs_as_typescript_with_a_note() -> None:
    found = of("interface Env {\n  AI: Ai;\n}\nconst env: Env = JSON.parse('{}');\nconsole.log(env);\n")
    assert (found.language, found.reason) == ("ts", None)
    [note] = found.notes
    assert note.message == "the fence says js but the code is TypeScript (`interface Env`): run as TypeScript"


def test_process_env_gets_role_values() -> None:
    found = of("console.log(process.env.CLOUDFLARE_API_TOKEN, process.env['CERT_PEM'], process.env.OUTPUT_DIR);")
    assert dict(found.env)["CLOUDFLARE_API_TOKEN"] == TEST_API_TOKEN
    assert dict(found.env)["CERT_PEM"].startswith("-----BEGIN CERTIFICATE-----\\n")  # a real self-signed PEM
    assert found.missing_env == ("OUTPUT_DIR",)


@pytest.mark.parametrize(
    ("code", "kind", "reason"),
    [
        ("import requests\nprint(requests.get('https://x').json())", "script", None),
        ("!pip install requests\nimport requests", "notebook", "not runnable: notebook cell (`!pip install requests`)"),
        (
            "from js import Response\nasync def on_fetch(request, env):\n    return Response.new('x')",
            "python-worker",
            "not runnable: Python Worker (imports `js`); workerd loads its Pyodide runtime from the internet "
            "when a Python Worker starts, and no package carries it offline",
        ),
        ("print(os.environ['X'])", "fragment", "fragment: uses `os`, never defined"),
        ("return 1", "fragment", "fragment: `return` outside a function"),
        ("rows = await db.all()", "fragment", "fragment: `await` outside an async function"),
        (
            "import pandas\nprint(pandas.DataFrame())",
            "script",
            "not runnable: needs Python package `pandas`, not installed",
        ),
        ("def hello(name):\n    print(name)\n", "module", "not runnable: only defines `hello`; nothing calls it"),
    ],
)
def test_python(code: str, kind: str, reason: str | None) -> None:
    found = of(code, "py")
    assert (found.kind, found.reason) == (kind, reason)


def test_python_environ_reads_get_role_values() -> None:
    found = of("import os\nprint(os.environ['CLOUDFLARE_API_TOKEN'], os.getenv('CLOUDFLARE_ACCOUNT_ID'))", "py")
    assert set(found.env) == {"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID"}


@pytest.mark.parametrize(
    ("code", "kind", "reason"),
    [
        ('curl -X POST https://x -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" | jq .', "shell", None),
        ("npx wrangler deploy", "wrangler", None),  # the wrangler runtime runs it against the mock
        ("npm create cloudflare@latest -- my-app", "wrangler", None),
        ("npm install hono", "wrangler", None),
        ("cd my-app", "wrangler", None),
        ("npx wrangler dev", "wrangler", None),  # the runner starts it, asks it once and stops it
        ("stripe listen --forward-to x", "shell", "not runnable: runs `stripe`, which the harness does not provide"),
        ("GET https://api.example.com/v1/items/1", "shell",
         "not runnable: an HTTP request line (`GET https://api.example.com/v1/items/1`), not a command"),
        ("PATCH /zones/abc/settings", "shell", "not runnable: an HTTP request line (`PATCH /zones/abc/settings`), "
         "not a command"),
        ("╭ Create an application\n│ dir ./app", "output", "not runnable: output or text, not commands"),
        ("Need to install the following packages:\nc3@2", "output", "not runnable: output or text, not commands"),
        ('{\n  "result": []\n}', "output", "not runnable: output or text, not commands"),
        ("# just a comment", "shell", "not runnable: no commands, only comments"),
        ('curl -d "$body" https://x', "shell", "fragment: uses `$body`, never set"),
    ],
)
def test_shell(code: str, kind: str, reason: str | None) -> None:
    found = of(code, "sh")
    assert (found.kind, found.reason) == (kind, reason)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ('curl "http://localhost:8787/__scheduled?cron=*+*+*+*+*"',
         "not runnable: calls a local dev server (`http://localhost:8787`) an earlier step starts"),
        ("curl https://hello-ai.example.workers.dev", "not runnable: calls a deployed Worker or Pages site "
         "(`hello-ai.example.workers.dev`)"),
    ],
)
def test_shell_requests_to_the_readers_own_servers(code: str, reason: str) -> None:
    assert of(code, "sh").reason == reason


def test_shell_variables_the_snippet_sets_or_every_shell_has() -> None:
    found = of('TOKEN=abc\nexport ZONE=z\necho "$TOKEN $ZONE $HOME"\nfor f in a b; do echo "$f"; done', "sh")
    assert (found.reason, found.missing_env, dict(found.env)) == (None, (), {})


def test_shell_upper_case_variables_are_placeholders() -> None:
    found = of('curl "https://x/$OUTPUT_DIR" -H "Authorization: Bearer ${CLOUDFLARE_API_TOKEN}"', "sh")
    assert dict(found.env) == {"CLOUDFLARE_API_TOKEN": TEST_API_TOKEN}
    assert found.missing_env == ("OUTPUT_DIR",)


def test_an_unterminated_quote_runs_so_that_bash_says_where() -> None:
    found = of("curl https://x \\\n  --header 'Authorization: Bearer TOKEN \\\n  --data '{\"a\": \"$b\"}'", "sh")
    assert (found.kind, found.reason) == ("shell", None)


def test_other_languages_are_not_classified() -> None:
    assert classify('{"a": 1}', "json", DEFAULT_PLACEHOLDERS) is None


@pytest.mark.parametrize(("code", "kind"), [("fetch", "fragment"), ("const handler = scheduled", "module"),
                                           ("await fetch", "script")])
def test_a_handler_name_as_the_last_token_is_read_without_error(code: str, kind: str) -> None:
    assert of(code).kind == kind  # the name ending the code once made the classifier raise IndexError


D1_WORKER = """export default {
  async fetch(request, env) {
    %s
    const { results } = await env.DB.prepare('SELECT * from users WHERE id = ?').bind(1).all();
    return Response.json(results);
  },
};
"""


def test_a_worker_querying_a_d1_table_it_never_creates_says_so_and_one_that_creates_it_runs() -> None:
    reads_only = classify(D1_WORKER % "", "js", DEFAULT_PLACEHOLDERS)
    assert reads_only is not None and reads_only.reason is not None
    assert reads_only.reason.startswith("not runnable: queries D1 table `users`, which this snippet does not create")
    creates = D1_WORKER % "await env.DB.exec('CREATE TABLE IF NOT EXISTS users (id INTEGER, name TEXT)');"
    runs = classify(creates, "js", DEFAULT_PLACEHOLDERS)
    assert runs is not None and runs.reason is None and runs.kind == "worker"
    imports = 'import { Hono } from "hono";\n' + D1_WORKER % "await env.DB.exec(`CREATE TABLE users (id)`);"
    assert classify(imports, "js", DEFAULT_PLACEHOLDERS).reason is None  # `from "hono"` is no table
