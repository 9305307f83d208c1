"""Turnstile's siteverify (`POST https://challenges.cloudflare.com/turnstile/v0/siteverify`), answered as
the real endpoint does, so that server-side validation samples meet its rules:

- the body is a form (`application/x-www-form-urlencoded` or `multipart/form-data`, what a Worker's
  `FormData` sends) or JSON, with `secret`, `response`, optional `remoteip` and `idempotency_key`;
- the documented test secret keys behave as documented: `1x0000000000000000000000000000000AA` always
  passes, `2x0000000000000000000000000000000AA` always fails (`invalid-input-response`),
  `3x0000000000000000000000000000000AA` answers that the token was already spent (`timeout-or-duplicate`);
- any other secret is taken as the reader's own widget's (the harness cannot know their widgets): a token
  passes once; the same token again fails with `timeout-or-duplicate`, unless it carries the
  `idempotency_key` its first validation carried; the test widgets' dummy token `XXXX.DUMMY.TOKEN.XXXX`
  and a token over 2048 characters fail with `invalid-input-response` (production secrets reject them);
- a missing `secret` or `response` gives `missing-input-secret` / `missing-input-response`, a body that
  does not parse `bad-request` (400).

The answer is JSON: `success`, `error-codes`, and on success `challenge_ts`, `hostname`, `action`, `cdata`.
Which tokens a snippet already spent is read from the journal (its earlier siteverify requests).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import HTTP
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from harness.mock.state import MockState, guarded, origin, record_exchange
from harness.model import RecordedRequest

HOST = "challenges.cloudflare.com"
PATH = "/turnstile/v0/siteverify"
VIA = "turnstile"
PASSING_SECRET = "1x0000000000000000000000000000000AA"
FAILING_SECRET = "2x0000000000000000000000000000000AA"
SPENT_SECRET = "3x0000000000000000000000000000000AA"
DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX"
"""The token the test sitekeys' widgets produce."""
MAX_TOKEN = 2048


def form_fields(body: bytes, content_type: str) -> dict[str, str] | None:
    """The fields of a siteverify body (JSON, URL-encoded or multipart form); None when it does not parse."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            parsed = json.loads(body or b"null")
        except ValueError:
            return None
        return {str(k): str(v) for k, v in parsed.items() if v is not None} if isinstance(parsed, dict) else None
    if kind == "multipart/form-data":
        message = message_from_bytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=HTTP)
        if not message.is_multipart():
            return None
        fields: dict[str, str] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str) and isinstance(payload, bytes):
                fields[name] = payload.decode("utf-8", errors="replace")
        return fields
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return None


def verdict(fields: Mapping[str, str], earlier: Sequence[Mapping[str, str]]) -> list[str]:
    """The error codes of one validation (none: it passes); `earlier`: the fields of the snippet's earlier
    siteverify requests, in order."""
    secret, token = fields.get("secret", ""), fields.get("response", "")
    if not secret:
        return ["missing-input-secret"]
    if not token:
        return ["missing-input-response"]
    if secret == PASSING_SECRET:
        return []
    if secret == FAILING_SECRET:
        return ["invalid-input-response"]
    if secret == SPENT_SECRET:
        return ["timeout-or-duplicate"]
    if token == DUMMY_TOKEN or len(token) > MAX_TOKEN:
        return ["invalid-input-response"]
    first = next((e for e in earlier if e.get("response") == token and e.get("secret") == secret), None)
    if first is None:
        return []
    key = fields.get("idempotency_key")
    return [] if key and first.get("idempotency_key") == key else ["timeout-or-duplicate"]


def answer_body(errors: list[str], fields: Mapping[str, str]) -> dict[str, object]:
    """The JSON siteverify answers."""
    if errors:
        return {"success": False, "error-codes": errors, "messages": []}
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"success": True, "challenge_ts": now, "hostname": "example.com", "error-codes": [],
            "action": "", "cdata": "", "metadata": {"remoteip": fields.get("remoteip", "")}}


def _fields_of(entry: RecordedRequest) -> dict[str, str]:
    content_type = next((v for k, v in entry.headers if k.lower() == "content-type"), "")
    return form_fields(entry.body, content_type) or {}


async def siteverify(request: Request, state: MockState) -> Response:
    """Answers and records one siteverify request."""
    snippet_id, _ = origin(request, state)
    earlier = [_fields_of(e) for e in state.journal.for_snippet(snippet_id)
               if e.via == VIA and e.path == PATH and e.status == 200]
    fields = form_fields(await request.body(), request.headers.get("content-type", ""))
    if fields is None:
        await record_exchange(request, state, VIA, 400, "application/json", error="bad-request")
        return JSONResponse({"success": False, "error-codes": ["bad-request"], "messages": []}, status_code=400)
    errors = verdict(fields, earlier)
    await record_exchange(request, state, VIA, 200, "application/json", error=", ".join(errors) or None)
    return JSONResponse(answer_body(errors, fields))


class Turnstile:
    """Turnstile's siteverify endpoint on `challenges.cloudflare.com`; other paths of that host go on to
    the simulated origin (the widget's script, `api.js`)."""

    name = VIA
    rank = 30

    def claims(self, host: str, state: MockState) -> bool:
        return host == HOST

    def routes(self, state: MockState) -> Sequence[BaseRoute]:
        async def endpoint(request: Request) -> Response:
            return await siteverify(request, state)

        return [Route(PATH, guarded(state, endpoint, VIA), methods=["POST"])]

    def binding_routes(self, state: MockState) -> Sequence[BaseRoute]:
        return []


SERVICE = Turnstile()
