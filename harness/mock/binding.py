"""The Worker binding's two doors into the mock: `run` (the runtime's `env.AI.run`, and
`@cloudflare/ai` 1.2 which calls it) and `fetch` (the older clients' own protocols).

`POST /__harness/binding/run`, header `x-harness-token`, JSON `{"model", "inputs", "options"}`:
answered like the REST route (envelope, SSE when `inputs.stream`, or a binary body); the
journal's `json` is `inputs`.

`POST /__harness/binding/fetch`: what `runners/worker/ai-binding.mjs` forwards from
`env.AI.fetch(url, init)`, body bytes as sent, the original URL in `x-harness-binding-url` and the
original `content-encoding` in `x-harness-content-encoding`; the model is `cf-consn-model-id`.
- `@cloudflare/ai` 1.0.x (`.../run`, gzip): `{"input": [tensors], "stream": bool}`, answered
  `{"result": [tensors]}` or SSE of `{"result": [tensors]}` (see `harness.mock.tensors`); the
  journal's `json` is the model inputs rebuilt from the tensors.
- `@cloudflare/ai` 1.1 (`.../run?version=2`): `{"inputs", "options"}`. The client pipes every
  non-streamed answer through `DecompressionStream("gzip")` and reads `content-type`, so the
  answer is gzip bytes without `content-encoding`: the result object as JSON, or the image;
  streams are plain SSE. The journal's `json` is `inputs`.
Errors are the envelope with the error's status: the old clients throw
`InferenceUpstreamError(<that text>, status)`.
"""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from harness.mock.errors import INVALID_INPUT, NO_SUCH_ROUTE
from harness.mock.inference import Reply, parse_json, run_found, run_model
from harness.mock.openai_compat import resolve
from harness.mock.state import MockState, record, request_id, respond, scenario, sse, too_large
from harness.mock.tensors import TensorCall, answer_tensors, inputs_from_tensors, stream_events


async def binding_run(request: Request, state: MockState) -> Response:
    """The runtime binding's `run(model, inputs, options)`: a catalog model, `workers-ai/<id>`, or
    an AI Gateway provider's (`openai/gpt-4.1-mini`, unified billing). With `options.gateway` the
    answer carries the `cf-aig-log-id` that `gateway(id).getLog` reads."""
    call, problem = parse_json(await request.body())
    model_id = call.get("model") if isinstance(call, dict) else None
    inputs = call.get("inputs") if isinstance(call, dict) else None
    options = call.get("options") if isinstance(call, dict) else None
    if not isinstance(model_id, str):
        reply = Reply.failure(400, INVALID_INPUT, problem or "binding call without a model name")
    else:
        model = resolve(state.catalog, model_id)
        found = (
            run_found(state.catalog, model, inputs)
            if model is not None
            else run_model(state.catalog, model_id, inputs)[0]
        )
        reply = too_large(await request.body(), state) or found
        reply = await scenario(request, state, model_id, reply)
    entry = await record(request, state, "binding", reply, json=inputs, model=model_id)
    gateway = isinstance(options, dict) and isinstance(options.get("gateway"), dict)
    return respond(reply, entry, {"cf-aig-log-id": request_id(entry)["cf-ai-req-id"]} if gateway else None)


def _model_id(header: str) -> str:
    """`cf-consn-model-id` without the client's `prefix:` (model ids start with `@`)."""
    prefix, colon, rest = header.partition(":")
    return rest if colon and not prefix.startswith("@") else header


def _decoded(body: bytes, encoding: str) -> tuple[Any, str | None]:
    """The JSON of a forwarded body (gunzipped when the client compressed it)."""
    if encoding.strip().lower() == "gzip":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError, zlib.error) as exc:
            return None, f"Error: the body is not gzip as its content-encoding says: {exc}"
    return parse_json(body)


async def binding_fetch(request: Request, state: MockState) -> Response:
    """`env.AI.fetch(url, init)` of `@cloudflare/ai` 1.0.x and 1.1."""
    url = urlsplit(request.headers.get("x-harness-binding-url", ""))
    model_id = _model_id(request.headers.get("cf-consn-model-id", ""))
    version2 = parse_qs(url.query).get("version") == ["2"]
    body, problem = _decoded(await request.body(), request.headers.get("x-harness-content-encoding", ""))
    call = TensorCall(None)
    if not url.path.endswith("/run"):
        reply = Reply.failure(404, NO_SUCH_ROUTE, f"Could not route to {url.path or '/'}")
    elif problem is not None or not isinstance(body, dict):
        reply = Reply.failure(400, INVALID_INPUT, problem or "Error: the body is not a JSON object")
    elif (big := too_large(await request.body(), state)) is not None:
        reply = big
    elif version2:
        call = TensorCall(body.get("inputs"))
        reply = run_model(state.catalog, model_id, call.inputs)[0]
    else:
        model = state.catalog.lookup(model_id)
        call = inputs_from_tensors(model, body.get("input"), bool(body.get("stream"))) if model else call
        if model is not None and call.problem is not None:
            reply = Reply.failure(400, INVALID_INPUT, call.problem)
        else:
            reply = run_model(state.catalog, model_id, call.inputs)[0]
    reply = await scenario(request, state, model_id, reply)
    entry = await record(request, state, "binding", reply, json=call.inputs, model=model_id or None)
    answer = reply.answer
    if answer is None or reply.errors:
        return respond(reply, entry)
    headers = request_id(entry)
    if version2:
        if answer.events is not None:
            return respond(reply, entry)
        raw = answer.body if answer.body is not None else json.dumps(answer.result).encode()
        return Response(gzip.compress(raw), media_type=answer.content_type, headers=headers)
    model = state.catalog.lookup(model_id)
    assert model is not None
    if answer.events is not None:
        events = stream_events(call, answer)
        return StreamingResponse(sse(events), headers={**headers, "content-type": "text/event-stream"})
    return JSONResponse({"result": answer_tensors(model, call, answer)}, headers=headers)
