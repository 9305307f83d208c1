"""The mock's Starlette app: Cloudflare's `ai/run` routes, the binding endpoints, admin paths.

Every request except the admin paths (`/__harness/...` other than the binding endpoints) is
recorded in the journal before its answer leaves. Who sent it comes from the proxy's tunnel
(`Registry.tunnel_for(client port)`) or an `x-harness-token` header.

- REST: `.../ai/run/{model}` and the AI Gateway's `.../workers-ai/{model}`; the OpenAI-compatible
  `.../ai/v1/...` (see `harness.mock.openai_compat`). 405, then 401/403 (10000), then 413 (3006),
  then the model's verdict; scenarios may force an error or latency on top.
- Binding: `/__harness/binding/run` and `/__harness/binding/fetch` (see `harness.mock.binding`).
- Anything else: an operation of a configured OpenAPI document (see `harness.mock.openapi`), else
  404 in the envelope (7003), recorded so the checks report "no mock for this endpoint".
- Admin: `GET|DELETE /__harness/journal` (`?snippet=` or `?token=`: one snippet's entries; DELETE
  with one takes them, without clears all), `POST /__harness/register`,
  `GET /__harness/health`, `GET /__harness/ca.pem`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import partial

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from harness.mock.ai_routes import credentials, extra_routes
from harness.mock.binding import binding_fetch, binding_run
from harness.mock.errors import AUTH_ERROR, INTERNAL_ERROR, INVALID_INPUT, METHOD_NOT_ALLOWED, NO_SUCH_ROUTE
from harness.mock.inference import Reply, parse_json, run_body
from harness.mock.journal import entry_to_dict
from harness.mock.models_search import search as search_models
from harness.mock.openai_compat import run_openai
from harness.mock.openapi import INVALID_BODY
from harness.mock.services import cloudflare_api
from harness.mock.state import MockState as MockState
from harness.mock.state import record, respond, scenario, too_large

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
POST = ["POST"]
MODELS_SEARCH = re.compile(r"/client/v4/accounts/(?P<account_id>[^/]+)/ai/models/search/?")


def _gate(request: Request, state: MockState, method: str | None = "POST") -> Reply | None:
    """The errors an API route answers before it looks at the body: 405, then 401/403, then 413."""
    if method is not None and request.method != method:
        return Reply.failure(405, METHOD_NOT_ALLOWED, f"Method {request.method} not allowed")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if (scheme.lower() != "bearer" or not token.strip()) and not request.headers.get("x-auth-key"):
        return Reply.failure(401, AUTH_ERROR, "Authentication error")
    account_id = request.path_params.get("account_id", state.account_id)
    if not credentials(request, state) or account_id != state.account_id:
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
            entry = await record(request, state, via, reply)
            return respond(reply, entry)

    return guarded


def build_app(state: MockState) -> Starlette:
    """The app serving `state`: REST and gateway routes, binding, admin, and a recorded 404."""
    cloudflare = cloudflare_api.CloudflareApi(state)

    async def rest_run(request: Request) -> Response:
        model_id = request.path_params["model"]
        json_body, _ = parse_json(await request.body())
        reply = _gate(request, state) or too_large(await request.body(), state)
        if reply is None:
            reply, parsed = run_body(state.catalog, model_id, await request.body())
            json_body = parsed.json if parsed else json_body
            reply = await scenario(request, state, model_id, reply)
        entry = await record(request, state, "rest", reply, json=json_body, model=model_id)
        return respond(reply, entry)

    async def openai_run(request: Request) -> Response:
        body, problem = parse_json(await request.body())
        model_id: str | None = None
        reply = _gate(request, state) or too_large(await request.body(), state)
        if reply is None and problem is not None:
            reply = Reply.failure(400, INVALID_INPUT, f"Error: {problem}")
        if reply is None:
            reply, model_id = run_openai(state.catalog, request.path_params["endpoint"], body)
            reply = await scenario(request, state, model_id, reply)
        entry = await record(request, state, "rest", reply, json=body, model=model_id)
        return respond(reply, entry)

    async def models(request: Request, account_id: str) -> Response:
        reply = _gate(request, state, method="GET")
        if reply is None and account_id != state.account_id:
            reply = Reply.failure(403, AUTH_ERROR, "Authentication error")
        reply = reply or search_models(state.catalog, dict(request.query_params))
        entry = await record(request, state, "rest", reply)
        return respond(reply, entry)

    async def not_found(request: Request) -> Response:
        """An endpoint the mock does not model: one from an OpenAPI document, else 404 (7003)."""
        body, _ = parse_json(await request.body())
        operation = state.openapi.find(request.method, request.url.path) if state.openapi else None
        listing = MODELS_SEARCH.fullmatch(request.url.path)
        if operation is None and listing:  # a configured OpenAPI document describing it wins
            return await models(request, listing["account_id"])
        if operation is None and cloudflare_api.claims(request.method, request.url.path):
            return await cloudflare.handle(request)
        if operation is None or state.openapi is None:
            reply = Reply.failure(
                404, NO_SUCH_ROUTE, f"Could not route to {request.url.path}, perhaps your object identifier is invalid?"
            )
            entry = await record(request, state, "rest", reply, json=body)
            return respond(reply, entry)
        reply = _gate(request, state, method=None) or Reply(200)
        documented = state.openapi.answer(operation, body) if not reply.errors else None
        if documented is not None and documented.problem is not None:
            reply = Reply.failure(400, INVALID_BODY, documented.problem)
        entry = await record(request, state, "rest", reply, json=body)
        if documented is None or reply.errors:
            return respond(reply, entry)
        headers = {"x-harness-openapi": operation.template}
        return JSONResponse(documented.body, status_code=documented.status, headers=headers)

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
        *(
            Route(f"/__harness/binding/{name}", _guarded(state, partial(door, state=state), "binding"), methods=POST)
            for name, door in (("run", binding_run), ("fetch", binding_fetch))
        ),
        *extra_routes(state),
        Route("/__harness/{rest:path}", admin_not_found, methods=ALL_METHODS),
        *(Route(path, _guarded(state, openai_run), methods=ALL_METHODS) for path in openai_paths),
        *(Route(path, _guarded(state, rest_run), methods=ALL_METHODS) for path in run_paths),
        Route("/{path:path}", _guarded(state, not_found), methods=ALL_METHODS),
    ]
    return Starlette(routes=routes)
