"""The Cloudflare REST API service: every `/client/v4/...` route of the contract that Workers AI does not serve.

In order, a request is answered:
0. 503 when the contract folder is missing (`store.missing_contract` says which file and how to build it).
1. 400 (9106) without credentials; 403 (10000) with a token or key that is not the mock's, or an
   `{account_id}` that is not its account. Both styles count: `Authorization: Bearer <token>` and
   `X-Auth-Email` + `X-Auth-Key`.
2. `/graphql` goes to `graphql_api`.
3. 400 with 7003 ("Could not route to <path>, perhaps your object identifier is invalid?") and 7000
   ("No route for that URI") when no template of the contract fits, or a segment holds a brace (a
   placeholder left half-written, `{zone_id`); 405 (7001) when only the method is wrong.
4. 400 (1001) with the schema's words when the query or the JSON body breaks the operation's schema,
   or a multipart operation gets another content type.
5. The answer in Cloudflare's envelope: the schema's example, else a value built from it, through the
   run's `Store` (create -> get/list -> update -> delete). An id never created is 404 (7003).
Every request is recorded in the journal with `via="cloudflare-api"`, its status and error messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from jsonschema import Draft202012Validator
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from harness.errors import HarnessError
from harness.mock.inference import Reply, parse_json
from harness.mock.services.cloudflare_api import graphql_api
from harness.mock.services.cloudflare_api.contract import Contract, Route, load_contract
from harness.mock.services.cloudflare_api.names import PREFIX, VIA, half_written
from harness.mock.services.cloudflare_api.resources import Store
from harness.mock.services.cloudflare_api.values import stable_id, value_of
from harness.mock.state import MockState, credentials, page_of, record

MISSING_AUTH = (9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers")
AUTH = (10000, "Authentication error")
NO_ROUTE, NO_URI = 7003, (7000, "No route for that URI")
METHOD = (7001, "Method not allowed for this endpoint")
INVALID = 1001
NO_CONTRACT = 9999
"""The harness's own code for `no Cloudflare API contract` (not one of Cloudflare's)."""
WORKERS_AI = ("/ai/run/", "/ai/v1/", "/ai/models/search", "/ai/models/schema")


def claims(method: str, path: str) -> bool:
    """Whether this service answers `method path`: every `/client/v4/...` path but Workers AI's."""
    return path.startswith(PREFIX + "/") and not any(part in path for part in WORKERS_AI)


def no_route_message(path: str) -> str:
    """Cloudflare's 7003 message for `path` (the full path, `/client/v4/...`)."""
    return f"Could not route to {path}, perhaps your object identifier is invalid?"


def _authorized(request: Request, state: MockState) -> Reply | None:
    headers = request.headers
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if not (scheme.lower() == "bearer" and token.strip()) and not (headers.get("x-auth-key") and
                                                                   headers.get("x-auth-email")):
        return Reply.failure(400, *MISSING_AUTH)
    return None if credentials(request, state) else Reply.failure(403, *AUTH)


class CloudflareApi:
    """The service for one mock: the contract (shared, read once per process) and this run's `Store`."""

    def __init__(self, state: MockState, contract: Contract | None = None) -> None:
        self.state = state
        self._contract = contract
        self._store: Store | None = None
        self._answers: dict[int, AnswerCheck] = {}

    @property
    def contract(self) -> Contract:
        if self._contract is None:
            self._contract = load_contract()
        return self._contract

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.contract)
        return self._store

    async def handle(self, request: Request) -> Response:
        """Answers and records one request this service claims."""
        raw = await request.body()
        body, _ = parse_json(raw) if raw else (None, None)
        reply = _authorized(request, self.state)
        sub = request.url.path[len(PREFIX):]
        if reply is None and sub.rstrip("/") == "/graphql":
            return await self._graphql(request, body)
        if reply is None and self._contract is None:
            try:
                self._contract = load_contract()
            except HarnessError as exc:  # the harness's gap, not the snippet's: the checks say so
                reply = Reply.failure(503, NO_CONTRACT, str(exc))
        content: Any = None
        if reply is None:
            reply, content = self._answer(request, sub, body, raw)
        await record(request, self.state, VIA, reply, json=body)
        if reply.errors:
            return JSONResponse(reply.envelope(), status_code=reply.status)
        return content if isinstance(content, Response) else JSONResponse(content, status_code=reply.status)

    async def _graphql(self, request: Request, body: Any) -> Response:
        if request.method == "GET":
            body = dict(request.query_params)
        answer, problems = graphql_api.answer(body)
        reply = Reply(200, tuple((INVALID, p) for p in problems))
        await record(request, self.state, VIA, reply, json=body)
        return JSONResponse(answer)

    def _answer(self, request: Request, sub: str, body: Any, raw: bytes) -> tuple[Reply, Any]:
        path = request.url.path
        if any(half_written(segment) for segment in sub.split("/")):
            return Reply(400, ((NO_ROUTE, no_route_message(path)), NO_URI)), None
        match = self.contract.match(request.method, sub)
        if match is None:
            return Reply(400, ((NO_ROUTE, no_route_message(path)), NO_URI)), None
        if match.route is None:
            return Reply(405, (METHOD,)), None
        if match.params.get("account_id", self.state.account_id) != self.state.account_id:
            return Reply.failure(403, *AUTH), None
        problem = self._problem(match.route, request, body, raw)
        if problem is not None:
            return Reply.failure(400, INVALID, problem), None
        return self._result(match.route, sub, body, page_of(request, self.state))

    def _problem(self, route: Route, request: Request, body: Any, raw: bytes) -> str | None:
        op = self.contract.operation(route)
        query = _coerced(parse_qsl(request.url.query, keep_blank_values=True), op)
        problem = self.contract.problem(route, "query", query)
        if problem is not None:
            return problem
        media = next(iter((op.get("requestBody") or {}).get("content") or {}), None)
        sent = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "multipart/form-data":
            return None if sent == media or not raw else f"content type: expected {media}, got {sent or 'none'}"
        if media is None or (body is None and raw):
            return "body: not JSON" if media is not None and sent == "application/json" else None
        if not raw and request.method in ("GET", "HEAD"):  # clients send no body with a GET
            return None
        return self.contract.problem(route, "body", body if body is not None else {})

    def _result(self, route: Route, sub: str, body: Any, page: str | None = None) -> tuple[Reply, Any]:
        envelope = self.contract.envelope(route)  # `raw`: a published document describes the whole envelope
        schema, root, example = self.contract.response_schema(route)
        last = route.segments[-1]
        ident = sub.rstrip("/").rsplit("/", 1)[-1] if last.startswith("{") else stable_id(sub, route.method)
        generated = example if example is not None else value_of(schema, root, ident) if schema is not None else None
        if envelope == "binary":
            return Reply(200), Response(b"", media_type="application/octet-stream")
        if envelope == "raw" and not (isinstance(generated, Mapping) and "result" in generated):
            if isinstance(generated, str) and isinstance(schema, Mapping) and schema.get("type") == "string":
                return Reply(200), PlainTextResponse(generated)  # a file (a script, a zone file, captions)
            return Reply(200), generated
        answers = self.answers(route)
        whole = dict(generated) if isinstance(generated, Mapping) and envelope == "raw" else {}
        if whole:
            generated = whole.pop("result")
        listed = envelope == "list"

        def fits(result: Any) -> bool:
            return answers.fits({**whole, **ENVELOPE, "result": [result] if listed else result})

        outcome = self.store.apply(route, sub, body, [generated] if listed else generated, fits, page)
        if outcome.missing:
            return Reply(404, ((NO_ROUTE, no_route_message(PREFIX + sub)),)), None
        answer: dict[str, Any] = {**whole, **ENVELOPE, "result": outcome.result}
        if listed or outcome.listing or isinstance(outcome.result, list):
            count = len(outcome.result) if isinstance(outcome.result, list) else 1
            info = {"page": 1, "per_page": max(count, 20), "count": count, "total_count": count, "total_pages": 1}
            answer["result_info"] = {**info, **whole.get("result_info", {})} if whole else info
        if not answers.fits(answer):  # what the store held does not fit this operation's answer
            answer["result"] = [generated] if listed else generated
        return Reply(200), answer

    def answers(self, route: Route) -> AnswerCheck:
        """The check of the operation's whole 200 answer (compiled once per operation)."""
        if route.number not in self._answers:
            self._answers[route.number] = AnswerCheck(self.contract.answer_schema(route))
        return self._answers[route.number]


ENVELOPE: dict[str, Any] = {"success": True, "errors": [], "messages": []}


class AnswerCheck:
    """Whether a whole answer fits an operation's answer schema (anything fits when it has none)."""

    def __init__(self, schema: Mapping[str, Any] | None) -> None:
        self._validator = Draft202012Validator(schema) if schema else None

    def fits(self, answer: Any) -> bool:
        try:
            return self._validator is None or bool(self._validator.is_valid(answer))
        except Exception:  # noqa: BLE001 - a ref the published document cannot resolve: taken as it is
            return True


def _coerced(query: list[tuple[str, str]], op: Mapping[str, Any]) -> dict[str, Any]:
    """Query values as the schema's types (`?per_page=5` is the integer 5, `?id=a&id=b` the list of an
    array parameter, `null` the null a nullable one takes); unknown names are dropped, and so are
    parameters whose values are objects (clients bracket-encode them, `search[0][key]=...`: not checked)."""
    kinds = {p["name"]: p.get("schema") or {} for p in op.get("parameters") or [] if p.get("in") == "query"}
    out: dict[str, Any] = {}
    for name, text in query:
        if name not in kinds:
            continue
        schema = kinds[name]
        types = _types(schema)
        if "array" in types:
            items = schema.get("items") or next((o.get("items") for o in schema.get("anyOf") or []
                                                 if o.get("type") == "array"), None) or {}
            item_types = _types(items)
            if "object" not in item_types:
                out.setdefault(name, []).append(_typed(text, item_types))
        elif "object" not in types:
            out[name] = _typed(text, types)
    return out


def _types(schema: Mapping[str, Any]) -> set[Any]:
    """The types a parameter's schema allows; a `$ref` or `properties` (at the top or in a branch) as object."""
    branches = [schema, *(schema.get("anyOf") or [])]
    return {b.get("type") for b in branches} | {"object" for b in branches if "$ref" in b or "properties" in b}


def _typed(text: str, types: set[Any]) -> Any:
    if "null" in types and text == "null":
        return None
    if "integer" in types and text.lstrip("-").isdigit():
        return int(text)
    if "number" in types:
        try:
            return float(text)
        except ValueError:
            return text
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    return text
