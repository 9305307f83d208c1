"""What the API hosts answer when no service models a path: an operation of a configured OpenAPI
document (see `harness.mock.openapi`), else 404 in the envelope (7003), recorded so that the checks
report "no mock for this endpoint". Asked after the Cloudflare API service, when there is one."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from harness.mock.errors import NO_SUCH_ROUTE
from harness.mock.inference import Reply, parse_json
from harness.mock.openapi import INVALID_BODY
from harness.mock.services import ALL_METHODS
from harness.mock.state import MockState, gate, guarded, record, respond


async def documented(request: Request, state: MockState) -> Response:
    """The answer of a configured OpenAPI document's operation, else the recorded 404 (7003)."""
    body, _ = parse_json(await request.body())
    operation = state.openapi.find(request.method, request.url.path) if state.openapi else None
    if operation is None or state.openapi is None:
        reply = Reply.failure(
            404, NO_SUCH_ROUTE, f"Could not route to {request.url.path}, perhaps your object identifier is invalid?"
        )
        entry = await record(request, state, "rest", reply, json=body)
        return respond(reply, entry)
    reply = gate(request, state, method=None) or Reply(200)
    answer = state.openapi.answer(operation, body) if not reply.errors else None
    if answer is not None and answer.problem is not None:
        reply = Reply.failure(400, INVALID_BODY, answer.problem)
    entry = await record(request, state, "rest", reply, json=body)
    if answer is None or reply.errors:
        return respond(reply, entry)
    headers = {"x-harness-openapi": operation.template}
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)


class ApiFallback:
    """Every path of the API hosts that no service before it claimed."""

    name = "api-fallback"
    rank = 90

    def claims(self, host: str, state: MockState) -> bool:
        return host in state.api_hosts

    def routes(self, state: MockState) -> Sequence[BaseRoute]:
        async def endpoint(request: Request) -> Response:
            return await documented(request, state)

        return [Route("/{path:path}", guarded(state, endpoint), methods=ALL_METHODS)]

    def binding_routes(self, state: MockState) -> Sequence[BaseRoute]:
        return []


SERVICE = ApiFallback()
