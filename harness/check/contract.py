"""Did the snippet call Cloudflare's REST API as its contract says? Reads what the Cloudflare API service
decided (journal entries with `via="cloudflare-api"`: status and error messages) and explains it:
a route the contract lacks (with the closest real routes, and a half-written placeholder called a
malformed URL), a wrong method (with the methods the route takes), a body or query that breaks the
schema (in the schema's words), missing or wrong credentials, an id never created, a GraphQL query
that does not validate, a JSON body sent under another content type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from harness.check.base import Rule, SnippetContext, finding, page_line_of, page_line_of_key
from harness.errors import HarnessError
from harness.extract.placeholders import TEST_ACCOUNT_ID
from harness.mock.services.cloudflare_api.contract import Contract, load_contract
from harness.mock.services.cloudflare_api.names import PREFIX, VIA, half_written
from harness.mock.services.cloudflare_api.store import MISSING
from harness.model import Finding, RecordedRequest, Severity

UNKNOWN_ROUTE = Rule("API001", "unknown-route", Severity.ERROR,
                     "The URL is not a route of Cloudflare's API: a typo or a malformed placeholder.")
WRONG_METHOD = Rule("API002", "wrong-method", Severity.ERROR,
                    "The route exists, but not for this HTTP method.")
INVALID_REQUEST = Rule("API003", "invalid-request", Severity.ERROR,
                       "The body, query or content type breaks the operation's schema in the API contract.")
AUTH = Rule("API004", "auth", Severity.ERROR,
            "The request carries no credentials, or ones the API refuses.")
UNKNOWN_ID = Rule("API005", "unknown-id", Severity.ERROR,
                  "The request names an object id that the run never created or has deleted.")
GRAPHQL = Rule("API006", "graphql-invalid", Severity.ERROR,
               "The GraphQL query does not parse or does not validate.")
JSON_TYPE = Rule("API007", "json-content-type", Severity.WARNING,
                 "A JSON body sent without `Content-Type: application/json` relies on the server guessing.")
RULES = (UNKNOWN_ROUTE, WRONG_METHOD, INVALID_REQUEST, AUTH, UNKNOWN_ID, GRAPHQL, JSON_TYPE)
BRACE = re.compile(r"(%7[bBdD]|[{}])")


def _contract() -> Contract | None:
    try:
        return load_contract()
    except HarnessError:
        return None


def missing_contract_cause(requests: Iterable[RecordedRequest]) -> str | None:
    """Why a snippet's run says nothing of its page: the mock had no Cloudflare API contract to answer
    one of its requests with (the message names the missing file and how to build it), else None."""
    return next((f"{r.method} {r.path} was not checked: {r.error}" for r in requests
                 if r.via == VIA and r.status == 503 and (r.error or "").startswith(MISSING)), None)


def check_contract(ctx: SnippetContext) -> Iterator[Finding]:
    """One finding per request the Cloudflare API service refused (and a warning for a JSON content type)."""
    for request in ctx.evidence.requests:
        if request.via != VIA or (request.status == 503 and (request.error or "").startswith(MISSING)):
            continue
        if request.status == 404 and ctx.snippet.options.get("kind") == "wrangler" and ctx.evidence.exit_code == 0:
            continue  # wrangler asks whether a Worker exists before it creates it, and went on: a probe, not a fault
        if request.status >= 400 or (request.error and request.path.rstrip("/").endswith("/graphql")):
            yield _explained(ctx, request)
        elif request.json is not None and _media(request) != "application/json" and request.method != "GET":
            yield finding(JSON_TYPE, ctx.snippet,
                          f"sends a JSON body with Content-Type: {_media(request) or 'none'} to "
                          f"{request.method} {request.path} (expected application/json)",
                          line=page_line_of(ctx.snippet, _last(request.path)),
                          expected="application/json", actual=_media(request) or "none")


def _media(request: RecordedRequest) -> str:
    return (request.header("content-type") or "").split(";")[0].strip().lower()


def _last(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _explained(ctx: SnippetContext, request: RecordedRequest) -> Finding:
    error = request.error or ""
    sub = request.path[len(PREFIX):] if request.path.startswith(PREFIX) else request.path
    at = f"{request.method} {request.path}"
    if request.status in (401, 403) or error.startswith("Missing X-Auth-Key"):
        account = re.search(r"/accounts/([^/]+)", request.path)
        if request.status == 403 and account and account[1] != TEST_ACCOUNT_ID:
            why = f"the account id `{account[1]}` is not the account of the token (a placeholder left unfilled?)"
            line = page_line_of(ctx.snippet, account[1])
        else:
            why = "expected `Authorization: Bearer <token>` or `X-Auth-Email` + `X-Auth-Key`"
            line = page_line_of(ctx.snippet, "Auth")
        return finding(AUTH, ctx.snippet, f"{at} was refused ({request.status}): {error}; {why}",
                       line=line, actual=error)
    if request.path.rstrip("/").endswith("/graphql"):
        return finding(GRAPHQL, ctx.snippet, f"sends a GraphQL query that does not validate: {error}",
                       line=page_line_of(ctx.snippet, "query"), actual=error)
    if error.startswith("Could not route") and request.status == 400:
        return _unknown_route(ctx, request, sub)
    if request.status == 405:
        contract = _contract()
        match = contract.match(request.method, sub) if contract else None
        allowed = ", ".join(match.allowed) if match else "?"
        return finding(WRONG_METHOD, ctx.snippet,
                       f"sends {request.method} to {request.path}, a route that takes {allowed}",
                       line=page_line_of(ctx.snippet, _last(request.path)), expected=allowed, actual=request.method)
    if request.status == 404:
        return finding(UNKNOWN_ID, ctx.snippet, f"{at} names `{_last(request.path)}`, an id the run never created "
                       "(or deleted before)", line=page_line_of(ctx.snippet, _last(request.path)), actual=error)
    field = re.match(r"(?:body|query)\.([^.:]+)", error)
    line = page_line_of_key(ctx.snippet, field[1]) if field else page_line_of(ctx.snippet, _last(request.path))
    return finding(INVALID_REQUEST, ctx.snippet, f"{at} breaks the API contract: {error}",
                   line=line, actual=error, status=request.status)


def _unknown_route(ctx: SnippetContext, request: RecordedRequest, sub: str) -> Finding:
    contract = _contract()
    closest = contract.closest(BRACE.sub(lambda m: "{" if m[0] in "{%7b%7B" else "}", sub)) if contract else []
    broken = next((seg for seg in request.path.split("/") if half_written(seg)), None)
    malformed = (f"; malformed URL: the segment `{_unbraced(broken)}` is a placeholder left half-written"
                 if broken else "")
    near = f"; closest routes: {', '.join(PREFIX + t for t in closest)}" if closest else ""
    source = (f" (not in its public contract, {contract.source.split(' (')[0]}: a typo, or a route of a "
              "partner-only API such as the Tenant API, which that contract leaves out)") if contract else ""
    needle = _unbraced(broken).lstrip("{") if broken else _last(request.path)
    return finding(UNKNOWN_ROUTE, ctx.snippet,
                   f"{request.method} {_unbraced(request.path)} is not a route of Cloudflare's API{source}{malformed}"
                   f"{near}", line=page_line_of(ctx.snippet, needle), actual=request.path, closest=closest)


def _unbraced(text: str) -> str:
    return text.replace("%7B", "{").replace("%7b", "{").replace("%7D", "}").replace("%7d", "}")
