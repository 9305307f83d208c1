"""Answers in other providers' shapes: Anthropic's `messages`, OpenAI's model list.

AI Gateway passes a provider-native request through to the provider and its answer back; the mock
answers it itself, with the same deterministic words as a Workers AI chat model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from harness.mock import shaped as shapes
from harness.mock.answers import Answer, answer
from harness.mock.catalog import Catalog
from harness.mock.errors import INVALID_INPUT, NO_SUCH_ROUTE
from harness.mock.inference import Reply, run_body
from harness.mock.openai_compat import ENDPOINTS, endpoint_of, model_missing, run_openai

LISTED_TASKS = frozenset({"text-generation", "chat", "text-embeddings"})


def openai_models(catalog: Catalog) -> Answer:
    """`GET /ai/v1/models`: the models the OpenAI-compatible endpoints serve."""
    data = [
        {"id": model.id, "object": "model", "created": shapes.CREATED, "owned_by": "cloudflare"}
        for model in catalog.models.values()
        if model.task.name in LISTED_TASKS
    ]
    return Answer(body=_dumps({"object": "list", "data": data}), content_type="application/json")


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def anthropic_message(catalog: Catalog, body: Mapping[str, Any]) -> tuple[Reply, str]:
    """Anthropic's `POST /v1/messages` answer: `{"type": "message", "content": [{"type": "text"}]}`."""
    model_id = str(body["model"])
    if not isinstance(body.get("max_tokens"), int) or not isinstance(body.get("messages"), list):
        message = "max_tokens: Field required" if "max_tokens" not in body else "messages: Field required"
        return Reply.failure(400, INVALID_INPUT, message), model_id
    model = catalog.third_party(f"anthropic/{model_id}")
    messages = [
        {"role": m.get("role"), "content": m.get("content")} for m in body["messages"] if isinstance(m, Mapping)
    ]
    chat = answer(model, {"messages": messages, "max_tokens": body["max_tokens"], "tools": body.get("tools")}).result
    said = chat["choices"][0]["message"]
    content: list[dict[str, Any]] = [{"type": "text", "text": said["content"]}] if said["content"] else []
    for call in said.get("tool_calls") or []:
        content.append({"type": "tool_use", "id": "toolu_" + call["id"].removeprefix("call_"),
                        "name": call["function"]["name"], "input": {}})  # fmt: skip
    used = chat["usage"]
    result = {
        "id": "msg_" + chat["id"].removeprefix("chatcmpl-"),
        "type": "message",
        "role": "assistant",
        "model": model_id,
        "content": content,
        "stop_reason": "tool_use" if said.get("tool_calls") else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": used["prompt_tokens"], "output_tokens": used["completion_tokens"]},
    }
    return Reply(200, answer=Answer(body=_dumps(result), content_type="application/json")), model_id


def provider_call(catalog: Catalog, provider: str, rest: str, body: Any) -> tuple[Reply, str | None]:
    """A provider-native path through AI Gateway: Anthropic's messages, or an OpenAI-style endpoint
    (`chat/completions`, `responses`, `embeddings`, `completions`, with or without `v1/`)."""
    if (missing := model_missing(body)) is not None:
        return missing, None
    path = endpoint_of(rest)
    if provider == "anthropic" and path == "messages":
        return anthropic_message(catalog, body)
    if path in ENDPOINTS:
        return run_openai(catalog, path, {**body, "model": f"{provider}/{body['model']}"})
    return Reply.failure(404, NO_SUCH_ROUTE, f"Could not route to /{provider}/{rest}"), body["model"]


def universal_step(catalog: Catalog, step: Mapping[str, Any]) -> tuple[Reply, str | None]:
    """One step of the universal endpoint `{provider, endpoint, headers, query}`, answered as that
    provider's own door answers it: Workers AI runs `endpoint` as the model with `query` as its input
    (as `ai/run/{model}` does, answer in its envelope; `v1/chat/completions` OpenAI-style), `compat`
    is the unified OpenAI-compatible endpoint (`query.model` says `provider/model`), the others as
    `provider_call`."""
    provider, endpoint, query = str(step.get("provider")), str(step.get("endpoint")), step.get("query")
    if provider == "workers-ai" and endpoint_of(endpoint) in ENDPOINTS:
        return run_openai(catalog, endpoint_of(endpoint), query)
    if provider == "workers-ai":
        return run_body(catalog, endpoint, json.dumps(query).encode())[0], endpoint
    if provider == "compat":
        return run_openai(catalog, endpoint_of(endpoint), query)
    return provider_call(catalog, provider, endpoint, query)


def run_envelope(catalog: Catalog, body: Any, gateway_id: str | None) -> tuple[Reply, str | None]:
    """`POST .../ai/run` with `{"model", "input"}` (AI Gateway's REST API, changelog 2026-05-21): a
    Workers AI model runs `input` as `ai/run/{model}` does and needs the `cf-aig-gateway-id` header (its
    value `gateway_id`); another provider's model (`openai/gpt-4.1`) takes `input` as a chat body. The
    answer is the model's output in the API's envelope."""
    if (missing := model_missing(body)) is not None:
        return missing, None
    model_id, given = body["model"], body.get("input")
    if not isinstance(given, Mapping):
        return Reply.failure(400, INVALID_INPUT, "Error: at '/': 'input' is a required property (an object)"), model_id
    if model_id.startswith("@"):
        if not gateway_id:
            message = f"Error: {model_id} is a Workers AI model: /ai/run needs the cf-aig-gateway-id header for it"
            return Reply.failure(400, INVALID_INPUT, message), model_id
        return run_body(catalog, model_id, json.dumps(given).encode())[0], model_id
    reply, _ = run_openai(catalog, "chat/completions", {**given, "model": model_id})
    if reply.answer is None or reply.status != 200 or reply.answer.body is None:  # an error, or a stream
        return reply, model_id
    return Reply(reply.status, answer=Answer(json.loads(reply.answer.body or b"{}"))), model_id


def anthropic_via_rest(catalog: Catalog, body: Any) -> tuple[Reply, str | None]:
    """`POST .../ai/v1/messages`: Anthropic's Messages API for `anthropic/<model>` (AI Gateway's REST API)."""
    if (missing := model_missing(body)) is not None:
        return missing, None
    provider, _, name = body["model"].partition("/")
    if provider != "anthropic" or not name:
        message = f"Error: /ai/v1/messages serves Anthropic's models (`anthropic/<model>`), not {body['model']}"
        return Reply.failure(400, INVALID_INPUT, message), body["model"]
    reply, _ = anthropic_message(catalog, {**body, "model": name})
    if reply.answer is not None and reply.status == 200:
        said = {**json.loads(reply.answer.body or b"{}"), "model": body["model"]}
        reply = Reply(200, answer=Answer(body=_dumps(said), content_type="application/json"))
    return reply, body["model"]
