"""The OpenAI-compatible endpoints: same catalog and answers, OpenAI-shaped bodies."""

from __future__ import annotations

import json
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
    assert body["choices"][0]["message"] == {"role": "assistant", "content": run.json()["result"]["response"]}
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
    unknown = post(route, V1 + "responses", {"model": LLAMA})

    assert unauthorized.status_code == 401
    assert no_model.status_code == 400 and "'model'" in no_model.json()["errors"][0]["message"]
    assert wrong_task.status_code == 400 and "text-generation" in wrong_task.json()["errors"][0]["message"]
    assert invalid.status_code == 400 and "/messages/0" in invalid.json()["errors"][0]["message"]
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["code"] == 7003


def test_gateway_openai_path(route: Route) -> None:
    url = f"https://gateway.ai.cloudflare.com/v1/{CONFIG.account_id}/gw/workers-ai/v1/chat/completions"
    response = post(route, url, {"model": LLAMA, "messages": MESSAGES})

    assert response.status_code == 200 and response.json()["object"] == "chat.completion"
