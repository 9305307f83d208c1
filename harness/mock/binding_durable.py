"""The mock's door for the stand-in of a Durable Object class that is not on the page
(`runners/worker/durable-stand-in.mjs`, `harness.extract.durable_stand_in`):

- `/__harness/binding/durable_object/fetch`, any method: the stub's `fetch`, the request as sent and its URL
  in `x-harness-binding-url`; answered 200 text/plain, naming the stand-in and what it was sent.
- `POST /__harness/binding/durable_object/call` `{name, method, args}`: a method called on a stub; the
  envelope, its `result` null (the stand-in returns undefined).
Each call is recorded with `via` = `binding` and `durable_object:<binding>` in `model`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from harness.mock.answers import Answer
from harness.mock.errors import INVALID_INPUT
from harness.mock.inference import Reply, parse_json
from harness.mock.services import ALL_METHODS
from harness.mock.state import MockState, guarded, record, record_exchange

VIA = "binding"
_TEXT = "text/plain; charset=utf-8"


def stand_in_text(name: str, method: str, url: str) -> str:
    """What the stand-in's `fetch` answers: what it is, and what it was sent."""
    path = urlsplit(url).path or "/"
    return f"A stand-in for the Durable Object class of {name} (not on this page) received {method} {path}\n"


async def _fetch(request: Request, state: MockState) -> Response:
    name = request.headers.get("x-harness-binding-name", "?")
    url = request.headers.get("x-harness-binding-url", "http://durable-object/")
    await request.body()
    await record_exchange(request, state, VIA, 200, _TEXT, model=f"durable_object:{name}")
    text = "" if request.method == "HEAD" else stand_in_text(name, request.method, url)
    return Response(text, status_code=200, media_type=_TEXT)


async def _call(request: Request, state: MockState) -> Response:
    body, problem = parse_json(await request.body())
    fields: dict[str, Any] = body if isinstance(body, dict) else {}
    name = str(fields.get("name") or request.headers.get("x-harness-binding-name", "?"))
    method = fields.get("method")
    args = fields.get("args") if isinstance(fields.get("args"), list) else []
    reply = (Reply(200, answer=Answer(result=None)) if problem is None and isinstance(method, str) and method
             else Reply.failure(400, INVALID_INPUT, problem or "a stand-in call without a method"))
    await record(request, state, VIA, reply, json={"action": method, "args": args}, model=f"durable_object:{name}")
    return JSONResponse(reply.envelope(), status_code=reply.status)


def durable_routes(state: MockState) -> Sequence[BaseRoute]:
    """The two routes above."""
    return [
        Route("/__harness/binding/durable_object/fetch", guarded(state, partial(_fetch, state=state), VIA),
              methods=ALL_METHODS),
        Route("/__harness/binding/durable_object/call", guarded(state, partial(_call, state=state), VIA),
              methods=["POST"]),
    ]
