"""The OpenAI-compatible endpoints: same catalog and answers, OpenAI-shaped bodies (the shapes are
checked against the `openai` packages' own types in tests/clients)."""

from __future__ import annotations

import base64
import json
import struct
from typing import Any

import requests

from harness.mock.server import MockServer
from harness.route import Route

from .helpers import AUTH, CONFIG, LLAMA, RUN_URL, journal_of, sse_events

V1 = f"https://api.cloudflare.com/client/v4/accounts/{CONFIG.account_id}/ai/v1/"
MESSAGES = [{"role": "user", "content": "Tell me a story"}]


def post(route: Route, url: str, body: Any, headers: dict[str, str] = AUTH) -> requests.Response:
    return requests.post(
        url, json=body, headers=headers, proxies={"https": route.proxy_url}, verify=route.ca_file, timeout=10
    )


def test_chat_completion_carries_the_run_answer(mock: MockServer, route: Route) -> None:
    chat = post(route, V1 + "chat/completions", {"model": LLAMA, "messages": MESSAGES})
    run = post(route, RUN_URL + LLAMA, {"messages": MESSAGES})

    assert chat.status_code == 200
    body = chat.json()
    assert body["object"] == "chat.completion" and body["model"] == LLAMA
    assert body["choices"][0]["message"] == {"role": "assistant", "content": run.json()["result"]["response"],
                                                 "refusal": None}
    assert journal_of(mock, route)[0].model == LLAMA


def test_chat_completion_stream_is_chunks_then_done(route: Route) -> None:
    response = post(route, V1 + "chat/completions", {"model": LLAMA, "messages": MESSAGES, "stream": True})

    events = sse_events(response.text)
    assert response.headers["content-type"] == "text/event-stream" and events[-1] == "[DONE]"
    assert {json.loads(e)["object"] for e in events[:-1]} == {"chat.completion.chunk"}


def test_embeddings(route: Route) -> None:
    response = post(route, V1 + "embeddings", {"model": "@cf/baai/bge-small-en-v1.5", "input": ["a", "b"]})

    body = response.json()
    assert body["object"] == "list" and [d["index"] for d in body["data"]] == [0, 1]
    assert len(body["data"][0]["embedding"]) == 384


def test_errors_keep_the_envelope(route: Route) -> None:
    unauthorized = post(route, V1 + "chat/completions", {"model": LLAMA, "messages": MESSAGES}, headers={})
    no_model = post(route, V1 + "chat/completions", {"messages": MESSAGES})
    wrong_task = post(route, V1 + "embeddings", {"model": LLAMA, "input": "x"})
    invalid = post(route, V1 + "chat/completions", {"model": LLAMA, "messages": [{"role": "user"}]})
    unknown = post(route, V1 + "nonsense", {"model": LLAMA})

    assert unauthorized.status_code == 401
    assert no_model.status_code == 400 and "'model'" in no_model.json()["errors"][0]["message"]
    assert wrong_task.status_code == 400 and "text-generation" in wrong_task.json()["errors"][0]["message"]
    assert invalid.status_code == 400 and "/messages/0" in invalid.json()["errors"][0]["message"]
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["code"] == 7003


def test_gateway_openai_path(route: Route) -> None:
    url = f"https://gateway.ai.cloudflare.com/v1/{CONFIG.account_id}/gw/workers-ai/v1/chat/completions"
    response = post(route, url, {"model": LLAMA, "messages": MESSAGES})

    assert response.status_code == 200 and response.json()["object"] == "chat.completion"


TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    }
]


def test_a_tool_call_then_its_result(route: Route) -> None:
    first = post(route, V1 + "chat/completions", {"model": LLAMA, "messages": MESSAGES, "tools": TOOLS}).json()
    [call] = first["choices"][0]["message"]["tool_calls"]
    follow_up = [
        {"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
        *MESSAGES,
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": '{"temp": 21}'},
    ]
    second = post(route, V1 + "chat/completions", {"model": LLAMA, "messages": follow_up, "tools": TOOLS})

    assert first["choices"][0]["finish_reason"] == "tool_calls" and first["choices"][0]["message"]["content"] is None
    assert call["type"] == "function" and json.loads(call["function"]["arguments"]) == {"city": "Lisbon"}
    assert second.status_code == 200, second.text
    assert second.json()["choices"][0]["message"]["content"].startswith("Mock answer")


def test_a_stream_ends_with_finish_reason_and_usage(route: Route) -> None:
    body = {"model": LLAMA, "messages": MESSAGES, "stream": True, "stream_options": {"include_usage": True}}
    chunks = [json.loads(e) for e in sse_events(post(route, V1 + "chat/completions", body).text)[:-1]]

    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert [c["choices"][0]["finish_reason"] for c in chunks][-2:] == [None, "stop"]
    assert chunks[-1]["usage"]["completion_tokens"] == len(chunks) - 2


def test_json_schema_response_format_answers_json_of_the_schema(route: Route) -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "number"}},
              "required": ["name", "age"]}  # fmt: skip
    asked = {"type": "json_schema", "json_schema": {"name": "person", "schema": schema}}
    body = post(route, V1 + "chat/completions", {"model": LLAMA, "messages": MESSAGES, "response_format": asked})

    content = json.loads(body.json()["choices"][0]["message"]["content"])
    assert set(content) == {"name", "age"} and isinstance(content["age"], float)


def test_embeddings_in_base64_are_the_float32_of_the_floats(route: Route) -> None:
    request = {"model": "@cf/baai/bge-small-en-v1.5", "input": ["a"]}
    floats = post(route, V1 + "embeddings", request).json()["data"][0]["embedding"]
    packed = post(route, V1 + "embeddings", {**request, "encoding_format": "base64"}).json()["data"][0]["embedding"]

    decoded = struct.unpack("<384f", base64.b64decode(packed))
    assert len(decoded) == len(floats) and all(abs(a - b) < 1e-6 for a, b in zip(decoded, floats, strict=True))


def test_completions_responses_and_models(route: Route) -> None:
    completion = post(route, V1 + "completions", {"model": LLAMA, "prompt": "Once upon"}).json()
    response = post(route, V1 + "responses", {"model": "@cf/openai/gpt-oss-120b", "input": "Hi"}).json()
    listed = requests.get(V1 + "models", headers=AUTH, proxies={"https": route.proxy_url}, verify=route.ca_file)

    assert completion["object"] == "text_completion" and completion["choices"][0]["text"].startswith("Mock")
    assert response["object"] == "response" and response["output"][0]["content"][0]["type"] == "output_text"
    ids = {m["id"] for m in listed.json()["data"]}
    assert {LLAMA, "@cf/openai/gpt-oss-120b", "@cf/baai/bge-m3"} <= ids and "@cf/openai/whisper" not in ids


def test_unified_billing_models_by_provider_prefix(route: Route) -> None:
    third = post(route, V1 + "chat/completions", {"model": "openai/gpt-4.1-mini", "messages": MESSAGES})
    workers = post(route, V1 + "chat/completions", {"model": f"workers-ai/{LLAMA}", "messages": MESSAGES})
    unknown = post(route, V1 + "chat/completions", {"model": "nobody/gpt-4.1-mini", "messages": MESSAGES})

    assert third.status_code == 200 and third.json()["model"] == "openai/gpt-4.1-mini"
    assert workers.status_code == 200 and workers.json()["choices"][0]["message"]["content"].startswith("Mock")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["code"] == 5007


GATEWAY = f"https://gateway.ai.cloudflare.com/v1/{CONFIG.account_id}/my-gateway/"
AIG = {"cf-aig-authorization": f"Bearer {CONFIG.api_token}"}


def test_gateway_compat_and_provider_native_endpoints(mock: MockServer, route: Route) -> None:
    compat = post(
        route, GATEWAY + "compat/chat/completions", {"model": "anthropic/claude-4", "messages": MESSAGES}, AIG
    )
    native = post(route, GATEWAY + "openai/chat/completions", {"model": "gpt-4.1-mini", "messages": MESSAGES},
                  {"Authorization": "Bearer sk-provider-key"})  # fmt: skip
    claude = post(route, GATEWAY + "anthropic/v1/messages",
                  {"model": "claude-4", "max_tokens": 64, "messages": MESSAGES}, AIG)  # fmt: skip
    universal = post(route, GATEWAY.rstrip("/"),
                     [{"provider": "workers-ai", "endpoint": LLAMA, "headers": {}, "query": {"messages": MESSAGES}}],
                     AIG)  # fmt: skip

    assert compat.status_code == 200 and compat.json()["object"] == "chat.completion"
    assert native.status_code == 200 and native.json()["choices"][0]["finish_reason"] == "stop"
    assert claude.json()["type"] == "message" and claude.json()["content"][0]["type"] == "text"
    # a Workers AI step is answered as `workers-ai/{model}` answers: the model's own output, in its envelope
    assert universal.status_code == 200 and universal.json()["result"]["response"].startswith("Mock")
    assert [e.model for e in journal_of(mock, route)] == [
        "anthropic/claude-4",
        "openai/gpt-4.1-mini",
        "claude-4",
        LLAMA,
    ]


def test_universal_steps_are_answered_by_each_providers_own_door(mock: MockServer, route: Route) -> None:
    key = {"Authorization": "Bearer sk-provider-key", "Content-Type": "application/json"}
    steps = [
        {"provider": "workers-ai", "endpoint": LLAMA, "headers": key, "query": {"prompt": "Tell me a story"}},
        {"provider": "compat", "endpoint": "chat/completions", "headers": key,
         "query": {"model": "google-ai-studio/gemini-2.0-flash", "messages": MESSAGES}},
        {"provider": "openai", "endpoint": "responses", "headers": key, "query": {"model": "gpt-4.1", "input": "Hi"}},
    ]
    # no gateway token and no key on the request itself: each step carries its provider's key
    answers = [post(route, GATEWAY.rstrip("/"), [step], {}) for step in steps]
    native = post(route, GATEWAY + "openai/v1/responses", {"model": "gpt-4.1", "input": "Hi"}, key)

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json()["result"]["response"].startswith("Mock")  # `prompt`, as the model takes it
    assert answers[1].json()["model"] == "google-ai-studio/gemini-2.0-flash"
    assert answers[2].json()["object"] == "response" and native.json()["object"] == "response"


def test_a_universal_body_that_is_not_json_says_so(route: Route) -> None:
    step = '{"provider": "workers-ai", "endpoint": "@cf/meta/llama-3.1-8b-instruct", "query": {"prompt": "x"},}'
    answer = requests.post(GATEWAY.rstrip("/"), data="[" + step + "]", headers={"Content-Type": "application/json"},
                           proxies={"https": route.proxy_url}, verify=route.ca_file, timeout=30)

    assert answer.status_code == 400
    assert "not valid JSON" in answer.json()["errors"][0]["message"]  # not a 401 for credentials it never read


def test_gateway_credentials(route: Route) -> None:
    body = {"model": "openai/gpt-4.1-mini", "messages": MESSAGES}
    none = post(route, GATEWAY + "compat/chat/completions", body, {})
    wrong = post(route, GATEWAY + "compat/chat/completions", body, {"cf-aig-authorization": "Bearer nope"})

    for response in (none, wrong):
        assert response.status_code == 401 and response.json()["errors"] == [{"code": 2009, "message": "Unauthorized"}]


def test_model_schema_and_the_other_auth_style(route: Route) -> None:
    url = V1.replace("/ai/v1/", "/ai/models/schema")
    keys = {"X-Auth-Email": "user@example.com", "X-Auth-Key": CONFIG.api_token}
    flux = requests.get(url, params={"model": "@cf/black-forest-labs/flux-1-schnell"}, headers=keys,
                        proxies={"https": route.proxy_url}, verify=route.ca_file).json()  # fmt: skip
    missing = requests.get(url, params={"model": "@cf/no/such"}, headers=AUTH,
                           proxies={"https": route.proxy_url}, verify=route.ca_file)  # fmt: skip

    assert flux["success"] and flux["result"]["input"]["required"] == ["prompt"]
    assert flux["result"]["output"]["properties"]["image"] == {"type": "string"}
    assert missing.status_code == 400 and missing.json()["errors"][0]["code"] == 5007


def test_the_ai_gateway_rest_api_on_the_api_host(mock: MockServer, route: Route) -> None:
    run = V1.replace("/ai/v1/", "/ai/run")
    third = post(route, run, {"model": "openai/gpt-4.1", "input": {"messages": MESSAGES, "max_tokens": 64}})
    workers = post(route, run, {"model": LLAMA, "input": {"prompt": "Tell me a story"}},
                   {**AUTH, "cf-aig-gateway-id": "default"})  # fmt: skip
    no_gateway = post(route, run, {"model": LLAMA, "input": {"prompt": "Tell me a story"}})
    no_input = post(route, run, {"model": "openai/gpt-4.1"})
    claude = post(route, V1 + "messages", {"model": "anthropic/claude-sonnet-4-5", "max_tokens": 64,
                                           "messages": MESSAGES})  # fmt: skip
    not_claude = post(route, V1 + "messages", {"model": "openai/gpt-4.1", "max_tokens": 64, "messages": MESSAGES})
    anonymous = post(route, V1 + "messages", {"model": "anthropic/claude-sonnet-4-5"}, {})

    assert third.status_code == 200 and third.json()["result"]["choices"][0]["message"]["role"] == "assistant"
    assert workers.status_code == 200 and workers.json()["result"]["response"].startswith("Mock")
    assert no_gateway.status_code == 400 and "cf-aig-gateway-id" in no_gateway.json()["errors"][0]["message"]
    assert no_input.status_code == 400 and "'input'" in no_input.json()["errors"][0]["message"]
    assert claude.status_code == 200 and claude.json()["type"] == "message"
    assert claude.json()["model"] == "anthropic/claude-sonnet-4-5"
    assert not_claude.status_code == 400 and anonymous.status_code == 401
    assert [e.model for e in journal_of(mock, route)][:2] == ["openai/gpt-4.1", LLAMA]
