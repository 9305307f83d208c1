"""The mock's doors for the Worker bindings Miniflare does not simulate (`runners/worker/mock-binding.mjs`):

- `POST /__harness/binding/{vectorize,stream,browser}/{action}` `{name, config, args}`: a Vectorize
  index (`harness.mock.binding_vectorize`), Stream (`harness.mock.binding_stream`), Browser Rendering's
  pages (`harness.mock.binding_browser`); the
  envelope, its `result` what the binding returns, each error with the `name` of the class thrown.
- `POST /__harness/binding/analytics_engine/writeDataPoint` `{name, args: [point]}`: recorded (the
  runner checked the documented limits already, as the runtime does when the call is made).
- `/__harness/binding/service/fetch` and `/__harness/binding/assets/fetch`, any method: a service
  binding's or `env.ASSETS`'s `fetch`, the request as sent and its URL in `x-harness-binding-url`;
  answered as the simulated origin answers that URL (an asset: its file type, else an HTML page).
- `/__harness/binding/durable_object/...`: the stand-in of a Durable Object class not on the page
  (`harness.mock.binding_durable`).
Each call is recorded with `via` = `binding` and the binding's name in `model` (`vectorize:INDEX`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from harness.mock import binding_browser
from harness.mock.answers import Answer
from harness.mock.binding_browser import BrowserError
from harness.mock.binding_durable import durable_routes
from harness.mock.binding_stream import Stream, StreamError
from harness.mock.binding_vectorize import Vectorize, VectorizeError
from harness.mock.errors import INVALID_INPUT
from harness.mock.inference import Reply, parse_json
from harness.mock.services import ALL_METHODS
from harness.mock.services.origin.answers import SentRequest, answer
from harness.mock.state import MockState, guarded, origin, record, record_exchange, sent_headers

VIA = "binding"
_OWN_HEADERS = ("x-harness-token", "x-harness-binding-name", "x-harness-binding-url")


def _label(kind: str, request: Request, body: Any) -> str:
    name = body.get("name") if isinstance(body, dict) else None
    return f"{kind}:{name or request.headers.get('x-harness-binding-name', '?')}"


async def _called(request: Request, state: MockState, kind: str,
                  call: Callable[[str | None, dict[str, Any], str, list[Any]], Any]) -> Response:
    """A method call on a binding of `kind`: `call(snippet, config, action, args)` answers it."""
    body, problem = parse_json(await request.body())
    action = request.path_params["action"]
    given = body.get("args") if isinstance(body, dict) else None
    args: list[Any] = given if isinstance(given, list) else []
    name = "Error"
    try:
        if problem is not None or not isinstance(body, dict):
            raise ValueError(problem or "the binding's call is not a JSON object")
        configured = body.get("config")
        config: dict[str, Any] = {**(configured if isinstance(configured, dict) else {}), "name": body.get("name")}
        reply = Reply(200, answer=Answer(result=call(origin(request, state)[0], config, action, args)))
    except (ValueError, VectorizeError, StreamError, BrowserError) as exc:
        name = exc.name if isinstance(exc, StreamError) else name
        reply = Reply.failure(400, INVALID_INPUT, str(exc))
    await record(request, state, VIA, reply, json={"action": action, "args": args}, model=_label(kind, request, body))
    envelope = reply.envelope()
    for error in envelope["errors"]:
        error["name"] = name  # the class of error the binding throws
    return JSONResponse(envelope, status_code=reply.status)


def _vectorize(store: Vectorize, snippet: str | None, config: dict[str, Any], action: str, args: list[Any]) -> Any:
    return store.call(store.index(snippet, str(config["name"]), config), action, args)


def _browser(snippet: str | None, config: dict[str, Any], action: str, args: list[Any]) -> Any:
    return binding_browser.call(snippet, action, args)


def _stream(store: Stream, snippet: str | None, config: dict[str, Any], action: str, args: list[Any]) -> Any:
    return store.call(snippet, action, args)


async def _analytics(request: Request, state: MockState) -> Response:
    body, problem = parse_json(await request.body())
    args = body.get("args") if isinstance(body, dict) else None
    reply = (Reply(200, answer=Answer(result=None)) if problem is None and isinstance(args, list) and args
             else Reply.failure(400, INVALID_INPUT, problem or "writeDataPoint without a data point"))
    await record(request, state, VIA, reply, json=args[0] if isinstance(args, list) and args else None,
                 model=_label("analytics_engine", request, body))
    return JSONResponse(reply.envelope(), status_code=reply.status)


async def _fetcher(request: Request, state: MockState, kind: str) -> Response:
    url = request.headers.get("x-harness-binding-url") or "http://binding/"
    headers = tuple((k, v) for k, v in sent_headers(request, state) if k.lower() not in _OWN_HEADERS)
    if kind == "assets" and request.method in ("GET", "HEAD"):  # a page, unless the path names a file type
        headers = (*(h for h in headers if h[0].lower() != "accept"), ("accept", "text/html"))
    reply = answer(SentRequest(request.method, url, headers, await request.body()))
    await record_exchange(request, state, VIA, reply.status, reply.content_type,
                          model=f"{kind}:{request.headers.get('x-harness-binding-name', '?')}")
    return Response(b"" if request.method == "HEAD" else reply.body, status_code=reply.status,
                    headers=reply.headers, media_type=reply.content_type)


async def _quick_action(request: Request, state: MockState) -> Response:
    body, _problem = parse_json(await request.body())
    action = str(body.get("action")) if isinstance(body, dict) else ""
    given = body.get("body") if isinstance(body, dict) else None
    status, content_type, answer_body = binding_browser.quick_action(action, given if isinstance(given, dict) else {})
    await record_exchange(request, state, VIA, status, content_type, json=given, model=_label("browser", request, body))
    return Response(answer_body, status_code=status, media_type=content_type)


def binding_doors(state: MockState) -> Sequence[BaseRoute]:
    """The routes above, with a fresh Vectorize store for `state`."""
    calls: dict[str, Callable[[str | None, dict[str, Any], str, list[Any]], Any]] = {
        "vectorize": partial(_vectorize, Vectorize()), "stream": partial(_stream, Stream()), "browser": _browser}
    return [
        *durable_routes(state),
        Route("/__harness/binding/browser/quick-action", guarded(state, partial(_quick_action, state=state), VIA),
              methods=["POST"]),
        *(Route(f"/__harness/binding/{kind}/{{action}}", guarded(state, partial(_called, state=state, kind=kind,
                                                                                   call=call), VIA), methods=["POST"])
          for kind, call in calls.items()),
        Route("/__harness/binding/analytics_engine/writeDataPoint",
              guarded(state, partial(_analytics, state=state), VIA), methods=["POST"]),
        *(Route(f"/__harness/binding/{kind}/fetch", guarded(state, partial(_fetcher, state=state, kind=kind), VIA),
                methods=ALL_METHODS) for kind in ("service", "assets")),
    ]
