"""Workers AI's OpenAI-compatible endpoints (`.../ai/v1/chat/completions`, `.../ai/v1/embeddings`).

The body names the model (`{"model": "@cf/...", "messages": [...]}`); the inputs are checked
against the same catalog schema as `ai/run`, and the same deterministic answer is re-shaped the
way OpenAI clients expect it (no Cloudflare envelope; errors keep the envelope).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from harness.mock.answers import Answer
from harness.mock.catalog import Catalog
from harness.mock.errors import INVALID_INPUT, NO_SUCH_ROUTE
from harness.mock.inference import Reply, run_model

CREATED = 1_700_000_000
"""A fixed `created` timestamp: answers stay deterministic."""

ENDPOINTS = {"chat/completions": "text-generation", "embeddings": "text-embeddings"}


def run_openai(catalog: Catalog, endpoint: str, body: Any) -> tuple[Reply, str | None]:
    """`(reply, model id)` for one OpenAI-style call; the reply's answer is the OpenAI body."""
    if endpoint not in ENDPOINTS:
        return Reply.failure(404, NO_SUCH_ROUTE, f"Could not route to /ai/v1/{endpoint}"), None
    if not isinstance(body, Mapping) or not isinstance(body.get("model"), str):
        return Reply.failure(400, INVALID_INPUT, "Error: at '/': 'model' is a required property"), None
    model_id = body["model"]
    model = catalog.lookup(model_id)
    if model is not None and model.task.name != ENDPOINTS[endpoint]:
        message = f"Error: model {model_id} is a {model.task.name} model, not for /v1/{endpoint}"
        return Reply.failure(400, INVALID_INPUT, message), model_id
    inputs = {k: v for k, v in body.items() if k != "model"}
    if endpoint == "embeddings":
        inputs = {"text": body.get("input")}
    reply, _ = run_model(catalog, model_id, inputs)
    if reply.answer is None:
        return reply, model_id
    shaped = _chat(model_id, reply.answer) if endpoint == "chat/completions" else _embeddings(model_id, reply.answer)
    return Reply(reply.status, answer=shaped), model_id


def _json(value: Any) -> Answer:
    return Answer(body=json.dumps(value, separators=(",", ":")).encode(), content_type="application/json")


def _chat(model_id: str, answer: Answer) -> Answer:
    ident = "chatcmpl-" + hashlib.sha256(model_id.encode()).hexdigest()[:24]
    if answer.events is not None:
        chunks = [json.loads(e)["response"] for e in answer.events if e != "[DONE]"]
        events = tuple(
            json.dumps(
                {
                    "id": ident,
                    "object": "chat.completion.chunk",
                    "created": CREATED,
                    "model": model_id,
                    "choices": [{"index": 0, "delta": {"content": c}, "finish_reason": None}],
                },
                separators=(",", ":"),
            )
            for c in chunks
        )
        return Answer(events=(*events, "[DONE]"), content_type="text/event-stream")
    text = answer.result["response"]
    return _json(
        {
            "id": ident,
            "object": "chat.completion",
            "created": CREATED,
            "model": model_id,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": len(text.split()), "total_tokens": len(text.split())},
        }
    )


def _embeddings(model_id: str, answer: Answer) -> Answer:
    data = [{"object": "embedding", "embedding": v, "index": i} for i, v in enumerate(answer.result["data"])]
    return _json({"object": "list", "data": data, "model": model_id, "usage": {"prompt_tokens": 0, "total_tokens": 0}})
