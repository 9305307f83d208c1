"""Worker bindings from Miniflare's own simulators: KV, R2, D1, Durable Objects, Queue producers, the
rate limiter, vars and secrets, end to end through the CLI (`--executor local`), and what decides them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.extract.classify import classify
from harness.extract.placeholder_values import TEST_ACCOUNT_ID, TEST_API_TOKEN
from harness.extract.placeholders import DEFAULT_PLACEHOLDERS
from harness.model import Snippet
from harness.route import Route
from harness.run.base import Launch
from harness.run.local.warm_worker import ServerPool
from harness.runtimes.worker import WorkerRunner
from harness.runtimes.worker_bindings import BINDINGS_ENV, plausible_value, simulated

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures" / "pages" / "bindings"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each run snippet of the fixture pages by `page:line`."""
    out = tmp_path_factory.mktemp("bindings") / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", str(PAGES.relative_to(ROOT)), "--executor",
                           "local", "--no-cache", "-j", "2", "--json", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    snippets = json.loads(out.read_text())["snippets"]
    return {f"{Path(s['page']).name}:{s['line']}": s for s in snippets if s["status"] != "skipped"}


def body(report: dict[str, dict[str, Any]], where: str) -> str:
    snippet = report[where]
    assert (snippet["status"], snippet["exit_code"]) == ("passed", 0), snippet["stderr"]
    return str(snippet["response"]["body"])


def test_kv_put_then_get_and_list(report: dict[str, dict[str, Any]]) -> None:
    assert json.loads(body(report, "kv.md:17")) == {"theme": "dark", "keys": ["theme"]}


def test_d1_creates_inserts_and_selects(report: dict[str, dict[str, Any]]) -> None:
    assert json.loads(body(report, "d1.md:8")) == [{"name": "Ada"}, {"name": "Grace"}]


def test_r2_puts_and_gets_an_object(report: dict[str, dict[str, Any]]) -> None:
    assert body(report, "r2.md:8") == "Hello, R2!"


def test_a_durable_object_keeps_its_count(report: dict[str, dict[str, Any]]) -> None:
    assert body(report, "durable-object.md:16") == "Count: 2"


def test_vars_come_from_the_configuration_and_secrets_get_a_value(report: dict[str, dict[str, Any]]) -> None:
    assert json.loads(body(report, "vars-secrets.md:16")) == {
        "host": "api.example.net", "environment": "production", "authorized": True}


def test_queue_producer_and_rate_limiter(report: dict[str, dict[str, Any]]) -> None:
    assert body(report, "queue-ratelimit.md:22") == "queued 3 orders"
    assert body(report, "queue-ratelimit.md:38") == "Write the docs"  # a Pages Function's context.env KV


def test_every_fixture_snippet_ran(report: dict[str, dict[str, Any]]) -> None:
    assert sorted(report) == ["d1.md:8", "durable-object.md:16", "kv.md:17", "pages-function.md:10",
                              "pages-function.md:20", "pages-function.md:30",
                              "queue-ratelimit.md:22", "queue-ratelimit.md:38", "r2.md:8",
                              "vars-secrets.md:16"]


def _snippet(code: str, bindings: list[dict[str, Any]]) -> Snippet:
    return Snippet(id="p.md::g1::0", page="p.md", group="g1", label=None, language="js", code=code, line=3,
                   options={"kind": "worker", "bindings": json.dumps(bindings)})


DO_CODE = "export class Counter extends DurableObject {}\nexport default { fetch(r, env) { return env.C.get(1); } };"


def test_a_durable_object_gets_the_class_the_snippet_exports() -> None:
    found = simulated(_snippet(DO_CODE, [{"type": "durable_object_namespace", "name": "C"},
                                         {"type": "hyperdrive", "name": "H"}, {"type": "secret", "name": "API_KEY"}]))
    assert found == [{"type": "durable_object_namespace", "name": "C", "class_name": "Counter"},
                     {"type": "secret", "name": "API_KEY", "value": "harness-secret-api-key"}]  # no Hyperdrive


def test_plausible_values_fit_the_name() -> None:
    assert plausible_value({"type": "var", "name": "API_HOST"}) == "example.com"
    assert plausible_value({"type": "var", "name": "BASE_URL"}) == "https://example.com/"
    assert plausible_value({"type": "var", "name": "MODE", "value": 3}) == 3


def test_cloudflare_credentials_in_vars_and_secrets_are_the_runs_own() -> None:
    """A Worker that calls Cloudflare's API with `env.CLOUDFLARE_API_KEY` and `env.CLOUDFLARE_ACCOUNT_ID`
    (the OpenAI-compatible endpoints page) is answered as the reader's would be, not refused for a made-up
    key; other secrets still get a made-up value."""
    assert plausible_value({"type": "secret", "name": "CLOUDFLARE_API_KEY"}) == TEST_API_TOKEN
    assert plausible_value({"type": "secret", "name": "CF_API_TOKEN"}) == TEST_API_TOKEN
    assert plausible_value({"type": "var", "name": "CLOUDFLARE_ACCOUNT_ID"}) == TEST_ACCOUNT_ID
    assert plausible_value({"type": "secret", "name": "STRIPE_API_KEY"}) == "harness-secret-stripe-api-key"


def test_a_launch_with_bindings_runs_cold() -> None:
    route = Route(token="t", proxy_url="http://t:x@127.0.0.1:2", ca_file="/dev/null", mock_url="http://127.0.0.1:1")
    runner = WorkerRunner(ROOT / "runners")
    launch = runner.launch(_snippet(DO_CODE, [{"type": "durable_object_namespace", "name": "C"}]), route,
                           ROOT / "runners")
    assert json.loads(launch.env[BINDINGS_ENV])[0]["class_name"] == "Counter"
    assert not ServerPool.serves(launch)
    assert ServerPool.serves(Launch(argv=("node",), files={"w.js": b"export default {}"}, env={}))


def test_a_durable_object_whose_class_lives_elsewhere_is_not_run() -> None:
    code = "export default { fetch(r, env) { return env.COUNTERS.get(env.COUNTERS.idFromName('a')).fetch(r); } };"
    found = classify(code, "js", DEFAULT_PLACEHOLDERS)
    assert found is not None and found.reason == (
        "not runnable: Durable Object namespace binding `COUNTERS` needs its class, which this snippet does not "
        "export (it lives in another Worker)")


def test_browser_rendering_is_the_mocks_and_an_unsimulated_type_is_named() -> None:
    code = "export default { async fetch(r, env) { return env.BROWSER.fetch(r); } };"
    found = classify(code, "js", DEFAULT_PLACEHOLDERS)
    assert found is not None and (found.kind, found.reason) == ("worker", None)
    code = "export default { async fetch(r, env) { return Response.json(await env.HYPERDRIVE.connect()); } };"
    found = classify(code, "js", DEFAULT_PLACEHOLDERS)
    assert found is not None
    assert found.reason == ("not runnable: needs Hyperdrive binding `HYPERDRIVE`, which connects to a real PostgreSQL "
                            "or MySQL database (Miniflare's too); the harness runs none")


def test_code_left_out_with_an_ellipsis_is_a_fragment() -> None:
    code = ("export class Room extends DurableObject {\n  ...\n}\n"
            "export default { fetch(r, env) { return env.ROOM.get(1); } };")
    found = classify(code, "js", DEFAULT_PLACEHOLDERS)
    assert found is not None and (found.kind, found.reason) == (
        "fragment", "fragment: code left out with `...` (line 2 of the block)")
    spread = "export default { fetch(r, env) { const a = { ...env }; return Response.json(a); } };"
    kept = classify(spread, "js", DEFAULT_PLACEHOLDERS)
    assert kept is not None and (kept.kind, kept.reason) == ("worker", None)  # a spread is not left-out code
