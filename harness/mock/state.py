"""What every route of the mock shares: its state, who sent a request, recording, answering, and
the scenarios that force errors or latency on model calls."""

from __future__ import annotations

import asyncio
import hmac
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from harness.mock.catalog import Catalog
from harness.mock.errors import AUTH_ERROR, INTERNAL_ERROR, METHOD_NOT_ALLOWED, SERVICE_ERRORS
from harness.mock.inference import Reply
from harness.mock.journal import Journal
from harness.mock.openapi import OpenApiRoutes
from harness.mock.proxy import split_host_port
from harness.mock.registry import Registry
from harness.mock.scenarios import Scenario, forced
from harness.model import RecordedRequest

TOKEN_HEADER = "x-harness-token"
API_HOSTS = ("api.cloudflare.com", "gateway.ai.cloudflare.com")
"""The hosts of the APIs the mock models unless configured otherwise."""
MAX_BODY_BYTES = 100_000_000
"""Cloudflare's request body limit on the Free and Pro plans (100 MB); more is answered 413 (3006)."""


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
    scenarios: tuple[Scenario, ...] = ()
    """Forced errors and latency (see `harness.mock.scenarios`)."""
    openapi: OpenApiRoutes | None = None
    """Other endpoints, from OpenAPI documents (see `harness.mock.openapi`)."""
    max_body_bytes: int = MAX_BODY_BYTES
    api_hosts: tuple[str, ...] = API_HOSTS
    """The hosts of the APIs the mock models (`MockConfig.hosts`); a client of the app's own port is
    taken to speak to the first of them."""


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0", "mock"})
"""Names a client uses for the app's own port when it talks to the mock directly, not through the proxy."""


def host_of(request: Request, state: MockState) -> str:
    """The host a request was meant for (lower case, no port): its `Host` header, else its tunnel's. A
    direct client of the app's port (no tunnel, a local name) speaks to the first API host."""
    client = request.scope.get("client")
    tunnel = state.registry.tunnel_for(client[1]) if client else None
    authority = request.headers.get("host") or (tunnel.host if tunnel else "")
    host = split_host_port(authority, 0)[0]
    if (tunnel is None or tunnel.direct) and (host in LOCAL_HOSTS or not host) and state.api_hosts:
        return state.api_hosts[0]
    return host


def sent_headers(request: Request, state: MockState) -> tuple[tuple[str, str], ...]:
    """The request's headers as the client sent them (its own `Connection`, not the proxy's `close`)."""
    client = request.scope.get("client")
    tunnel = state.registry.tunnel_for(client[1]) if client else None
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.scope["headers"]]
    if tunnel is None or tunnel.connection is None:
        return tuple(headers)
    return tuple((k, tunnel.connection if k == "connection" else v) for k, v in headers)


def origin(request: Request, state: MockState) -> tuple[str | None, str]:
    """`(snippet_id, base url)` of a request: from its tunnel, else from headers."""
    client = request.scope.get("client")
    tunnel = state.registry.tunnel_for(client[1]) if client else None
    host = request.headers.get("host") or (tunnel.host if tunnel else "127.0.0.1")
    token = tunnel.token if tunnel and tunnel.token else request.headers.get(TOKEN_HEADER)
    scheme = tunnel.scheme if tunnel else request.url.scheme
    return state.registry.snippet_of(token), f"{scheme}://{host}"


def page_of(request: Request, state: MockState) -> str | None:
    """The page of the snippet that sent a request (its id up to the first `::`), if the run knows it."""
    snippet_id = origin(request, state)[0]
    return snippet_id.split("::", 1)[0] if snippet_id else None


async def record(
    request: Request, state: MockState, via: str, reply: Reply, *, json: Any = None, model: str | None = None
) -> RecordedRequest:
    """Records the exchange in the journal (the request as it came, the reply's status and error)."""
    return await record_exchange(
        request, state, via, reply.status, reply.content_type, error=reply.error, json=json, model=model
    )


async def record_exchange(
    request: Request,
    state: MockState,
    via: str,
    status: int,
    content_type: str,
    *,
    error: str | None = None,
    json: Any = None,
    model: str | None = None,
) -> RecordedRequest:
    """Records one exchange in the journal: the request as it came, the status and content type answered."""
    snippet_id, base = origin(request, state)
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = f"?{request.url.query}" if request.url.query else ""
    return state.journal.record(
        RecordedRequest(
            snippet_id=snippet_id,
            via=via,
            method=request.method,
            url=base + raw_path.decode("latin-1") + query,
            path=request.url.path,
            headers=sent_headers(request, state),
            body=await request.body(),
            json=json,
            model=model,
            status=status,
            response_content_type=content_type,
            error=error,
        )
    )


def request_id(entry: RecordedRequest) -> dict[str, str]:
    """The `cf-ai-req-id` header of an answer, derived from its journal `seq`."""
    return {"cf-ai-req-id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"harness-mock/{entry.seq}"))}


def respond(reply: Reply, entry: RecordedRequest, extra: Mapping[str, str] | None = None) -> Response:
    """The answer to a recorded request: SSE, a binary body, or the envelope."""
    headers = {**request_id(entry), **(extra or {})}
    answer = reply.answer
    if answer is not None and not reply.errors:
        if answer.events is not None:
            headers["content-type"] = "text/event-stream"
            return StreamingResponse(sse(answer.events), headers=headers)
        if answer.body is not None:
            return Response(answer.body, media_type=answer.content_type, headers=headers)
    return JSONResponse(reply.envelope(), status_code=reply.status, headers=headers)


async def sse(events: tuple[str, ...]) -> AsyncIterator[bytes]:
    """Server-sent events, one `data:` line each."""
    for event in events:
        yield f"data: {event}\n\n".encode()


async def scenario(request: Request, state: MockState, model: str | None, reply: Reply) -> Reply:
    """`reply`, or the error a scenario forces on this call, after any latency it asks for."""
    if not state.scenarios:
        return reply
    wanted = forced(state.scenarios, origin(request, state)[0], model)
    if wanted.latency_s:
        await asyncio.sleep(wanted.latency_s)
    if wanted.error is None:
        return reply
    return Reply.of(wanted.error, model, request.url.path)


def too_large(body: bytes, state: MockState) -> Reply | None:
    """413 (3006) for a body over the limit, else None."""
    return Reply.of(SERVICE_ERRORS["too-large"]) if len(body) > state.max_body_bytes else None


def gate(request: Request, state: MockState, method: str | None = "POST") -> Reply | None:
    """The errors a Cloudflare API route answers before it looks at the body: 405, then 401/403, then 413."""
    if method is not None and request.method != method:
        return Reply.failure(405, METHOD_NOT_ALLOWED, f"Method {request.method} not allowed")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if (scheme.lower() != "bearer" or not token.strip()) and not request.headers.get("x-auth-key"):
        return Reply.failure(401, AUTH_ERROR, "Authentication error")
    account_id = request.path_params.get("account_id", state.account_id)
    if not credentials(request, state) or account_id != state.account_id:
        return Reply.failure(403, AUTH_ERROR, "Authentication error")
    return None


def credentials(request: Request, state: MockState) -> bool:
    """A Cloudflare credential the mock accepts: the bearer token, or `X-Auth-Email` + `X-Auth-Key`."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return hmac.compare_digest(token.strip().encode(), state.api_token.encode())
    key, email = request.headers.get("x-auth-key", ""), request.headers.get("x-auth-email", "")
    return bool(key) and "@" in email and hmac.compare_digest(key.encode(), state.api_token.encode())


Endpoint = Callable[[Request], Awaitable[Response]]


def guarded(state: MockState, endpoint: Endpoint, via: str = "rest") -> Endpoint:
    """Runs `endpoint`; a bug in it is kept in `state.errors`, recorded, and answered with 500."""

    async def guarded_endpoint(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Exception as exc:
            state.errors.append(exc)
            reply = Reply.failure(500, INTERNAL_ERROR, f"mock internal error: {exc!r}")
            entry = await record(request, state, via, reply)
            return respond(reply, entry)

    return guarded_endpoint
