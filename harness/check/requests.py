"""Did the snippet call the documented API the right way?"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.check.base import (
    Rule,
    SnippetContext,
    as_mapping,
    finding,
    front_matter_line,
    page_line_of,
    page_line_of_key,
)
from harness.mock.services.cloudflare_api.names import VIA as CLOUDFLARE_API
from harness.model import Finding, RecordedRequest, Severity
from harness.runtimes.registry import language_named

NO_REQUEST = Rule("REQ001", "no-request", Severity.ERROR,
                  "A snippet on an API page that never calls the API shows the reader nothing.")
ERROR_ANSWER = Rule("REQ002", "error-answer", Severity.ERROR,
                    "The API rejected the request: a reader gets an error, even if the script exits 0.")
WRONG_MODEL = Rule("REQ003", "wrong-model", Severity.ERROR,
                   "The snippet calls a different model from the one the page documents.")
UNDOCUMENTED_PARAM = Rule("REQ004", "undocumented-param", Severity.WARNING,
                          "The snippet sends an input the page's parameter list does not document.")
JSON_CONTENT_TYPE = Rule("REQ005", "json-content-type", Severity.WARNING,
                         "A JSON body sent without `Content-Type: application/json` relies on the server guessing.")
NO_MOCK = Rule("REQ006", "no-mock-for-endpoint", Severity.ERROR,
               "The snippet reached for a host or endpoint the harness has no mock for.")

API_VIAS = ("rest", "binding")


def api_requests(ctx: SnippetContext) -> list[RecordedRequest]:
    return [r for r in ctx.evidence.requests if r.via in API_VIAS]


API_MARKERS = ("api.cloudflare.com", "gateway.ai.cloudflare.com", "env.AI", ".AI)", "new Ai(", "ai.run(")
"""Code that shows one of these means to call the API (`new Ai(env.AI)`, `env.AI.run`, a REST URL)."""


def expects_api_call(ctx: SnippetContext) -> bool:
    """A page that documents a model, or code that names the API, promises a call."""
    return ctx.page.model_id is not None or any(marker in ctx.snippet.code for marker in API_MARKERS)


def check_sent_request(ctx: SnippetContext) -> Iterator[Finding]:
    ev = ctx.evidence
    called = [r for r in ev.requests if r.via != "origin"]  # a simulated origin is not the API
    if ev.infra_error is None and not ev.timed_out and not called and expects_api_call(ctx):
        yield finding(NO_REQUEST, ev.snippet, "sent no request to the API, though the page documents a model or "
                      "the code names the API (expected at least one)")


def check_answers(ctx: SnippetContext) -> Iterator[Finding]:
    for request in ctx.evidence.requests:
        if request.via in ("origin", CLOUDFLARE_API):  # judged by check/origins.py and check/contract.py
            continue
        if request.via == "blocked" or (request.status == 404 and request.model is None):
            where = request.url if request.via == "blocked" else f"{request.method} {request.path}"
            message = f"no mock for this endpoint: {where}"
            if request.via != "blocked" and request.error:  # the simulated service routes nothing there
                message = (f"no such endpoint: {where} was answered 404 ({request.error}); a wrong URL, "
                           "or an endpoint the harness's model of this API lacks")
            yield finding(NO_MOCK, ctx.snippet, message,
                          line=page_line_of(ctx.snippet, _host_or_path(request)), actual=where)
        elif not 200 <= request.status < 300:
            what = request.error or "(no error message)"
            yield finding(ERROR_ANSWER, ctx.snippet,
                          f"{request.method} {request.path} was answered {request.status}: {what}",
                          line=page_line_of(ctx.snippet, request.model or ""),
                          actual=request.status, error=request.error)


def _host_or_path(request: RecordedRequest) -> str:
    return request.url.split(":")[0] if request.via == "blocked" else request.path.rsplit("/", 1)[-1]


def check_model(ctx: SnippetContext) -> Iterator[Finding]:
    documented = ctx.page.model_id
    if documented is None:
        return
    reported: set[str] = set()
    for request in api_requests(ctx):
        called = request.model
        if called is None or called == documented or called in reported:
            continue
        reported.add(called)
        doc_line = front_matter_line(ctx.page, "id", documented.lstrip("@"))
        yield finding(WRONG_MODEL, ctx.snippet,
                      f"calls model {called}, but the page documents {documented} (line {doc_line})",
                      line=page_line_of(ctx.snippet, called), expected=documented, actual=called)


def check_params(ctx: SnippetContext) -> Iterator[Finding]:
    documented = ctx.page.documented_params
    if documented is None:
        return
    reported: set[str] = set()
    for request in api_requests(ctx):
        inputs = _inputs_of(request)
        for key in inputs or {}:
            if key in documented or key in reported:
                continue
            reported.add(key)
            yield finding(UNDOCUMENTED_PARAM, ctx.snippet,
                          f"sends input `{key}`, which the page's params do not list "
                          f"(documented: {', '.join(documented) or 'none'})",
                          line=page_line_of_key(ctx.snippet, key), key=key, documented=list(documented))


def _inputs_of(request: RecordedRequest) -> dict[str, Any] | None:
    body = as_mapping(request.json)
    return dict(body) if body is not None else None


def check_content_type(ctx: SnippetContext) -> Iterator[Finding]:
    for request in ctx.evidence.requests:
        if request.via != "rest" or request.json is None:
            continue
        content_type = request.header("content-type") or ""
        if content_type.split(";")[0].strip().lower() != "application/json":
            shown = content_type or "none"
            yield finding(JSON_CONTENT_TYPE, ctx.snippet,
                          f"sends a JSON body with Content-Type: {shown} (expected application/json)",
                          line=page_line_of(ctx.snippet, _body_marker(ctx.snippet.language)),
                          expected="application/json", actual=shown)
            return


def _body_marker(language: str) -> str:
    found = language_named(language)
    return found.body_marker if found else ""
