"""Workers AI's OpenAI-compatible endpoints: `.../ai/v1/{chat/completions,completions,embeddings,responses}`.

The body names the model: a Workers AI model (`@cf/...`, also `workers-ai/@cf/...`), or an AI
Gateway provider's (`openai/gpt-4.1-mini`: unified billing, answered as a chat model). A chat
request is first checked against `ChatCompletionsInput` of `@cloudflare/workers-types` (tool
results, `content: null`, content parts), then turned into the model's own inputs and checked
against the catalog as `ai/run` checks them; the same deterministic answer comes back OpenAI-shaped
(no Cloudflare envelope; errors keep the envelope).
"""

from __future__ import annotations

import base64
import json
import random
import struct
from collections.abc import Mapping
from typing import Any

from harness.mock import shaped as shapes
from harness.mock.answers import Answer
from harness.mock.catalog import Catalog, Model, explain
from harness.mock.errors import INVALID_INPUT, NO_SUCH_MODEL, NO_SUCH_ROUTE
from harness.mock.inference import Reply, run_found
from harness.mock.openai_responses import responses_body, responses_events, responses_inputs

ENDPOINTS = {
    "chat/completions": "text-generation",
    "completions": "text-generation",
    "embeddings": "text-embeddings",
    "responses": "text-generation",
}
CHAT_TASKS = frozenset({"text-generation", "chat", "image-to-text"})


def resolve(catalog: Catalog, model_id: str) -> Model | None:
    """The model a body names: the catalog's, `workers-ai/<id>`, or an AI Gateway provider's."""
    provider, _, name = model_id.partition("/")
    if provider == "workers-ai":
        return catalog.lookup(name)
    found = catalog.lookup(model_id)
    if found is None and name and provider in catalog.providers:
        return catalog.third_party(model_id)
    return found


def endpoint_of(path: str) -> str:
    """An OpenAI-style path as `ENDPOINTS` names it: `/v1/chat/completions` -> `chat/completions`."""
    return path.strip("/").removeprefix("v1/")


def model_missing(body: Any) -> Reply | None:
    """The 400 for a body that names no model (`{"model": "..."}`), else None."""
    if not isinstance(body, Mapping) or not isinstance(body.get("model"), str):
        return Reply.failure(400, INVALID_INPUT, "Error: at '/': 'model' is a required property")
    return None


def run_openai(catalog: Catalog, endpoint: str, body: Any) -> tuple[Reply, str | None]:
    """`(reply, model id)` for one OpenAI-style call; the reply's answer is the OpenAI body."""
    if endpoint not in ENDPOINTS:
        return Reply.failure(404, NO_SUCH_ROUTE, f"Could not route to /ai/v1/{endpoint}"), None
    if (missing := model_missing(body)) is not None:
        return missing, None
    model_id = body["model"]
    model = resolve(catalog, model_id)
    if model is None:
        return Reply.failure(400, NO_SUCH_MODEL, f"No such model {model_id} or task"), model_id
    wanted = ENDPOINTS[endpoint]
    if (model.task.name in CHAT_TASKS) != (wanted == "text-generation"):
        message = f"Error: model {model_id} is a {model.task.name} model, not for /v1/{endpoint}"
        return Reply.failure(400, INVALID_INPUT, message), model_id
    if endpoint == "embeddings":
        return _embeddings(catalog, model, body), model_id
    if endpoint == "chat/completions":
        error = catalog.validator("ChatCompletionsInput").iter_errors(dict(body))
        problem = next(iter(sorted(error, key=lambda e: len(e.absolute_path))), None)
        if problem is not None:
            return Reply.failure(400, INVALID_INPUT, explain(problem)), model_id
        inputs = native_chat(model, body)
    elif endpoint == "responses":
        inputs = native_chat(model, responses_inputs(body))
    else:
        inputs = {k: v for k, v in body.items() if k in ("prompt", "max_tokens", "stream", "temperature", "seed")}
    reply = run_found(catalog, model, inputs)
    if reply.answer is None:
        return reply, model_id
    return Reply(reply.status, answer=_shape(endpoint, model, body, inputs, reply.answer)), model_id


def _text(content: Any) -> str:
    """A message's content as the text the native models take (parts joined, null empty)."""
    if isinstance(content, list):
        return "".join(str(p.get("text") or p.get("refusal") or "") for p in content if isinstance(p, Mapping))
    return "" if content is None else str(content)


def native_chat(model: Model, body: Mapping[str, Any]) -> dict[str, Any]:
    """The model's own inputs for an OpenAI chat body: chat models take it as is; the others get
    their messages' contents as strings and `max_completion_tokens` as `max_tokens`."""
    inputs = {k: v for k, v in body.items() if k not in ("model", "stream_options", "n", "user", "store", "metadata")}
    if model.answer_name == "chat":
        return inputs
    if "max_completion_tokens" in inputs:
        inputs["max_tokens"] = inputs.pop("max_completion_tokens")
    messages = []
    for message in inputs.get("messages") or []:
        kept = {k: v for k, v in message.items() if k in ("role", "content", "tool_call_id", "name", "tool_calls")}
        messages.append({**kept, "content": _text(message.get("content"))})
    inputs["messages"] = messages
    return inputs


def _pieces(events: tuple[str, ...]) -> list[str]:
    """The words of a streamed answer: native `{"response"}` events, or chat chunks' content."""
    pieces = []
    for event in events:
        if event == "[DONE]":
            continue
        data = json.loads(event)
        if "response" in data:
            pieces.append(str(data["response"]))
        else:
            pieces += [str(c["delta"].get("content") or "") for c in data.get("choices", [])]
    return [p for p in pieces if p]


def _sse(events: list[dict[str, Any]]) -> Answer:
    """The Responses API's server-sent events: each names its `type` in its data; no `[DONE]`."""
    lines = tuple(json.dumps(e, separators=(",", ":")) for e in events)
    return Answer(events=lines, content_type="text/event-stream")


def _json(value: Any) -> Answer:
    return Answer(body=json.dumps(value, separators=(",", ":")).encode(), content_type="application/json")


def _events(chunks: list[dict[str, Any]]) -> Answer:
    events = tuple(json.dumps(c, separators=(",", ":")) for c in chunks) + ("[DONE]",)
    return Answer(events=events, content_type="text/event-stream")


def _calls(result: Any) -> list[dict[str, Any]]:
    """A native answer's `tool_calls`, OpenAI-shaped."""
    calls = []
    for i, call in enumerate(result.get("tool_calls") or [] if isinstance(result, Mapping) else []):
        if "function" in call:
            calls.append(dict(call))
            continue
        arguments = call.get("arguments", {})
        text = arguments if isinstance(arguments, str) else json.dumps(arguments)
        calls.append({"id": f"call_{i}", "type": "function", "function": {"name": call.get("name"), "arguments": text}})
    return calls


def _formatted(body: Mapping[str, Any], text: str, seed: str) -> str:
    """The answer text in the `response_format` asked for: JSON of the schema's shape, or as is."""
    asked = body.get("response_format") or {}
    kind = asked.get("type") if isinstance(asked, Mapping) else None
    if kind == "json_schema":
        schema = (asked.get("json_schema") or {}).get("schema") or {}
        value = shapes.fill(schema, random.Random(seed), lambda: text.split(".")[0], b"")
        return json.dumps(value)
    if kind == "json_object":
        return json.dumps({"response": text})
    return text


def _shape(endpoint: str, model: Model, body: Mapping[str, Any], inputs: Any, answer: Answer) -> Answer:
    prompt = shapes.prompt_of(inputs)
    if endpoint == "responses" and answer.events is not None:
        return _sse(responses_events(body, _pieces(answer.events), prompt))
    if model.answer_name == "chat":  # a chat model already answers OpenAI's chat body
        if answer.events is not None or endpoint == "chat/completions":
            return answer if answer.events is not None else _json(answer.result)
        message = answer.result["choices"][0]["message"]
        answer = Answer({"response": message["content"] or "", "tool_calls": message.get("tool_calls") or []})
    if answer.events is not None:
        pieces = _pieces(answer.events)
        if endpoint == "completions":
            return _events(_completion_chunks(body["model"], pieces))
        calls = shapes.tool_calls(inputs.get("tools"), inputs.get("messages"), prompt.encode())
        return _events(shapes.chat_chunks(body["model"], pieces, calls, prompt))
    text = _formatted(body, answer.result["response"], prompt)
    if endpoint == "completions":
        return _json(_completion(body["model"], text, prompt))
    if endpoint == "responses":
        return _json(responses_body(body, text, _calls(answer.result), prompt))
    return _json(shapes.chat_completion(body["model"], text, _calls(answer.result), prompt))


def _completion(model_id: str, text: str, prompt: str) -> dict[str, Any]:
    choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": "stop"}
    ident = "cmpl-" + shapes.ident(model_id, text)
    return {"id": ident, "object": "text_completion", "created": shapes.CREATED, "model": model_id,
            "choices": [choice], "usage": shapes.usage(prompt, text)}  # fmt: skip


def _completion_chunks(model_id: str, pieces: list[str]) -> list[dict[str, Any]]:
    chunks = [_completion(model_id, p, "") for p in pieces]
    for chunk in chunks:
        chunk["choices"][0]["finish_reason"] = None
        del chunk["usage"]
    chunks[-1]["choices"][0]["finish_reason"] = "stop"
    return chunks


def _embeddings(catalog: Catalog, model: Model, body: Mapping[str, Any]) -> Reply:
    reply = run_found(catalog, model, {"text": body.get("input")})
    if reply.answer is None:
        return reply
    vectors = reply.answer.result["data"]
    if body.get("encoding_format") == "base64":  # little-endian float32, as OpenAI sends it
        vectors = [base64.b64encode(struct.pack(f"<{len(v)}f", *v)).decode() for v in vectors]
    data = [{"object": "embedding", "embedding": v, "index": i} for i, v in enumerate(vectors)]
    given = body.get("input")
    texts: list[Any] = given if isinstance(given, list) else [given]
    tokens = sum(len(str(t).split()) for t in texts)
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    return Reply(200, answer=_json({"object": "list", "data": data, "model": body["model"], "usage": usage}))
