"""The request a Worker snippet is given: one that fits what its handler reads.

By default a Worker gets one `GET /`. The code decides more: a handler that reads `request.json()`
or compares `request.method` with `"POST"` gets a POST with a JSON body (the keys it destructures,
filled with plausible values); `request.formData()` gets a form; a handler that passes the request on to
the origin (`fetch(request)`) and reads the answer as JSON asks with `Accept: application/json`, so the
simulated origin answers JSON, as the origin such a Worker fronts does; headers, cookies and query
parameters the code reads get plausible values, except one the Worker mints itself (`searchParams.set("verify",
...)` on a `/generate/` route, then read back by its verifier): no invented value fits a signature, so the
Worker is asked on the route that mints it (the `pathname.startsWith(...)` prefix it tests). A Worker
built on a router (Hono, itty-router) with no `GET /` route is asked on one of its routes, with that
route's method and its parameters filled (`/notes/:id` -> `/notes/1`); for a page session's step, a route
the step itself adds (the page shows that step to exercise it). A page
says it outright with an annotation, or a team in config (`[[tool.harness.overrides]]` with `requests = '<JSON list>'`):

    <!-- harness: request method=POST path=/api body='{"a": 1}' header.X-Api-Key=k -->
    <!-- harness: requests='[{"method": "GET"}, {"method": "POST", "json": {"a": 1}}]' -->

Annotated fields win over what the code suggests. The runner receives the requests as JSON in
`HARNESS_REQUESTS` (see `runners/worker/run.mjs` and `serve.mjs`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from harness.errors import HarnessError
from harness.extract.jsscan import tokenize
from harness.model import Snippet

ENV = "HARNESS_REQUESTS"
"""The environment variable the Worker runner reads the requests from."""

_METHOD_COMPARED = re.compile(r"""\.method\s*[!=]==?\s*["'`](POST|PUT|PATCH|DELETE)["'`]""", re.IGNORECASE)
_METHOD_CASE = re.compile(r"""case\s+["'`](POST|PUT|PATCH|DELETE)["'`]\s*:""")
_HANDLER_PARAM = re.compile(r"\bfetch\s*(?::\s*(?:async\s*)?(?:function\s*)?)?\(\s*(\w+)")
"""The first parameter of a module Worker's `fetch` handler (`async fetch(req, env)`, `fetch: async (req) =>`)."""
_QUERY = re.compile(r"""searchParams\.(?:get|has|getAll)\(\s*["'`]([^"'`]+)["'`]\s*\)""")
_COOKIE = re.compile(r"""["'`]([A-Za-z_][\w-]*)=["'`]""")
_MINTED = re.compile(r"""searchParams\.(?:set|append)\(\s*["'`]([^"'`]+)["'`]""")
"""A query parameter the Worker writes into a URL itself (a signature, a token): its value is minted."""
_ROUTE_PREFIX = re.compile(r"""pathname\.startsWith\(\s*["'`](/[^"'`]*)["'`]\s*\)""")
_ROUTER = re.compile(r"\b(?:Hono|Router|AutoRouter|IttyRouter)\b")
_ROUTER_ROUTE = re.compile(r"""\.\s*(get|post|put|patch|delete|all|on)\(\s*["'`](/[^"'`]*)["'`]""")
"""A route a router declares: `app.post("/ask", ...)`, `router.get("/notes/:id", ...)`."""
_LINE_COMMENT = re.compile(r"^[ \t]*//.*$", re.MULTILINE)
"""A line that is only a comment (`// app.post('/notes', ...)`: a route the step shows, not one it adds)."""
_ROUTE_PARAM = re.compile(r":(\w+)(?:\{[^}]*\})?\??|\*")

PLAUSIBLE_HEADERS: Mapping[str, str] = {
    "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "accept-language": "en-US,en;q=0.9",
    "authorization": "Bearer harness-example-token",
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "origin": "https://example.com",
    "referer": "https://example.com/",
    "cf-connecting-ip": "203.0.113.7",
    "x-forwarded-for": "203.0.113.7",
    "x-real-ip": "203.0.113.7",
    "cf-ipcountry": "US",
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type",
    "content-type": "application/json",
    "host": "",
    "upgrade": "",
}
"""Values for headers a handler commonly reads (others get `example-<name>`; `upgrade` stays unset so
that a WebSocket handler is not sent a handshake it cannot complete here; `host` is the runner's own)."""


@dataclass(frozen=True)
class WorkerRequest:
    """One request the harness sends a Worker."""

    method: str = "GET"
    path: str = "/"
    """The path and query (the URL's host is the runner's own, `localhost`)."""
    headers: tuple[tuple[str, str], ...] = ()
    """Headers besides those every request carries."""
    body: str | None = None
    """The body as text (None: no body)."""

    def to_json(self) -> dict[str, Any]:
        """What the runner reads: `{"method", "path", "headers": [[k, v]], "body"}`."""
        return {"method": self.method, "path": self.path, "headers": [list(h) for h in self.headers],
                "body": self.body}


def _plausible(key: str) -> Any:
    lowered = key.lower()
    if "url" in lowered or "link" in lowered:
        return "https://example.com/"
    if "email" in lowered:
        return "user@example.com"
    if lowered in ("id", "count", "limit", "age", "number", "amount", "page") or lowered.endswith("id"):
        return 1
    return "example"


def _request_names(code: str) -> str:
    """A regex alternation of what the incoming request is called: `request`, and the handler's parameter."""
    names = {"request", *(m for m in _HANDLER_PARAM.findall(code) if m not in ("url", "input"))}
    return "|".join(sorted(re.escape(n) for n in names))


def _reads(code: str, names: str, method: str) -> bool:
    return re.search(rf"\b(?:{names})\.{method}\(\)", code) is not None


def _form_body(code: str, names: str) -> str:
    """A URL-encoded form with the fields the code reads from `await request.formData()` (`body.get("x")`),
    each with a plausible value; else `name` and `message`."""
    holders = re.findall(rf"(\w+)\s*=\s*await\s+(?:{names})\.formData\(\)", code)
    fields = [field for holder in holders
              for field in re.findall(rf"""\b{re.escape(holder)}\.(?:get|getAll|has)\(\s*["'`]([^"'`]+)["'`]""", code)]
    values = {field: _plausible(field) for field in dict.fromkeys(fields)} or {"name": "example", "message": "Hello"}
    return urlencode(values)


def _json_body(code: str, names: str) -> str:
    destructured = re.search(rf"\{{([\w\s,:=\"'.]+)\}}\s*=\s*await\s+(?:\w+\.)?(?:{names})\.json\(\)", code)
    keys = []
    if destructured:
        for part in destructured[1].split(","):
            name = part.split(":")[0].split("=")[0].strip().strip("\"'")
            if name.isidentifier():
                keys.append(name)
    body = {key: _plausible(key) for key in keys} or {"name": "example", "message": "Hello from the harness"}
    return json.dumps(body)


def _reads_origin_json(code: str, names: str) -> bool:
    """Whether the handler passes its request on (`await fetch(request)`, Hono's `fetch(c.req.raw)`) and reads
    the origin's answer as JSON (`originalResponse.json()`)."""
    passed = re.findall(rf"(\w+)\s*=\s*await\s+fetch\(\s*(?:\w+\.)?(?:{names}|req)(?:\.raw)?\s*[,)]", code)
    if not passed:
        return False
    tokens = tokenize(code)  # the code's own `.json()`, not one in a string (a page's HTML it serves)
    return any(tokens[i].text in passed and tokens[i].kind == "ident" and tokens[i + 1].text == "."
               and tokens[i + 2].text == "json" and tokens[i + 3].text == "(" for i in range(len(tokens) - 3))


def _routed(code: str, own: str | None) -> tuple[str, str] | None:
    """(method, path) of the router route to ask: the first one `own` (a session step's own code) declares,
    else, when the router has no `GET /`, the first in `code`; None without a router or when `GET /` fits."""
    if not _ROUTER.search(code):
        return None
    routes, own_routes = _ROUTER_ROUTE.findall(code), _ROUTER_ROUTE.findall(_LINE_COMMENT.sub("", own or ""))
    if not routes or (not own_routes and any(verb in ("get", "all") and path == "/" for verb, path in routes)):
        return None  # a step that adds a route is asked on it even beside a `GET /` of the steps before it
    verb, path = next(iter(own_routes), routes[0])
    filled = _ROUTE_PARAM.sub(lambda m: str(_plausible(m[1])) if m[1] else "example", path)
    return ("GET" if verb in ("all", "on") else verb.upper()), filled


def suggested(code: str, own: str | None = None) -> WorkerRequest:
    """The request the code of a Worker suggests (see the module's docstring); `own`: the block's own code
    when `code` is a page session's program built around it."""
    routed = _routed(code, own)
    methods = [m.upper() for m in _METHOD_COMPARED.findall(code) + _METHOD_CASE.findall(code)]
    names = _request_names(code)
    if routed:  # the route says the method; its handler reads the request as `c.req`
        methods, names = [routed[0]], names + "|req"
    headers: dict[str, str] = {}
    body: str | None = None
    method = methods[0] if methods else "GET"
    if _reads(code, names, "json"):
        method = method if methods else "POST"
        body = _json_body(code, names)
        headers["content-type"] = "application/json"
    elif _reads(code, names, "formData"):
        method = method if methods else "POST"
        body = _form_body(code, names)
        headers["content-type"] = "application/x-www-form-urlencoded"
    elif (_reads(code, names, "text") or _reads(code, names, "arrayBuffer")) and methods:
        body = "Hello from the harness"
        headers["content-type"] = "text/plain"
    elif methods:
        body, headers["content-type"] = "{}", "application/json"
    if _reads_origin_json(code, names):
        headers["accept"] = "application/json"
    read = re.findall(rf"""\b(?:{names})\.headers\.(?:get|has)\(\s*["'`]([\w-]+)["'`]\s*\)""", code)
    for name in dict.fromkeys(h.lower() for h in read):
        if name == "cookie":
            cookies = dict.fromkeys(_COOKIE.findall(code)) or {"session": None}
            headers["cookie"] = "; ".join(f"{c}=harness-{c.lower()}" for c in cookies)
        elif name not in headers and PLAUSIBLE_HEADERS.get(name, "-") != "":
            headers[name] = PLAUSIBLE_HEADERS.get(name, f"example-{name}")
    asked = list(dict.fromkeys(_QUERY.findall(code)))
    minted = [q for q in asked if q in _MINTED.findall(code)]
    routes = _ROUTE_PREFIX.findall(code)
    if minted and routes:  # a value no reader could invent: ask the route that mints it instead
        asked = [q for q in asked if q not in minted]
    query = "&".join(f"{q}={_plausible(q)}" for q in asked)
    path = (routes[0] if minted and routes else routed[1] if routed else "/") + (f"?{query}" if query else "")
    if method in ("GET", "HEAD"):
        body = None
        headers.pop("content-type", None)
    return WorkerRequest(method, path, tuple(headers.items()), body)


def _annotated(options: Mapping[str, str], where: str) -> list[dict[str, Any]] | None:
    """The requests a page or config gives, as raw tables; None when it gives none."""
    if "requests" in options:
        try:
            raw = json.loads(options["requests"])
        except ValueError as error:
            raise HarnessError(f"{where}: `requests` is not a JSON list of requests: {error}") from error
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw) or not raw:
            raise HarnessError(f"{where}: `requests` must be a JSON list of objects")
        return raw
    prefix = "request." if any(k.startswith("request.") for k in options) else ""
    if not prefix and options.get("request") != "true":
        return None
    table: dict[str, Any] = {"headers": {}}
    for key, value in options.items():
        if not key.startswith(prefix) or key == "request":
            continue
        name = key[len(prefix):]
        if name.lower().startswith("header."):
            table["headers"][name[len("header."):]] = value
        elif name in ("method", "path", "body"):
            table[name] = value
    return [table]


def _from_table(raw: Mapping[str, Any], base: WorkerRequest, where: str) -> WorkerRequest:
    """`base` with what one annotated request sets (`method`, `path`, `headers`, `body` or `json`)."""
    unknown = set(raw) - {"method", "path", "headers", "body", "json"}
    if unknown:
        raise HarnessError(f"{where}: unknown request field(s) {', '.join(sorted(unknown))}")
    method = str(raw.get("method", base.method)).upper()
    headers = dict(base.headers)
    headers.update({str(k).lower(): str(v) for k, v in dict(raw.get("headers") or {}).items()})
    body = json.dumps(raw["json"]) if "json" in raw else raw.get("body", base.body)
    if "json" in raw or (isinstance(body, str) and body[:1] in "[{" and "content-type" not in headers):
        headers["content-type"] = "application/json"
    if method in ("GET", "HEAD"):
        body = None
    elif body is None:
        body = ""
    path = str(raw.get("path", base.path))
    return WorkerRequest(method, path if path.startswith("/") else "/" + path, tuple(headers.items()),
                         None if body is None else str(body))


def requests_for(snippet: Snippet) -> tuple[WorkerRequest, ...]:
    """The requests to send the Worker of `snippet`: its annotation's, else the one its code suggests."""
    base = suggested(snippet.code, snippet.source if snippet.source != snippet.code else None)
    annotated = _annotated(snippet.options, snippet.where)
    if annotated is None:
        return (base,)
    return tuple(_from_table(raw, base, snippet.where) for raw in annotated)


def requests_env(snippet: Snippet) -> dict[str, str]:
    """`{HARNESS_REQUESTS: <JSON>}` for the Worker runner."""
    return {ENV: json.dumps([r.to_json() for r in requests_for(snippet)])}

