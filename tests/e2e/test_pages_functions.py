"""Pages Functions end to end, through the CLI: each export runs in a Pages `context`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness.extract.classify import classify
from harness.extract.placeholders import DEFAULT_PLACEHOLDERS
from harness.model import Snippet
from harness.runtimes.pages_function import methods, pages_env, params
from harness.runtimes.worker_bindings import simulated

ROOT = Path(__file__).resolve().parents[2]
PAGE = "fixtures/pages/bindings/pages-function.md"


def run_page(tmp_path: Path, page: str, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", page, "--executor", "local", "--no-cache",
                           "--json", str(out), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    return done.returncode, json.loads(out.read_text())["snippets"], done.stdout + done.stderr


def test_pages_functions_get_their_method_params_and_next(tmp_path: Path) -> None:
    code, snippets, output = run_page(tmp_path, PAGE)
    assert code == 0, output
    by_line = {s["line"]: s for s in snippets}
    assert {line: s["status"] for line, s in by_line.items()} == {10: "passed", 20: "passed", 30: "passed"}, output
    # onRequestPost got a POST with the JSON body whose keys it destructures
    assert json.loads(by_line[10]["response"]["body"]) == {"created": "example", "path": "/"}
    # onRequestGet got its route parameter, and next() answered as the static asset
    assert json.loads(by_line[20]["response"]["body"]) == {
        "user": "1", "asset": 200, "type": "text/html; charset=utf-8"}
    # middleware (an array of handlers): the first sets `data` and calls next(), the second reads env.ASSETS
    middleware = by_line[30]["response"]
    assert middleware["headers"]["x-middleware"] == "yes" and "Static asset /" in middleware["body"]


def test_a_pages_function_is_listed_as_runnable_on_the_worker() -> None:
    done = subprocess.run([sys.executable, "-m", "harness.cli", "list", PAGE, "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    listed = json.loads(done.stdout)["snippets"]
    assert [(s["kind"], s["status"], s["runner"]) for s in listed] == [("pages-function", "runnable", "worker")] * 3


def test_cold_miniflare_gives_the_same_answers_as_the_warm_server(tmp_path: Path) -> None:
    _, warm, _ = run_page(tmp_path / "warm", PAGE)
    code, cold, output = run_page(tmp_path / "cold", PAGE, "--no-warm-workers")
    assert code == 0, output
    assert [(s["line"], s["status"], s["response"]["body"]) for s in cold] == \
        [(s["line"], s["status"], s["response"]["body"]) for s in warm]


def test_each_exported_method_gets_its_request_and_params_their_route() -> None:
    code = ("export const onRequestPost = async ({ request, params }) => {\n"
            "  const { slug } = params;\n  return Response.json(await request.json());\n};\n"
            "export async function onRequestGet(context) { return new Response(context.params.userId); }\n")
    assert methods(code) == ["GET", "POST"]
    assert params(code) == {"userId": "1", "slug": "example"}
    snippet = Snippet(id="p.md::g1::0", page="p.md", group="g1", label=None, language="js", code=code, line=1,
                      options={"kind": "pages-function"})
    env = pages_env(snippet)
    sent = [(r["method"], r["path"], r["body"] is not None) for r in json.loads(env["HARNESS_REQUESTS"])]
    assert sent == [("GET", "/1/example", False), ("POST", "/1/example", True)]
    assert json.loads(env["HARNESS_PAGES"]) == {"params": {"userId": "1", "slug": "example"},
                                                "functionPath": "/[userId]/[slug]"}


def test_a_pages_function_has_its_static_assets() -> None:
    code = "export async function onRequest(context) {\n  return context.env.ASSETS.fetch(context.request);\n}\n"
    found = classify(code, "js", DEFAULT_PLACEHOLDERS)
    assert found is not None and (found.kind, found.reason) == ("pages-function", None)
    worker = "export default { fetch(request, env) { return env.ASSETS.fetch(request); } };"
    other = classify(worker, "js", DEFAULT_PLACEHOLDERS)
    assert other is not None
    assert (other.kind, other.reason) == ("worker", None)  # a Worker's assets binding: the mock's
    snippet = Snippet(id="p.md::g1::0", page="p.md", group="g1", label=None, language="js", code=code, line=1,
                      options={"kind": "pages-function", "bindings": '[{"type": "assets", "name": "ASSETS"}]'})
    assert simulated(snippet, pages=True) == []  # a Pages Function's own ASSETS serves its site (pages.mjs)
