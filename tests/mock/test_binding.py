"""The binding endpoint the Worker runner's `env.AI` wrapper calls: same contract, own `via`."""

from __future__ import annotations

import json
from typing import Any

import httpx

from harness.mock.server import MockServer
from harness.route import Route

from .helpers import AUTH, LLAMA, RUN_URL, journal_of, sse_events, streamed_text, trust


def call(route: Route, model: Any, inputs: Any, token: str | None = None) -> httpx.Response:
    headers = {"x-harness-token": token if token is not None else route.token}
    body = {"model": model, "inputs": inputs, "options": {}}
    return httpx.post(f"{route.mock_url}/__harness/binding/run", json=body, headers=headers, timeout=10)


def test_valid_call_returns_the_envelope_and_is_recorded_as_binding(mock: MockServer, route: Route) -> None:
    inputs = {"messages": [{"role": "user", "content": "What is the origin of the phrase Hello, World"}]}
    response = call(route, LLAMA, inputs)

    assert response.status_code == 200
    envelope = response.json()
    assert envelope["success"] is True and isinstance(envelope["result"]["response"], str)
    assert response.headers["cf-ai-req-id"]
    [entry] = journal_of(mock, route)
    assert (entry.via, entry.model, entry.status, entry.json) == ("binding", LLAMA, 200, inputs)
    assert json.loads(entry.body)["inputs"] == inputs


def test_binding_and_rest_give_the_same_answer(route: Route) -> None:
    inputs = {"prompt": "Tell me a story"}
    rest = httpx.post(
        RUN_URL + LLAMA, json=inputs, headers=AUTH, proxy=route.proxy_url, verify=trust(route), timeout=10
    )

    assert call(route, LLAMA, inputs).json()["result"] == rest.json()["result"]


def test_invalid_inputs_are_an_error_envelope_with_status(mock: MockServer, route: Route) -> None:
    response = call(route, LLAMA, {"messages": [{"role": "user", "content": 7}]})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"] == 5006 and "/messages/0/content" in error["message"]
    assert journal_of(mock, route)[-1].error == error["message"]


def test_unknown_model_and_missing_model(route: Route) -> None:
    unknown = call(route, "@cf/nobody/nothing", {"prompt": "hi"})
    missing = call(route, None, {"prompt": "hi"})

    assert unknown.status_code == 400 and unknown.json()["errors"][0]["code"] == 5007
    assert missing.status_code == 400 and missing.json()["success"] is False


def test_streaming_answers_server_sent_events(mock: MockServer, route: Route) -> None:
    response = call(route, LLAMA, {"prompt": "Tell me a story", "stream": True})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    assert sse_events(response.text)[-1] == "[DONE]"
    assert (
        streamed_text(response.text) == call(route, LLAMA, {"prompt": "Tell me a story"}).json()["result"]["response"]
    )
    assert journal_of(mock, route)[0].response_content_type == "text/event-stream"


def test_unknown_token_is_recorded_without_snippet(mock: MockServer, route: Route) -> None:
    call(route, LLAMA, {"prompt": "who am I"}, token="s-not-registered")

    assert journal_of(mock, route) == ()
    assert mock.journal.for_snippet(None)[-1].json == {"prompt": "who am I"}
