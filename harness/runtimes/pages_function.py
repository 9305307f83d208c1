"""Pages Functions: a module exporting `onRequest`, `onRequestGet`, `onRequestPost`, ... runs in the
Worker runtime, wrapped (`runners/worker/pages.mjs`) so each handler receives a Pages `context`
(`request`, `env`, `params`, `data`, `next()`, `waitUntil`, `functionPath`).

What the harness decides here: the request(s) that fit the handlers (one per exported method, the
method by the export's name: `onRequestPost` gets a POST; `onRequest` the request the code suggests)
and the route's parameters (`context.params.id` read in the code -> a route `/[id]` and a path `/1`).
A page's own request annotation wins, as for any Worker (`harness.worker_request`).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from harness.model import Snippet
from harness.runtimes.javascript import PAGES_HANDLER
from harness.worker_request import ENV as REQUESTS_ENV
from harness.worker_request import WorkerRequest, requests_for, suggested

PAGES_ENV = "HARNESS_PAGES"
"""The variable the Worker runner reads the Pages route from: `{"params": {...}, "functionPath": "/[id]"}`."""

_EXPORT = re.compile(r"\bexport\s+(?:async\s+)?(?:function\s*\*?|const|let|var)\s+(onRequest\w*)")
_PARAM = re.compile(r"""\bparams\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*["'`]([^"'`]+)["'`]\s*\])""")
_DESTRUCTURED = re.compile(r"\{([\w\s,:]+)\}\s*=\s*(?:\w+\s*\.\s*)?params\b")
_CONTEXT_REQUEST = re.compile(r"\b[A-Za-z_$][\w$]*\s*\.\s*request\b")
"""`context.request` (or `ctx.request`): the incoming request, as a Worker's `request` is."""
_ORDER = ("Get", "Head", "Post", "Put", "Patch", "Delete", "Options")


def methods(code: str) -> list[str]:
    """The HTTP methods the exported handlers answer, in a stable order; `""` for `onRequest` (any)."""
    names = [name for name in _EXPORT.findall(code) if PAGES_HANDLER.match(name)]
    found = {name.removeprefix("onRequest") for name in names}
    return [m.upper() for m in _ORDER if m in found] + ([""] if "" in found else [])


def params(code: str) -> dict[str, str]:
    """The route parameters the code reads, each with a plausible value (`id` -> `1`)."""
    names = [a or b for a, b in _PARAM.findall(code) if (a or b) not in ("get", "has", "entries", "keys")]
    for match in _DESTRUCTURED.finditer(code):
        names += [part.split(":")[0].strip() for part in match[1].split(",") if part.strip()]
    return {name: "1" if name.lower() == "id" or name.lower().endswith("id") else "example"
            for name in dict.fromkeys(names) if name.isidentifier()}


def pages_env(snippet: Snippet) -> dict[str, str]:
    """The Worker runner's variables for a Pages Function: its requests and its route."""
    route = params(snippet.code)
    function_path = "/" + "/".join(f"[{name}]" for name in route)
    path = "/" + "/".join(route.values())
    if "requests" in snippet.options or any(k == "request" or k.startswith("request.") for k in snippet.options):
        requests = list(requests_for(snippet))
    else:
        base = suggested(_CONTEXT_REQUEST.sub("request", snippet.code))  # read only, never run
        query = base.path.partition("?")[2]
        base = replace(base, path=path + (f"?{query}" if query else ""))
        requests = [_with_method(base, method) for method in methods(snippet.code)] or [base]
    info = {"params": route, "functionPath": function_path}
    return {REQUESTS_ENV: json.dumps([r.to_json() for r in requests]), PAGES_ENV: json.dumps(info)}


def _with_method(base: WorkerRequest, method: str) -> WorkerRequest:
    if not method or method == base.method:
        return base
    if method in ("GET", "HEAD", "OPTIONS"):
        headers = tuple(h for h in base.headers if h[0] != "content-type")
        return replace(base, method=method, headers=headers, body=None)
    if base.body is not None:
        return replace(base, method=method)
    return replace(base, method=method, body="{}", headers=(*base.headers, ("content-type", "application/json")))
