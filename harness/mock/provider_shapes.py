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
from harness.mock.inference import Reply
from harness.mock.openai_compat import run_openai

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
    """A provider-native path through AI Gateway: OpenAI-style chat, or Anthropic's messages."""
    if not isinstance(body, Mapping) or not isinstance(body.get("model"), str):
        return Reply.failure(400, INVALID_INPUT, "Error: at '/': 'model' is a required property"), None
    if provider == "anthropic" and rest.rstrip("/").endswith("messages"):
        return anthropic_message(catalog, body)
    if rest.rstrip("/").endswith("chat/completions"):
        return run_openai(catalog, "chat/completions", {**body, "model": f"{provider}/{body['model']}"})
    return Reply.failure(404, NO_SUCH_ROUTE, f"Could not route to /{provider}/{rest}"), body["model"]


def universal_step(catalog: Catalog, step: Mapping[str, Any]) -> tuple[Reply, str | None]:
    """One step of the universal endpoint `{provider, endpoint, headers, query}`: Workers AI runs
    `endpoint` as the model with `query` as a chat body; the others as `provider_call`."""
    provider, endpoint, query = str(step.get("provider")), str(step.get("endpoint")), step.get("query")
    if provider == "workers-ai":
        return run_openai(
            catalog, "chat/completions", {**(query if isinstance(query, Mapping) else {}), "model": endpoint}
        )
    return provider_call(catalog, provider, endpoint, query)
