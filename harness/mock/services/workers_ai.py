"""Workers AI as a service of the mock: the routes of `ai/run`, the OpenAI-compatible `ai/v1`, the
AI Gateway's `workers-ai` door, the model search, and the Worker binding's two doors.

The implementation lives in `harness.mock.catalog`, `inference`, `openai_compat`, `models_search`
and `binding`; this module only says which paths are Workers AI's. Routes other AI modules add
(the AI Gateway's providers, ...) plug in at `extra_routes`.

- REST: 405, then 401/403 (10000), then 413 (3006), then the model's verdict; scenarios may force
  an error or latency on top.
- Binding: `/__harness/binding/run` and `/__harness/binding/fetch` (see `harness.mock.binding`).
- Model search: a configured OpenAPI document that describes the path answers it instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from harness.mock import ai_routes
from harness.mock.binding import binding_fetch, binding_run
from harness.mock.binding_ai import binding_ai
from harness.mock.errors import AUTH_ERROR, INVALID_INPUT
from harness.mock.inference import Reply, parse_json, run_body
from harness.mock.models_search import search as search_models
from harness.mock.openai_compat import run_openai
from harness.mock.services import ALL_METHODS
from harness.mock.services.api_fallback import documented
from harness.mock.state import MockState, gate, guarded, record, respond, scenario, too_large

OPENAI_PATHS = (
    "/client/v4/accounts/{account_id}/ai/v1/{endpoint:path}",
    "/v1/{account_id}/{gateway_id}/workers-ai/v1/{endpoint:path}",
)
RUN_PATHS = (
    "/client/v4/accounts/{account_id}/ai/run/{model:path}",
    "/v1/{account_id}/{gateway_id}/workers-ai/{model:path}",
)
MODELS_SEARCH = "/client/v4/accounts/{account_id}/ai/models/search"


def extra_routes(state: MockState) -> Sequence[BaseRoute]:
    """Routes other AI modules add, asked before the ones below: the one place they plug in."""
    return ai_routes.extra_routes(state)


async def rest_run(request: Request, state: MockState) -> Response:
    """`POST .../ai/run/{model}`."""
    model_id = request.path_params["model"]
    json_body, _ = parse_json(await request.body())
    reply = gate(request, state) or too_large(await request.body(), state)
    if reply is None:
        reply, parsed = run_body(state.catalog, model_id, await request.body())
        json_body = parsed.json if parsed else json_body
        reply = await scenario(request, state, model_id, reply)
    entry = await record(request, state, "rest", reply, json=json_body, model=model_id)
    return respond(reply, entry)


async def openai_run(request: Request, state: MockState) -> Response:
    """`POST .../ai/v1/{endpoint}` (see `harness.mock.openai_compat`)."""
    body, problem = parse_json(await request.body())
    model_id: str | None = None
    reply = gate(request, state) or too_large(await request.body(), state)
    if reply is None and problem is not None:
        reply = Reply.failure(400, INVALID_INPUT, f"Error: {problem}")
    if reply is None:
        reply, model_id = run_openai(state.catalog, request.path_params["endpoint"], body)
        reply = await scenario(request, state, model_id, reply)
    entry = await record(request, state, "rest", reply, json=body, model=model_id)
    return respond(reply, entry)


async def models(request: Request, state: MockState) -> Response:
    """`GET .../ai/models/search`, unless a configured OpenAPI document describes it."""
    if state.openapi is not None and state.openapi.find(request.method, request.url.path) is not None:
        return await documented(Request({**request.scope, "path_params": {}}, request.receive), state)
    reply = gate(request, state, method="GET")
    if reply is None and request.path_params["account_id"] != state.account_id:
        reply = Reply.failure(403, AUTH_ERROR, "Authentication error")
    reply = reply or search_models(state.catalog, dict(request.query_params))
    entry = await record(request, state, "rest", reply)
    return respond(reply, entry)


class WorkersAi:
    """The Workers AI service: its REST routes on the API hosts, and `env.AI`'s binding doors."""

    name = "workers-ai"
    rank = 10

    def claims(self, host: str, state: MockState) -> bool:
        return host in state.api_hosts

    def routes(self, state: MockState) -> Sequence[BaseRoute]:
        doors = [(OPENAI_PATHS, openai_run), (RUN_PATHS, rest_run), ((MODELS_SEARCH, MODELS_SEARCH + "/"), models)]
        return [
            *extra_routes(state),
            *(
                Route(path, guarded(state, partial(door, state=state)), methods=ALL_METHODS)
                for paths, door in doors
                for path in paths
            ),
        ]

    def binding_routes(self, state: MockState) -> Sequence[BaseRoute]:
        return [
            Route(f"/__harness/binding/{name}", guarded(state, partial(door, state=state), "binding"), methods=["POST"])
            for name, door in (("run", binding_run), ("fetch", binding_fetch), ("ai/{action}", binding_ai))
        ]


SERVICE = WorkersAi()
