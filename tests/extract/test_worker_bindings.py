"""Worker bindings: read from the page's wrangler configuration, else inferred from `env.X` use;
reasons name each missing binding's type."""

from __future__ import annotations

import json

import pytest

from harness.extract import bindings
from harness.extract.bindings import infer
from harness.model import Severity

from .support import PAGES, Extract, hugo, line_of, mdx

PAGE = PAGES / "extract15" / "wrangler-worker.md"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("await env.MY_KV.get('k')", "kv_namespace"),
        ("await env.CACHE.getWithMetadata('k')", "kv_namespace"),
        ("await env.DB.prepare('SELECT 1').all()", "d1_database"),
        ("await env.BUCKET.put('k', body)", "r2_bucket"),
        ("await env.STORE.head('k')", "r2_bucket"),
        ("await env.VECTORIZE.query(vector)", "vectorize"),
        ("await env.INDEX.upsert(vectors)", "vectorize"),
        ("env.MY_DO.idFromName('a')", "durable_object_namespace"),
        ("await env.QUEUE.send({})", "queue"),
        ("await env.LIMITER.limit({ key })", "ratelimit"),
        ("await env.AI.run('@cf/x', {})", "ai"),
        ("await env.ASSETS.fetch(request)", "assets"),
        ("await env.AUTH.fetch(request)", "service"),
        ("await puppeteer.launch(env.MYBROWSER)", "browser"),
        ("const host = env.API_HOST", "var"),
        ("const pass = env.PASSWORD", "secret"),
    ],
)
def test_the_use_of_a_name_says_its_binding_type(code: str, kind: str) -> None:
    name = code.split("env.")[1].split(".")[0].split(")")[0]
    assert infer(code, [name]) == [{"type": kind, "name": name}]


def test_a_typescript_env_declares_the_type() -> None:
    code = "interface Env { COUNTERS: DurableObjectNamespace; PASSWORD: string }\nenv.COUNTERS.get(id); env.PASSWORD"
    assert infer(code, ["COUNTERS", "PASSWORD"]) == [
        {"type": "durable_object_namespace", "name": "COUNTERS"}, {"type": "secret", "name": "PASSWORD"}]


def test_the_page_configuration_gives_the_bindings(fixture_page: Extract) -> None:
    config, worker, inferred, broken = fixture_page("extract15/wrangler-worker.md").snippets
    found = json.loads(worker.options["bindings"])
    assert found == [
        {"type": "kv_namespace", "name": "NOTES_CACHE", "id": "0f2ac74b498b48028cb68387c421e279"},
        {"type": "d1_database", "name": "DB", "database_name": "notes",
         "database_id": "4e1c28a9-90e4-41da-8b4b-6cf36e5abb29"},
        {"type": "var", "name": "GREETING", "value": "hello"},
    ]
    assert worker.options["bindings_from"] == f"fixtures/pages/extract15/wrangler-worker.md:{config.line}"
    assert worker.skip_reason is None  # KV, D1 and vars all come from Miniflare
    added = [b for b in json.loads(inferred.options["bindings"]) if b.get("inferred")]
    assert added == [{"type": "queue", "name": "JOBS", "inferred": True},
                     {"type": "durable_object_namespace", "name": "COUNTER", "inferred": True}]
    assert "bindings" not in broken.options


def test_a_configuration_that_does_not_parse_is_a_warning_at_its_line(fixture_page: Extract) -> None:
    extraction = fixture_page("extract15/wrangler-worker.md")
    [warning] = extraction.diagnostics
    assert (warning.line, warning.severity) == (line_of(PAGE, "[[kv_namespaces]", nth=2), Severity.WARNING)
    assert str(warning).startswith("fixtures/pages/extract15/wrangler-worker.md:")
    assert "wrangler configuration does not parse" in warning.message


def test_a_wrangler_config_region_in_the_tab_group_wins() -> None:
    text = (
        '<WranglerConfig>\n\n```jsonc\n{\n  // the first\n  "kv_namespaces": [{"binding": "A", "id": "x"},],\n}\n'
        '```\n\n</WranglerConfig>\n\n<Tabs>\n<TabItem label="index.js">\n\n```js\nexport default {\n'
        '  async fetch(request, env) { return new Response(await env.KV.get("k")); },\n};\n```\n\n</TabItem>\n'
        '<TabItem label="wrangler.jsonc">\n\n```jsonc\n{ "r2_buckets": [{ "binding": "KV", "bucket_name": "b" }] }\n'
        '```\n\n</TabItem>\n</Tabs>\n'
    )
    worker = mdx(text).snippets[1]
    assert json.loads(worker.options["bindings"]) == [{"type": "r2_bucket", "name": "KV", "bucket_name": "b"}]
    assert worker.skip_reason is None  # the code alone says KV, the configuration R2: both are simulated


def test_a_worker_using_only_ai_plans_nothing() -> None:
    text = "```js\nexport default {\n  async fetch(r, env) {\n"
    text += '    return Response.json(await env.AI.run("@cf/x", {}));\n'
    text += "  },\n};\n```\n"
    [worker] = hugo(text).snippets
    assert worker.skip_reason is None and "bindings" not in worker.options


def test_reasons_group_bindings_by_type() -> None:
    missing = [{"type": "kv_namespace", "name": "A"}, {"type": "kv_namespace", "name": "B"},
               {"type": "browser", "name": "BROWSER"}]
    assert bindings.reason(missing) == ("not runnable: needs KV namespace binding `A` and `B` and Browser Rendering "
                                        "binding `BROWSER` (not simulated yet)")


def test_a_jsonc_error_points_at_its_page_line() -> None:
    text = '```jsonc title="wrangler.jsonc"\n{\n  "name": "x",\n  "vars": ]\n}\n```\n'
    [warning] = hugo(text).diagnostics
    assert warning.line == 4 and "does not parse" in warning.message


def test_a_tutorial_builds_its_configuration_up_step_by_step() -> None:
    text = ('```toml title="wrangler.toml"\n[ai]\nbinding = "AI"\n```\n\n'
            '```toml title="wrangler.toml"\n[[vectorize]]\nbinding = "VECTOR_INDEX"\nindex_name = "idx"\n```\n\n'
            '```js\nexport default {\n  async fetch(request, env) {\n'
            '    const found = await env.VECTOR_INDEX.query(await env.AI.run("@cf/x", {}));\n'
            '    return Response.json(found);\n  },\n};\n```\n')
    first, second, worker = hugo(text).snippets
    assert json.loads(worker.options["bindings"]) == [
        {"type": "ai", "name": "AI"}, {"type": "vectorize", "name": "VECTOR_INDEX", "index_name": "idx"}]
    assert worker.options["bindings_from"] == f"page.md:{first.line},{second.line}"
    assert worker.skip_reason is None  # the mock's Vectorize index (harness/mock/binding_vectorize.py)


def test_jsonc_with_comments_strings_and_trailing_commas_reads_as_json() -> None:
    text = ('```jsonc title="wrangler.jsonc"\n{\n  // the bindings\n  "vars": { "URL": "https://x//y", /* c */ },\n'
            '  "kv_namespaces": [{ "binding": "KV", "id": "a" },],\n}\n```\n\n'
            '```js\nexport default {\n  async fetch(request, env) {\n'
            '    return new Response(await env.KV.get(env.URL));\n  },\n};\n```\n')
    worker = hugo(text).snippets[1]
    assert json.loads(worker.options["bindings"]) == [
        {"type": "kv_namespace", "name": "KV", "id": "a"}, {"type": "var", "name": "URL", "value": "https://x//y"}]


def test_names_destructured_from_env_are_bindings_too() -> None:
    from harness.extract.jsfacts import js_facts

    code = """import { env } from "hono/adapter";
const { STRIPE_SECRET_API_KEY } = env(c);
const { DB, BUCKET: files } = c.env;
export default { fetch(request, env) { const { MY_KV } = env; return new Response(env.GREETING) } };
const { notABinding } = other;
"""
    assert set(js_facts(code).env_bindings) == {"STRIPE_SECRET_API_KEY", "DB", "BUCKET", "MY_KV", "GREETING"}
