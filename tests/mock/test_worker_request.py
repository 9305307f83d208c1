"""The request a Worker sample is given fits what its handler reads; a page or config may set it."""

from __future__ import annotations

import json

import pytest

from harness.errors import HarnessError
from harness.model import Snippet
from harness.worker_request import ENV, WorkerRequest, requests_env, requests_for, suggested


def worker(code: str, **options: str) -> Snippet:
    return Snippet(id="w.md::g::1", page="w.md", group="g", label=None, language="js", code=code, line=3,
                   source=code, options=options)


PROXY = "export default { fetch(request) { return fetch(request); } };"
READS_JSON = """export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("no", { status: 405 });
    const { prompt, imageUrl, count } = await request.json();
    return new Response(prompt);
  },
};"""


def test_a_plain_handler_gets_one_get() -> None:
    assert requests_for(worker(PROXY)) == (WorkerRequest(),)


def test_a_handler_reading_json_gets_a_post_with_the_keys_it_destructures() -> None:
    [request] = requests_for(worker(READS_JSON))
    assert (request.method, dict(request.headers)["content-type"]) == ("POST", "application/json")
    assert json.loads(request.body or "") == {"prompt": "example", "imageUrl": "https://example.com/", "count": 1}


def test_a_method_check_without_a_body_reader_still_gets_that_method() -> None:
    code = 'export default { fetch(r) { if (r.method === "PUT") return new Response("ok"); } };'
    assert suggested(code).method == "PUT"


def test_a_form_reader_gets_a_form() -> None:
    request = suggested("export default { async fetch(request) { const f = await request.formData(); } };")
    assert (request.method, dict(request.headers)["content-type"]) == ("POST", "application/x-www-form-urlencoded")
    assert request.body is not None and "name=" in request.body


def test_headers_cookies_and_query_the_code_reads_get_plausible_values() -> None:
    code = """export default { fetch(request) {
      const cookie = request.headers.get("Cookie") || "";
      if (cookie.includes("theme=")) {}
      const key = request.headers.get("X-Api-Key");
      const ua = request.headers.get("User-Agent");
      const next = new URL(request.url).searchParams.get("redirect_url");
      const upgrade = request.headers.get("Upgrade");
    } };"""
    request = suggested(code)
    headers = dict(request.headers)
    assert headers["cookie"] == "theme=harness-theme"
    assert headers["x-api-key"] == "example-x-api-key" and headers["user-agent"].startswith("Mozilla/5.0")
    assert "upgrade" not in headers
    assert request.path == "/?redirect_url=https://example.com/"


def test_an_annotation_sets_the_request_over_what_the_code_suggests() -> None:
    snippet = worker(READS_JSON, request="true", method="PATCH", path="api/items", body='{"a": 1}',
                     **{"header.X-Trace": "t1"})
    [request] = requests_for(snippet)
    assert (request.method, request.path, request.body) == ("PATCH", "/api/items", '{"a": 1}')
    assert dict(request.headers)["x-trace"] == "t1"


def test_a_page_can_ask_for_several_requests() -> None:
    snippet = worker(PROXY, requests='[{"method": "GET", "path": "/a"}, {"method": "POST", "json": {"b": 2}}]')
    first, second = requests_for(snippet)
    assert (first.method, first.path, first.body) == ("GET", "/a", None)
    assert (second.method, second.body) == ("POST", '{"b": 2}')
    assert dict(second.headers)["content-type"] == "application/json"
    assert json.loads(requests_env(snippet)[ENV])[1]["method"] == "POST"


@pytest.mark.parametrize("value", ["not json", "{}", "[]", '[{"verb": "GET"}]'])
def test_a_malformed_requests_option_is_a_harness_error_naming_the_snippet(value: str) -> None:
    with pytest.raises(HarnessError, match=r"w\.md:3"):
        requests_for(worker(PROXY, requests=value))


def test_json_read_from_a_fetched_response_is_not_the_request_s() -> None:
    code = """export default {
  async fetch(request) {
    const answers = await Promise.all(urls.map((u) => fetch(u)));
    const bodies = await Promise.all(answers.map((r) => r.json()));
    return Response.json(bodies);
  },
};"""
    assert suggested(code) == WorkerRequest()


def test_the_handler_s_own_parameter_name_is_followed() -> None:
    code = "export default { fetch: async (req, env) => { const { id } = await req.json(); } };"
    request = suggested(code)
    assert (request.method, request.body) == ("POST", '{"id": 1}')


SIGNER = """
const url = new URL(request.url);
if (url.pathname.startsWith("/generate/")) {
  url.searchParams.set("verify", `${Date.now()}-${mac}`);
  return new Response(url.search);
}
const [stamp, mac] = url.searchParams.get("verify").split("-");
const page = url.searchParams.get("page");
"""


def test_a_query_value_the_worker_mints_is_not_invented_but_asked_of_its_route() -> None:
    assert suggested(SIGNER).path == "/generate/?page=1"  # `verify` is minted by the route; `page` still read


def test_a_query_value_read_but_never_minted_still_gets_a_plausible_value() -> None:
    verifier = SIGNER.replace('url.searchParams.set("verify"', 'url.searchParams.set("other"')
    assert suggested(verifier).path == "/?verify=example&page=1"
    no_route = SIGNER.replace('url.pathname.startsWith("/generate/")', 'url.host === "x"')
    assert suggested(no_route).path == "/?verify=example&page=1"


HONO_APP = '''import { Hono } from "hono";
const app = new Hono();
app.get("/notes/:id", async (c) => c.json({ id: c.req.param("id") }));
export default app;
'''
ASK_STEP = ('app.post("/ask", async (c) => {\n  const { question } = await c.req.json();\n'
            "  return c.text(question);\n});\n")


def test_a_router_without_a_root_route_is_asked_on_its_routes() -> None:
    """A Hono app with no `GET /` answers 404 to the default request: it is asked on its first route, the
    route's parameters filled; a session step that adds a route is asked on the route it adds, with the
    JSON keys its handler destructures from `c.req.json()`."""
    alone = suggested(HONO_APP)
    assert (alone.method, alone.path, alone.body, alone.headers) == ("GET", "/notes/1", None, ())
    step = suggested(HONO_APP + ASK_STEP, ASK_STEP)
    assert (step.method, step.path, json.loads(step.body or "")) == ("POST", "/ask", {"question": "example"})
    rooted = suggested(HONO_APP.replace('"/notes/:id"', '"/"') + ASK_STEP)
    assert (rooted.method, rooted.path) == ("GET", "/")
    assert suggested('const r = { get(p) {} };\nr.get("/x");\nexport default { fetch() {} };').path == "/"


def test_a_step_is_asked_on_the_route_it_adds_even_beside_an_earlier_root_route() -> None:
    """The RAG tutorial's `POST /notes` step continues an app whose first step answers `GET /`: the step is
    what the page shows, so its route is asked; a route only named in a comment line is not the step's."""
    rooted = HONO_APP.replace('"/notes/:id"', '"/"')
    step = suggested(rooted + ASK_STEP, ASK_STEP)
    assert (step.method, step.path) == ("POST", "/ask")
    commented = '// app.post("/ask", async (c) => { ... })\napp.get("/", (c) => c.text("hi"));\n'
    assert (suggested(rooted + commented, commented).method, suggested(rooted + commented, commented).path) == (
        "GET", "/")
