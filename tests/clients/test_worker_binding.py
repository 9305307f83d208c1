"""Plain `env.AI` in a Worker, the whole binding as @cloudflare/workers-types declares it, against the
mock: `run` with its options (`returnRawResponse`, `gateway`, streaming), unified billing
(`openai/gpt-4.1-mini` with a gateway), `gateway(id)` (`getLog`, `patchLog`, `getUrl`, `run`),
`models()` and `toMarkdown()`. Each call is journaled like the REST route's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from harness.model import RecordedRequest, Snippet
from harness.run.local.executor import LocalExecutor
from harness.run.registry import default_runners_dir, runners

LLAMA = "@cf/meta/llama-3.1-8b-instruct"
ASK = '{ messages: [{ role: "user", content: "What is Cloudflare?" }] }'

WORKER = f"""
export default {{
  async fetch(request, env) {{
    const out = {{}};
    out.chat = await env.AI.run("{LLAMA}", {{ prompt: "hi" }});
    const raw = await env.AI.run("{LLAMA}", {{ prompt: "hi" }}, {{ returnRawResponse: true }});
    out.raw = {{ isResponse: raw instanceof Response, status: raw.status, body: await raw.json() }};
    const stream = await env.AI.run("{LLAMA}", {{ prompt: "hi", stream: true }});
    out.streamed = await new Response(stream).text();
    out.billing = await env.AI.run("openai/gpt-4.1-mini", {ASK}, {{ gateway: {{ id: "my-gateway" }} }});
    out.logId = env.AI.aiGatewayLogId;
    const gateway = env.AI.gateway("my-gateway");
    out.log = await gateway.getLog(out.logId);
    await gateway.patchLog(out.logId, {{ score: 90, feedback: 1 }});
    try {{ await gateway.patchLog(out.logId, {{ feedback: 7 }}); }} catch (error) {{ out.badPatch = error.message; }}
    out.url = await gateway.getUrl("openai");
    const universal = await gateway.run({{ provider: "workers-ai", endpoint: "{LLAMA}", headers: {{}}, query: {ASK} }});
    out.universal = {{ isResponse: universal instanceof Response, body: await universal.json() }};
    out.models = (await env.AI.models({{ search: "flux-1" }})).map((m) => m.name);
    const page = new Blob(["<h1>Hello</h1><p>from the page</p>"], {{ type: "text/html" }});
    out.markdown = await env.AI.toMarkdown([{{ name: "page.html", blob: page }}]);
    out.supported = (await env.AI.toMarkdown().supported()).map((f) => f.extension);
    try {{ await env.AI.run("@cf/nobody/nothing", {{ prompt: "hi" }}); }} catch (error) {{ out.error = error.message; }}
    return Response.json(out);
  }},
}};
"""


@pytest.fixture(scope="module")
def ran() -> Iterator[tuple[dict[str, Any], tuple[RecordedRequest, ...]]]:
    with LocalExecutor(default_runners_dir()) as executor:
        snippet = Snippet(id="binding.md::all::js", page="binding.md", group="all", label="js", language="js",
                          code=WORKER, line=1, source=WORKER)  # fmt: skip
        snippet = replace(snippet, options={})
        runner = runners(executor.runners_dir)["worker"]
        launch = runner.launch(snippet, executor.route(snippet.id), executor.runners_dir)
        out = executor.execute(runner, launch, 90)
        assert out.response is not None and out.response.status == 200, out.stderr
        yield json.loads(out.response.body), executor.requests_of(snippet.id)


def test_run_with_raw_response_and_stream(ran: tuple[dict[str, Any], tuple[RecordedRequest, ...]]) -> None:
    out, _ = ran

    assert out["chat"]["response"].startswith(f"Mock answer from {LLAMA}")
    assert out["raw"]["isResponse"] and out["raw"]["status"] == 200
    assert out["raw"]["body"]["result"] == out["chat"] and out["raw"]["body"]["success"] is True
    assert out["streamed"].rstrip().endswith("data: [DONE]")


def test_unified_billing_and_the_gateway(ran: tuple[dict[str, Any], tuple[RecordedRequest, ...]]) -> None:
    out, journal = ran

    assert out["billing"]["object"] == "chat.completion" and out["billing"]["model"] == "openai/gpt-4.1-mini"
    assert out["log"]["id"] == out["logId"] and out["log"]["provider"] == "openai" and out["log"]["success"]
    assert "at '/feedback'" in out["badPatch"]
    assert out["url"] == "https://gateway.ai.cloudflare.com/v1/023e105f4ecef8ad9ca31a8372d0c353/my-gateway/openai"
    universal = out["universal"]  # answered as the gateway's `workers-ai/{model}` door answers it
    assert universal["isResponse"] and universal["body"]["result"]["response"].startswith("Mock")
    billing = next(e for e in journal if e.model == "openai/gpt-4.1-mini")
    assert billing.via == "binding" and json.loads(billing.body)["options"] == {"gateway": {"id": "my-gateway"}}


def test_models_to_markdown_and_errors(ran: tuple[dict[str, Any], tuple[RecordedRequest, ...]]) -> None:
    out, journal = ran

    assert out["models"] == ["@cf/black-forest-labs/flux-1-schnell"]
    [converted] = out["markdown"]
    assert converted["format"] == "markdown" and converted["data"] == "# Hello\n\nfrom the page"
    assert {"pdf", "html", "docx"} <= set(out["supported"])
    assert out["error"] == "5007: No such model @cf/nobody/nothing or task"
    assert [e.path.rsplit("/", 1)[-1] for e in journal if "/binding/ai/" in e.path] == [
        "gateway-log", "gateway-patch-log", "gateway-patch-log", "gateway-url", "gateway-run", "models",
        "to-markdown", "supported",
    ]  # fmt: skip
