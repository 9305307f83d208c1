"""The mock's Starlette app: Cloudflare's `ai/run` routes, the binding endpoint, admin paths.

Every request except the admin paths (`/__harness/...` other than the binding endpoint) is
recorded in the journal before its answer leaves. Who sent it comes from the proxy's tunnel
(`Registry.tunnel_for(client port)`) or an `x-harness-token` header.

Binding endpoint (for the Worker runner's `env.AI` wrapper): `POST /__harness/binding/run`,
header `x-harness-token`, JSON `{"model": str, "inputs": any, "options": object}`. It answers
like the REST route: an envelope (status 200, or the error's status with `errors`), an
`text/event-stream` body when `inputs.stream` is true, or a binary body (`image/png`). Binary
inputs must be sent as arrays of numbers. The journal entry has `via="binding"`, `json` = the
`inputs` (what the Worker passed to `ai.run`) and `body` = the raw wrapper request.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from harness.mock.catalog import Catalog
from harness.mock.inference import (
    AUTH_ERROR,
    INTERNAL_ERROR,
    INVALID_INPUT,
    METHOD_NOT_ALLOWED,
    NO_SUCH_ROUTE,
    Reply,
    parse_json,
    run_body,
    run_model,
)
from harness.mock.journal import Journal, entry_to_dict
from harness.mock.openai_compat import run_openai
from harness.mock.registry import Registry
from harness.model import RecordedRequest

TOKEN_HEADER = "x-harness-token"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@dataclass
class MockState:
    """Everything the app reads and writes; owned by the `MockServer`."""

    account_id: str
    api_token: str
    catalog: Catalog
    journal: Journal
    registry: Registry
    ca_file: Path
    errors: list[BaseException] = field(default_factory=list)
    """Unexpected exceptions raised while answering (bugs of the mock), for the caller to see."""


def _origin(request: Request, state: MockState) -> tuple[str | None, str]:
    """`(snippet_id, base url)` of a request: from its tunnel, else from headers."""
    client = request.scope.get("client")
    tunnel = state.registry.tunnel_for(client[1]) if client else None
    host = request.headers.get("host") or (tunnel.host if tunnel else "127.0.0.1")
    token = tunnel.token if tunnel and tunnel.token else request.headers.get(TOKEN_HEADER)
    scheme = tunnel.scheme if tunnel else request.url.scheme
    return state.registry.snippet_of(token), f"{scheme}://{host}"


async def _record(
    request: Request, state: MockState, via: str, reply: Reply, *, json: Any = None, model: str | None = None
) -> RecordedRequest:
    snippet_id, base = _origin(request, state)
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = f"?{request.url.query}" if request.url.query else ""
    return state.journal.record(
        RecordedRequest(
            snippet_id=snippet_id,
            via=via,
            method=request.method,
            url=base + raw_path.decode("latin-1") + query,
            path=request.url.path,
            headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.scope["headers"]),
            body=await request.body(),
            json=json,
            model=model,
            status=reply.status,
            response_content_type=reply.content_type,
            error=reply.error,
        )
    )


def _respond(reply: Reply, entry: RecordedRequest) -> Response:
    """The answer to a recorded request; `cf-ai-req-id` is derived from its journal `seq`."""
    headers = {"cf-ai-req-id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"harness-mock/{entry.seq}"))}
    answer = reply.answer
    if answer is not None and not reply.errors:
        if answer.events is not None:
            headers["content-type"] = "text/event-stream"
            return StreamingResponse(_sse(answer.events), headers=headers)
        if answer.body is not None:
            return Response(answer.body, media_type=answer.content_type, headers=headers)
    return JSONResponse(reply.envelope(), status_code=reply.status, headers=headers)


async def _sse(events: tuple[str, ...]) -> AsyncIterator[bytes]:
    for event in events:
        yield f"data: {event}\n\n".encode()


def _gate(request: Request, state: MockState) -> Reply | None:
    """The errors an API route answers before it looks at the body: 405, then 401/403."""
    if request.method != "POST":
        return Reply.failure(405, METHOD_NOT_ALLOWED, f"Method {request.method} not allowed")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return Reply.failure(401, AUTH_ERROR, "Authentication error")
    account_id = request.path_params.get("account_id")
    if not hmac.compare_digest(token.strip().encode(), state.api_token.encode()) or account_id != state.account_id:
        return Reply.failure(403, AUTH_ERROR, "Authentication error")
    return None


Endpoint = Callable[[Request], Awaitable[Response]]


def _guarded(state: MockState, endpoint: Endpoint, via: str = "rest") -> Endpoint:
    """Runs `endpoint`; a bug in it is kept in `state.errors`, recorded, and answered with 500."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Exception as exc:
            state.errors.append(exc)
            reply = Reply.failure(500, INTERNAL_ERROR, f"mock internal error: {exc!r}")
            entry = await _record(request, state, via, reply)
            return _respond(reply, entry)

    return guarded


def build_app(state: MockState) -> Starlette:
    """The app serving `state`: REST and gateway routes, binding, admin, and a recorded 404."""

    async def rest_run(request: Request) -> Response:
        model_id = request.path_params["model"]
        json_body, _ = parse_json(await request.body())
        reply = _gate(request, state)
        if reply is None:
            reply, parsed = run_body(state.catalog, model_id, await request.body())
            json_body = parsed.json if parsed else json_body
        entry = await _record(request, state, "rest", reply, json=json_body, model=model_id)
        return _respond(reply, entry)

    async def openai_run(request: Request) -> Response:
        body, problem = parse_json(await request.body())
        model_id: str | None = None
        reply = _gate(request, state)
        if reply is None and problem is not None:
            reply = Reply.failure(400, INVALID_INPUT, f"Error: {problem}")
        if reply is None:
            reply, model_id = run_openai(state.catalog, request.path_params["endpoint"], body)
        entry = await _record(request, state, "rest", reply, json=body, model=model_id)
        return _respond(reply, entry)

    async def binding_run(request: Request) -> Response:
        call, problem = parse_json(await request.body())
        model_id = call.get("model") if isinstance(call, dict) else None
        inputs = call.get("inputs") if isinstance(call, dict) else None
        if not isinstance(model_id, str):
            reply = Reply.failure(400, INVALID_INPUT, problem or "binding call without a model name")
        else:
            reply, _ = run_model(state.catalog, model_id, inputs)
        entry = await _record(request, state, "binding", reply, json=inputs, model=model_id)
        return _respond(reply, entry)

    async def not_found(request: Request) -> Response:
        reply = Reply.failure(
            404, NO_SUCH_ROUTE, f"Could not route to {request.url.path}, perhaps your object identifier is invalid?"
        )
        entry = await _record(request, state, "rest", reply, json=parse_json(await request.body())[0])
        return _respond(reply, entry)

    async def journal(request: Request) -> Response:
        if request.method == "DELETE":
            state.journal.clear()
            return JSONResponse({"cleared": True})
        snippet = request.query_params.get("snippet")
        token = request.query_params.get("token")
        entries = state.journal.all()
        if token is not None:
            snippet = state.registry.snippet_of(token)
            entries = state.journal.for_snippet(snippet) if snippet else ()
        elif snippet is not None:
            entries = state.journal.for_snippet(snippet)
        return JSONResponse([entry_to_dict(e) for e in entries])

    async def register(request: Request) -> Response:
        call, problem = parse_json(await request.body())
        snippet_id = call.get("snippet_id") if isinstance(call, dict) else None
        if not isinstance(snippet_id, str):
            return JSONResponse({"error": problem or 'expected {"snippet_id": str}'}, status_code=400)
        return JSONResponse({"token": state.registry.register(snippet_id)})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "entries": len(state.journal), "errors": len(state.errors)})

    async def admin_not_found(request: Request) -> Response:
        return JSONResponse({"error": f"no admin path {request.url.path}"}, status_code=404)

    async def ca_pem(request: Request) -> Response:
        return FileResponse(state.ca_file, media_type="application/x-pem-file")

    openai_paths = (
        "/client/v4/accounts/{account_id}/ai/v1/{endpoint:path}",
        "/v1/{account_id}/{gateway_id}/workers-ai/v1/{endpoint:path}",
    )
    run_paths = (
        "/client/v4/accounts/{account_id}/ai/run/{model:path}",
        "/v1/{account_id}/{gateway_id}/workers-ai/{model:path}",
    )
    routes = [
        Route("/__harness/health", health, methods=["GET"]),
        Route("/__harness/journal", journal, methods=["GET", "DELETE"]),
        Route("/__harness/ca.pem", ca_pem, methods=["GET"]),
        Route("/__harness/register", register, methods=["POST"]),
        Route("/__harness/binding/run", _guarded(state, binding_run, "binding"), methods=["POST"]),
        Route("/__harness/{rest:path}", admin_not_found, methods=ALL_METHODS),
        *(Route(path, _guarded(state, openai_run), methods=ALL_METHODS) for path in openai_paths),
        *(Route(path, _guarded(state, rest_run), methods=ALL_METHODS) for path in run_paths),
        Route("/{path:path}", _guarded(state, not_found), methods=ALL_METHODS),
    ]
    return Starlette(routes=routes)
