"""The mock's Starlette app: the admin paths, then the services it hosts (`harness.mock.services`).

Every request except the admin paths (`/__harness/...` other than the binding endpoints) is
recorded in the journal before its answer leaves. Who sent it comes from the proxy's tunnel
(`Registry.tunnel_for(client port)`) or an `x-harness-token` header; which host it was meant for
from its `Host` header (see `harness.mock.state.host_of`).

- Services: the first, by rank, that claims the request's host and has a route for its path
  answers it: Workers AI, then the Cloudflare API service (when there is one), then the API hosts'
  fallback (an OpenAPI document's operation, else 404 with code 7003), then the simulated origin of
  every other host.
- Binding: the services' routes below `/__harness/binding/` (Workers AI's `run` and `fetch`),
  and the doors of the bindings Miniflare does not simulate (`harness.mock.binding_doors`).
- Admin: `GET|DELETE /__harness/journal` (`?snippet=` or `?token=`: one snippet's entries; DELETE
  with one takes them, without clears all), `POST /__harness/register`,
  `GET /__harness/health`, `GET /__harness/ca.pem`.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Match, Route, Router
from starlette.types import Receive, Scope, Send

from harness.mock.binding_doors import binding_doors
from harness.mock.errors import NO_SUCH_ROUTE
from harness.mock.inference import parse_json
from harness.mock.journal import entry_to_dict
from harness.mock.services import ALL_METHODS, Service, services
from harness.mock.state import MockState as MockState
from harness.mock.state import host_of


class ServiceHost:
    """An ASGI app handing each request to the first service that claims its host and path."""

    def __init__(self, state: MockState, hosted: Sequence[Service]) -> None:
        self.state = state
        self.routers = [(service, Router(routes=list(service.routes(state)))) for service in hosted]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        host = host_of(Request(scope), self.state)
        for service, router in self.routers:
            if service.claims(host, self.state) and any(r.matches(scope)[0] is not Match.NONE for r in router.routes):
                await router(scope, receive, send)
                return
        answer = JSONResponse({"error": f"no service of the mock claims {host}{scope['path']}"}, status_code=502)
        await answer(scope, receive, send)


def admin_routes(state: MockState) -> list[Route]:
    """The harness's own paths: journal, registration, health, the run's CA."""

    async def journal(request: Request) -> Response:
        """GET: every entry, or one snippet's (`?snippet=` or `?token=`). DELETE: forgets every entry,
        or takes one snippet's: answered with them, as GET would, and forgotten."""
        snippet = request.query_params.get("snippet")
        token = request.query_params.get("token")
        if token is not None:
            snippet = state.registry.snippet_of(token)
            if snippet is None:  # an unknown token has no entries (not those no snippet claimed)
                return JSONResponse([])
        if snippet is None and request.method == "DELETE":
            state.journal.clear()
            return JSONResponse({"cleared": True})
        if snippet is None:
            entries = state.journal.all()
        else:
            entries = state.journal.take(snippet) if request.method == "DELETE" else state.journal.for_snippet(snippet)
        return JSONResponse([entry_to_dict(e) for e in entries])

    async def register(request: Request) -> Response:
        call, problem = parse_json(await request.body())
        snippet_id = call.get("snippet_id") if isinstance(call, dict) else None
        if not isinstance(snippet_id, str):
            return JSONResponse({"error": problem or 'expected {"snippet_id": str}'}, status_code=400)
        return JSONResponse({"token": state.registry.register(snippet_id)})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "entries": len(state.journal), "errors": len(state.errors)})

    async def ca_pem(request: Request) -> Response:
        return FileResponse(state.ca_file, media_type="application/x-pem-file")

    return [
        Route("/__harness/health", health, methods=["GET"]),
        Route("/__harness/journal", journal, methods=["GET", "DELETE"]),
        Route("/__harness/ca.pem", ca_pem, methods=["GET"]),
        Route("/__harness/register", register, methods=["POST"]),
    ]


async def unroutable(request: Request, exc: Exception) -> Response:
    """A path no route can match at all (a raw newline in it, which `{path:path}` does not take): the
    envelope with 7003, as the service answers, not Starlette's plain-text 404."""
    return JSONResponse({"result": None, "success": False, "messages": [],
                         "errors": [{"code": NO_SUCH_ROUTE, "message": "No route for the URI"}]}, status_code=404)


async def admin_not_found(request: Request) -> Response:
    return JSONResponse({"error": f"no admin path {request.url.path}"}, status_code=404)


def build_app(state: MockState, hosted: Sequence[Service] | None = None) -> Starlette:
    """The app serving `state`: admin, the services' binding doors, then the services themselves."""
    hosted = services() if hosted is None else hosted
    routes = [
        *admin_routes(state),
        *(route for service in hosted for route in service.binding_routes(state)),
        *binding_doors(state),
        Route("/__harness/{rest:path}", admin_not_found, methods=ALL_METHODS),
        Route("/{path:path}", ServiceHost(state, hosted), methods=ALL_METHODS),
    ]
    return Starlette(routes=routes, exception_handlers={404: unroutable})
