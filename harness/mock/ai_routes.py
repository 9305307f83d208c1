"""Workers AI and AI Gateway routes beyond `ai/run`: the OpenAI model list, `ai/models/schema`, and
AI Gateway's own endpoints (`gateway.ai.cloudflare.com/v1/{account}/{gateway}/...`).

- `GET .../ai/v1/models`: the text and embedding models, OpenAI-listed.
- `GET .../ai/models/schema?model=`: the model's input and output schemas from the catalog.
- AI Gateway's REST API on the API host (changelog 2026-05-21): `POST .../ai/run` with `{model, input}`
  and `POST .../ai/v1/messages` (Anthropic's Messages API); its `ai/v1/chat/completions` and
  `ai/v1/responses` are Workers AI's OpenAI-compatible doors (`openai_compat`).
- Gateway: `compat/chat/completions` (unified: `openai/gpt-4.1-mini`, `workers-ai/@cf/...`), each
  provider's native path (`openai/chat/completions`, `anthropic/v1/messages`, ...), and the
  universal endpoint (`POST /v1/{account}/{gateway}` with a list of provider steps; a body that is
  not JSON gets 400 with the parser's words). A request must carry the gateway token
  (`cf-aig-authorization: Bearer <token>`) or a provider key (`Authorization`, `x-api-key`; on the
  universal endpoint also in its first step's `headers`); without either, or with a wrong gateway
  token, it gets 401 with code 2009, as AI Gateway answers rejected credentials (changelog 2026-10-05).
Every request is recorded like the other routes. `extra_routes(state)` lists them for the Workers AI service
(`harness.mock.services.workers_ai`), which also serves `env.AI`'s other methods (`binding_ai`).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.mock.answers import Answer
from harness.mock.errors import INVALID_INPUT, METHOD_NOT_ALLOWED, NO_SUCH_MODEL, NO_SUCH_ROUTE
from harness.mock.inference import Reply, parse_json
from harness.mock.openai_compat import ENDPOINTS, resolve, run_openai
from harness.mock.provider_shapes import (
    anthropic_via_rest,
    openai_models,
    provider_call,
    run_envelope,
    universal_step,
)
from harness.mock.state import MockState, gate, record, respond, scenario, too_large

GATEWAY_AUTH_ERROR = 2009
"""AI Gateway's code for missing or rejected credentials."""


def gateway_gate(request: Request, state: MockState, step: Any = None) -> Reply | None:
    """405, then the gateway's credentials (see the module's docstring); a universal request's provider
    key may also be in its first step's `headers`."""
    if request.method != "POST":
        return Reply.failure(405, METHOD_NOT_ALLOWED, f"Method {request.method} not allowed")
    gateway_token = request.headers.get("cf-aig-authorization")
    given = step.get("headers") if isinstance(step, Mapping) else None
    in_step = {str(k).lower(): v for k, v in given.items()} if isinstance(given, Mapping) else {}
    provider_key = (request.headers.get("authorization") or request.headers.get("x-api-key")
                    or in_step.get("authorization") or in_step.get("x-api-key"))
    if gateway_token is not None:
        scheme, _, token = gateway_token.partition(" ")
        good = scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), state.api_token.encode())
        if not good or request.path_params.get("account_id") != state.account_id:
            return Reply.failure(401, GATEWAY_AUTH_ERROR, "Unauthorized")
        return None
    return None if provider_key else Reply.failure(401, GATEWAY_AUTH_ERROR, "Unauthorized")


def schema_of(state: MockState, model_id: str | None) -> Reply:
    """`{"input": schema, "output": schema}` of a model, as `ai/models/schema` answers it."""
    if not model_id:
        return Reply.failure(400, INVALID_INPUT, "Error: at '/': 'model' is a required query parameter")
    model = state.catalog.lookup(model_id)
    if model is None:
        return Reply.failure(400, NO_SUCH_MODEL, f"No such model {model_id} or task")
    return Reply(200, answer=Answer({"input": model.schema or model.task.schema, "output": model.output or {}}))


def extra_routes(state: MockState) -> list[Route]:
    """The routes of this module, to list before app.py's generic ones."""

    async def answer(request: Request, reply: Reply, body: Any = None, model: str | None = None) -> Response:
        if reply.status == 200:
            reply = await scenario(request, state, model, reply)
        entry = await record(request, state, "rest", reply, json=body, model=model)
        return respond(reply, entry)

    async def models(request: Request) -> Response:
        reply = gate(request, state, method="GET") or Reply(200, answer=openai_models(state.catalog))
        return await answer(request, reply)

    async def model_schema(request: Request) -> Response:
        model_id = request.query_params.get("model")
        reply = gate(request, state, method="GET") or schema_of(state, model_id)
        return await answer(request, reply, model=model_id)

    async def gateway(request: Request, provider: str) -> Response:
        raw = await request.body()
        body, problem = parse_json(raw)
        reply = gateway_gate(request, state) or too_large(raw, state)
        model_id = body.get("model") if isinstance(body, Mapping) else None
        if reply is None and problem is not None:
            reply = Reply.failure(400, INVALID_INPUT, f"Error: {problem}")
        if reply is None:
            rest = request.path_params.get("rest", "")
            if provider == "compat" and rest.strip("/") not in ENDPOINTS:
                reply = Reply.failure(404, NO_SUCH_ROUTE, f"Could not route to /compat/{rest.strip('/')}")
            elif provider == "compat":
                model = resolve(state.catalog, str(model_id)) if isinstance(model_id, str) else None
                if isinstance(model_id, str) and "/" not in model_id.lstrip("@") and model is None:
                    reply = Reply.failure(400, INVALID_INPUT, f"Error: model {model_id} has no provider prefix")
                else:
                    reply, model_id = run_openai(state.catalog, rest.strip("/"), body)
            else:
                reply, model_id = provider_call(state.catalog, provider, rest, body)
        return await answer(request, reply, body, model_id)

    async def universal(request: Request) -> Response:
        raw = await request.body()
        steps, problem = parse_json(raw)
        first = steps[0] if isinstance(steps, list) and steps else steps
        reply = gateway_gate(request, state, first) if problem is None or request.method != "POST" else None
        if reply is None and problem is not None:
            reply = Reply.failure(400, INVALID_INPUT, f"Error: {problem}")
        model_id: str | None = None
        if reply is None and not (isinstance(first, Mapping) and {"provider", "endpoint"} <= set(first)):
            reply = Reply.failure(400, INVALID_INPUT, "Error: each step needs 'provider', 'endpoint' and 'query'")
        if reply is None and isinstance(first, Mapping):
            reply, model_id = universal_step(state.catalog, first)
        return await answer(request, reply or Reply.failure(400, INVALID_INPUT, "Error: no step"), steps, model_id)

    async def rest_api(request: Request, door: str) -> Response:
        """AI Gateway's REST API doors on the API host: `ai/run` (envelope) and `ai/v1/messages`."""
        raw = await request.body()
        body, problem = parse_json(raw)
        reply, model_id = gate(request, state) or too_large(raw, state), None
        if reply is None and problem is not None:
            reply = Reply.failure(400, INVALID_INPUT, f"Error: {problem}")
        if reply is None and door == "run":
            reply, model_id = run_envelope(state.catalog, body, request.headers.get("cf-aig-gateway-id"))
        elif reply is None:
            reply, model_id = anthropic_via_rest(state.catalog, body)
        return await answer(request, reply, body, model_id)

    account = "/client/v4/accounts/{account_id}"
    gateway_base = "/v1/{account_id}/{gateway_id}"
    providers = [p for p in state.catalog.providers if p != "workers-ai"]
    return [
        Route(f"{account}/ai/run", partial(rest_api, door="run"), methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        Route(f"{account}/ai/v1/messages", partial(rest_api, door="messages"), methods=["GET", "POST"]),
        Route(f"{account}/ai/v1/models", models, methods=["GET", "POST"]),
        Route(f"{account}/ai/models/schema", model_schema, methods=["GET", "POST"]),
        Route(gateway_base, universal, methods=["GET", "POST"]),
        *(
            Route(f"{gateway_base}/{p}/{{rest:path}}", partial(gateway, provider=p), methods=["GET", "POST"])
            for p in ("compat", *providers)
        ),
    ]
