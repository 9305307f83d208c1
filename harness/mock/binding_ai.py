"""The rest of the Worker binding (`env.AI` of `@cloudflare/workers-types`) beyond `run` and `fetch`:
`POST /__harness/binding/ai/{action}`, header `x-harness-token`, JSON body, called by
`runners/worker/ai-binding.mjs`.

- `models` `{params}`: `env.AI.models(params)`, the `ai/models/search` list without the envelope.
- `to-markdown` `{files: [{name, type, base64}]}`: `env.AI.toMarkdown(files)`, one
  `ConversionResponse` a file (text and HTML become Markdown; other formats of the supported list
  get a heading and their size; an unsupported one `format: "error"`).
- `supported`: `toMarkdown().supported()`.
- `gateway-log` `{gateway, id}`: `gateway(id).getLog(logId)`: the `AiGatewayLog` of a request that
  `run(..., {gateway})` made (its id is the `cf-ai-req-id`), else 404 `AiGatewayLogNotFound`.
- `gateway-patch-log` `{gateway, id, data}`: `patchLog`; the data is checked against
  `AiGatewayPatchLog` of the types.
- `gateway-url` `{gateway, provider}`: `getUrl(provider)`.
- `gateway-run` `{gateway, data}`: `gateway(id).run(data)`, the universal endpoint's steps (the
  first is answered, as when it succeeds); the binding hands the answer back as a `Response`.
Each call is recorded (`via` = `binding`); errors are the envelope with a status, as for `run`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from harness.mock.answers import Answer
from harness.mock.catalog import explain
from harness.mock.errors import INVALID_INPUT, NO_SUCH_ROUTE
from harness.mock.inference import Reply, parse_json
from harness.mock.models_search import search
from harness.mock.provider_shapes import universal_step
from harness.mock.state import MockState, record, request_id, respond

GATEWAY_URL = "https://gateway.ai.cloudflare.com/v1/{account}/{gateway}"
SUPPORTED = {  # Markdown Conversion's formats (developers.cloudflare.com/workers-ai/features/markdown-conversion)
    "application/pdf": ".pdf",
    "image/jpeg": ".jpeg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
    "text/html": ".html",
    "application/xml": ".xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.text": ".odt",
    "text/csv": ".csv",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/json": ".json",
}


class _Text(HTMLParser):
    """The text of an HTML document, headings as Markdown headings."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in ("p", "li", "div", "table", "tr"):
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _markdown(name: str, kind: str, data: bytes) -> dict[str, Any]:
    ident = hashlib.sha256(name.encode() + data).hexdigest()[:32]
    kind = kind.split(";")[0].strip() or "application/octet-stream"
    if kind not in SUPPORTED:
        return {
            "id": ident,
            "name": name,
            "mimeType": kind,
            "format": "error",
            "error": f"Unsupported file type {kind}",
        }
    text = data.decode("utf-8", errors="replace")
    if kind == "text/html":
        parser = _Text()
        parser.feed(text)
        text = re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()
    elif not kind.startswith("text/") and kind != "application/json":
        text = f"# {name}\n\n({kind}, {len(data)} bytes)"
    return {
        "id": ident,
        "name": name,
        "mimeType": kind,
        "format": "markdown",
        "tokens": len(text.split()),
        "data": text,
    }


def _log(state: MockState, gateway: str, log_id: str) -> dict[str, Any] | None:
    """The `AiGatewayLog` of the binding request whose `cf-ai-req-id` is `log_id`."""
    for entry in state.journal.all():
        if request_id(entry)["cf-ai-req-id"] == log_id and entry.via == "binding":
            model = entry.model or ""
            provider = model.partition("/")[0] if not model.startswith("@") else "workers-ai"
            return {
                "id": log_id, "provider": provider, "model": model, "path": f"{gateway}/{provider}",
                "duration": 0, "status_code": entry.status, "success": entry.status < 400, "cached": False,
                "request_size": entry.size, "request_head_complete": True, "response_size": 0,
                "response_head_complete": True, "created_at": "2023-11-14T22:13:20.000Z",
            }  # fmt: skip
    return None


def _act(state: MockState, action: str, call: Mapping[str, Any]) -> tuple[Reply, Any]:
    """`(reply, recorded json)` of one binding action."""
    if action == "models":
        params = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in (call.get("params") or {}).items()}
        found = search(state.catalog, params)
        return found, params
    if action == "supported":
        listed = [{"mimeType": k, "extension": v.lstrip(".")} for k, v in SUPPORTED.items()]
        return Reply(200, answer=Answer(listed)), None
    if action == "to-markdown":
        files = call.get("files") or []
        try:
            done = [_markdown(str(f["name"]), str(f.get("type", "")), base64.b64decode(f["base64"])) for f in files]
        except (KeyError, TypeError, binascii.Error) as exc:
            return Reply.failure(400, INVALID_INPUT, f"Error: toMarkdown wants [{{name, blob}}]: {exc}"), None
        return Reply(200, answer=Answer(done)), [{"name": f.get("name"), "type": f.get("type")} for f in files]
    gateway = str(call.get("gateway", ""))
    if action == "gateway-url":
        url = GATEWAY_URL.format(account=state.account_id, gateway=gateway)
        provider = call.get("provider")
        return Reply(200, answer=Answer(f"{url}/{provider}" if provider else url)), call
    if action == "gateway-run":
        data = call.get("data")
        step = data[0] if isinstance(data, list) and data else data
        if not isinstance(step, Mapping):
            return Reply.failure(
                400, INVALID_INPUT, "Error: gateway.run wants {provider, endpoint, headers, query}"
            ), data
        return universal_step(state.catalog, step)[0], data
    if action in ("gateway-log", "gateway-patch-log"):
        log = _log(state, gateway, str(call.get("id", "")))
        if log is None:
            return Reply.failure(404, 404, f"AiGatewayLogNotFound: no log {call.get('id')} in gateway {gateway}"), call
        if action == "gateway-log":
            return Reply(200, answer=Answer(log)), call
        problem = next(iter(state.catalog.validator("AiGatewayPatchLog").iter_errors(call.get("data"))), None)
        if problem is not None:
            return Reply.failure(400, INVALID_INPUT, explain(problem)), call
        return Reply(200, answer=Answer(None)), call
    return Reply.failure(404, NO_SUCH_ROUTE, f"the binding has no {action}"), call


async def binding_ai(request: Request, state: MockState) -> Response:
    """One binding action (see the module's docstring)."""
    call, problem = parse_json(await request.body())
    action = request.path_params["action"]
    if not isinstance(call, Mapping):
        reply, recorded = Reply.failure(400, INVALID_INPUT, f"Error: {problem or 'expected a JSON object'}"), None
    else:
        reply, recorded = _act(state, action, call)
    entry = await record(request, state, "binding", reply, json=recorded)
    return respond(reply, entry)
