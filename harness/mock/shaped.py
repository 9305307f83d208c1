"""Answers shaped after a schema: a model's declared output type, and OpenAI's chat completion.

`fill` walks a model's output schema (from `@cloudflare/workers-types`, see the catalog) and makes a
value of that shape, filling each field by its name (`image`: a base64 PNG, `audio`: base64 MP3
bytes, text fields: the given words). `chat_completion` and `chat_chunks` are the OpenAI bodies
that chat models answer on `ai/run` and that `/ai/v1/chat/completions` answers for every model.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

CREATED = 1_700_000_000
"""A fixed `created` timestamp: answers stay deterministic."""

MP3_FRAME = bytes.fromhex("fffb9064") + bytes(413)
"""One silent MPEG-1 Layer III frame (128 kbit/s, 44.1 kHz): a file players accept."""

_SKIPPED = frozenset({"request_id", "error", "incomplete_details", "prompt_logprobs"})
_KEPT = frozenset({"text", "response", "description", "summary", "translated_text", "label", "score", "image", "audio"})


def mp3(seconds: int = 1) -> bytes:
    """`seconds` of silent MP3 (38 frames a second)."""
    return MP3_FRAME * (38 * max(1, seconds))


def _branch(branches: Sequence[Any]) -> Any:
    """The branch an answer takes: not the async (`request_id` only) or the binary one."""
    for branch in branches:
        if isinstance(branch, Mapping) and "x-binary" not in branch and set(branch.get("properties", {})) - _SKIPPED:
            return branch
    return branches[0] if branches else {}


def fill(schema: Any, rng: random.Random, say: Callable[[], str], image: bytes, name: str = "", depth: int = 0) -> Any:
    """A value of `schema`'s shape; top-level objects get every field, deeper ones the required and
    the meaningful (`text`, `response`, ...)."""
    if not isinstance(schema, Mapping) or depth > 8:
        return None
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return fill(_branch(schema["anyOf"]), rng, say, image, name, depth)
    kind = schema.get("type")
    if kind == "object":
        properties: Mapping[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", ()))
        keep = [k for k in properties if k not in _SKIPPED and (depth < 1 or k in required or k in _KEPT)]
        return {k: fill(properties[k], rng, say, image, k, depth + 1) for k in keep}
    if kind == "array":
        return [fill(schema.get("items"), rng, say, image, name, depth + 1)]
    if kind == "string":
        if name == "image":
            return base64.b64encode(image).decode()
        if name == "audio":
            return base64.b64encode(mp3()).decode()
        return say()
    if kind == "number":
        return int(rng.randint(1, 20)) if "count" in name or name.endswith("_index") else round(rng.random(), 6)
    if kind == "boolean":
        return True
    return say() if not schema else None


def ident(model_id: str, text: str) -> str:
    """A stable id for an answer (the `chatcmpl-` prefix is the caller's to change)."""
    return "chatcmpl-" + hashlib.sha256((model_id + text).encode()).hexdigest()[:24]


def calls_tool(tools: Any, messages: Any) -> Mapping[str, Any] | None:
    """The tool a request offering `tools` gets called (the first), unless its last message is
    already a tool's result (then the model answers in words)."""
    if not isinstance(tools, Sequence) or not tools or not isinstance(tools[0], Mapping):
        return None
    last = messages[-1] if isinstance(messages, Sequence) and messages else None
    if isinstance(last, Mapping) and last.get("role") == "tool":
        return None
    tool: Mapping[str, Any] = tools[0].get("function") or tools[0]
    return tool


def arguments(tool: Mapping[str, Any], seed: bytes) -> dict[str, Any]:
    """Arguments of the tool's `parameters` schema's shape."""
    value = fill(tool.get("parameters") or {}, random.Random(seed), lambda: "Lisbon", b"")
    return value if isinstance(value, dict) else {}


def tool_calls(tools: Any, messages: Any, seed: bytes) -> list[dict[str, Any]]:
    """The OpenAI `tool_calls` of an answer to a request offering `tools` (see `calls_tool`)."""
    tool = calls_tool(tools, messages)
    if tool is None:
        return []
    call = {"name": str(tool.get("name", "")), "arguments": json.dumps(arguments(tool, seed))}
    return [{"id": "call_" + hashlib.sha256(seed).hexdigest()[:16], "type": "function", "function": call}]


def usage(prompt: str, text: str) -> dict[str, int]:
    """Token counts by words, the way the answers count them."""
    asked, said = len(prompt.split()), len(text.split())
    return {"prompt_tokens": asked, "completion_tokens": said, "total_tokens": asked + said}


def chat_completion(model_id: str, text: str, calls: list[dict[str, Any]], prompt: str) -> dict[str, Any]:
    """An OpenAI `chat.completion` saying `text`, or calling `calls` (content null)."""
    message: dict[str, Any] = {"role": "assistant", "content": None if calls else text, "refusal": None}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": ident(model_id, text),
        "object": "chat.completion",
        "created": CREATED,
        "model": model_id,
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop", "logprobs": None}
        ],
        "usage": usage(prompt, "" if calls else text),
    }


def chat_chunks(model_id: str, pieces: Sequence[str], calls: list[dict[str, Any]], prompt: str) -> list[dict[str, Any]]:
    """The `chat.completion.chunk`s of a streamed answer: the role, one a piece (or the tool calls),
    then the `finish_reason` and the `usage`, as OpenAI streams them."""
    chunk_id = ident(model_id, "".join(pieces))

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return {
            "id": chunk_id,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model_id,
            "choices": [choice],
        }

    deltas = (
        [{"tool_calls": [{"index": i, **c} for i, c in enumerate(calls)]}]
        if calls
        else [{"content": p} for p in pieces]
    )
    out = [chunk({"role": "assistant", "content": ""}), *(chunk(d) for d in deltas)]
    out.append(chunk({}, "tool_calls" if calls else "stop"))
    out[-1]["usage"] = usage(prompt, "" if calls else "".join(pieces))
    return out


def prompt_of(inputs: Mapping[str, Any]) -> str:
    """The words a request asks with (its prompt, or its messages' text contents)."""
    if isinstance(inputs.get("prompt"), str):
        return str(inputs["prompt"])
    said = []
    for message in inputs.get("messages") or inputs.get("input") or []:
        content = message.get("content") if isinstance(message, Mapping) else message
        if isinstance(content, str):
            said.append(content)
        elif isinstance(content, list):
            said += [str(p.get("text", "")) for p in content if isinstance(p, Mapping)]
    return " ".join(said)
