"""`/ai/v1/responses`: OpenAI's Responses API on Workers AI, as the OpenAI-compatibility page shows
it (`openai.responses.create({model, input})`).

`responses_inputs` turns a Responses body into a chat body (instructions as a system message,
`function_call_output` items as tool messages, Responses tools as chat tools); `responses_body`
is the `response` object the client reads (`output_text` is the text of its message), and
`responses_events` the events of a streamed one (`response.output_text.delta` a piece, then
`response.completed` with the whole response).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from harness.mock import shaped as shapes


def _content(content: Any) -> Any:
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, Mapping))
    return content


def responses_inputs(body: Mapping[str, Any]) -> dict[str, Any]:
    """The chat body a Responses body stands for."""
    messages: list[dict[str, Any]] = []
    if isinstance(body.get("instructions"), str):
        messages.append({"role": "system", "content": body["instructions"]})
    given = body.get("input")
    for item in [{"role": "user", "content": given}] if isinstance(given, str) else given or []:
        if not isinstance(item, Mapping):
            continue
        if item.get("type") == "function_call_output":
            messages.append(
                {"role": "tool", "content": str(item.get("output", "")), "tool_call_id": item.get("call_id")}
            )
        elif "role" in item:
            messages.append({"role": item["role"], "content": _content(item.get("content"))})
    chat: dict[str, Any] = {"model": body.get("model"), "messages": messages}
    tools = [
        {"type": "function", "function": {k: v for k, v in t.items() if k != "type"}}
        for t in body.get("tools") or []
        if isinstance(t, Mapping) and t.get("type") == "function"
    ]
    if tools:
        chat["tools"] = tools
    if isinstance(body.get("max_output_tokens"), int):
        chat["max_tokens"] = body["max_output_tokens"]
    for key in ("temperature", "top_p", "stream"):
        if key in body:
            chat[key] = body[key]
    return chat


def responses_body(body: Mapping[str, Any], text: str, calls: list[dict[str, Any]], prompt: str) -> dict[str, Any]:
    """The `response` object: one message saying `text`, or one `function_call` item a call."""
    ident = shapes.ident(str(body.get("model")), text)
    output: list[dict[str, Any]]
    if calls:
        output = [
            {
                "type": "function_call",
                "id": f"fc_{ident}_{i}",
                "call_id": call["id"],
                "name": call["function"]["name"],
                "arguments": call["function"]["arguments"],
                "status": "completed",
            }
            for i, call in enumerate(calls)
        ]
    else:
        part = {"type": "output_text", "text": text, "annotations": []}
        output = [
            {"type": "message", "id": f"msg_{ident}", "status": "completed", "role": "assistant", "content": [part]}
        ]
    used = shapes.usage(prompt, "" if calls else text)
    tools = [t for t in body.get("tools") or [] if isinstance(t, Mapping)]
    return {
        "id": f"resp_{ident}",
        "object": "response",
        "created_at": shapes.CREATED,
        "status": "completed",
        "model": body.get("model"),
        "output": output,
        "instructions": body.get("instructions"),
        "metadata": body.get("metadata") or {},
        "parallel_tool_calls": True,
        "temperature": body.get("temperature", 1.0),
        "top_p": body.get("top_p", 1.0),
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": json.loads(json.dumps(tools)),
        "error": None,
        "incomplete_details": None,
        "usage": {
            "input_tokens": used["prompt_tokens"],
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": used["completion_tokens"],
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": used["total_tokens"],
        },
    }


def responses_events(body: Mapping[str, Any], pieces: list[str], prompt: str) -> list[dict[str, Any]]:
    """The server-sent events of a streamed response saying `pieces`, as the Responses API sends them."""
    whole = responses_body(body, "".join(pieces), [], prompt)
    message = whole["output"][0]
    started = {**whole, "status": "in_progress", "output": [], "usage": None}
    empty_item = {**message, "status": "in_progress", "content": []}
    empty_part = {"type": "output_text", "text": "", "annotations": []}
    where = {"item_id": message["id"], "output_index": 0, "content_index": 0}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": started},
        {"type": "response.in_progress", "response": started},
        {"type": "response.output_item.added", "output_index": 0, "item": empty_item},
        {"type": "response.content_part.added", **where, "part": empty_part},
        *({"type": "response.output_text.delta", **where, "delta": p, "logprobs": []} for p in pieces),
        {"type": "response.output_text.done", **where, "text": "".join(pieces), "logprobs": []},
        {"type": "response.content_part.done", **where, "part": message["content"][0]},
        {"type": "response.output_item.done", "output_index": 0, "item": message},
        {"type": "response.completed", "response": whole},
    ]
    return [{**event, "sequence_number": i} for i, event in enumerate(events)]
