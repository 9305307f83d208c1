"""The simulated origin: every host the mock does not model as an API answers here, plausibly
(see `harness.mock.services.origin.answers`), and every request is recorded with `via="origin"`.

Host scenarios (`hosts = [...]` in `[[tool.harness.scenarios]]`) may set its status, headers, body
or a delay. A request to a simulated origin is never a failure by itself: the checks list the hosts
a snippet reached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from harness.mock.scenarios import for_host
from harness.mock.services import ALL_METHODS
from harness.mock.services.origin.answers import OriginAnswer, SentRequest, answer
from harness.mock.state import MockState, guarded, host_of, origin, record_exchange, sent_headers

VIA = "origin"
ORIGIN_METHODS = [*ALL_METHODS, "TRACE"]
_HOP = {"content-length", "transfer-encoding", "connection", "content-encoding"}


async def serve_origin(request: Request, state: MockState) -> Response:
    """Answers and records one request to a simulated origin."""
    snippet_id, base = origin(request, state)
    query = f"?{request.url.query}" if request.url.query else ""
    headers = sent_headers(request, state)
    sent = SentRequest(request.method, base + request.url.path + query, headers, await request.body())
    reply = answer(sent)
    override, delay_s = for_host(state.scenarios, snippet_id, host_of(request, state))
    if delay_s:
        await asyncio.sleep(delay_s)
    if override is not None:
        body = override.body.encode() if override.body is not None else reply.body
        extra = {**reply.headers, **{k.lower(): v for k, v in override.headers if k.lower() not in _HOP}}
        content_type = extra.pop("content-type", reply.content_type if override.body is None else "text/plain")
        reply = OriginAnswer(override.status or reply.status, content_type, body, extra)
    await record_exchange(request, state, VIA, reply.status, reply.content_type)
    return Response(
        b"" if request.method == "HEAD" else reply.body,
        status_code=reply.status,
        headers={**reply.headers, "x-harness-origin": "simulated"},
        media_type=reply.content_type,
    )


class SimulatedOrigin:
    """Every host, every path: asked last."""

    name = VIA
    rank = 100

    def claims(self, host: str, state: MockState) -> bool:
        return True

    def routes(self, state: MockState) -> Sequence[BaseRoute]:
        async def endpoint(request: Request) -> Response:
            return await serve_origin(request, state)

        return [Route("/{path:path}", guarded(state, endpoint, VIA), methods=ORIGIN_METHODS)]

    def binding_routes(self, state: MockState) -> Sequence[BaseRoute]:
        return []


SERVICE = SimulatedOrigin()
