"""Browser Rendering for the Worker binding (`runners/worker/browser-binding.mjs`, the small browser
that `@cloudflare/puppeteer` drives over the DevTools protocol), through
`POST /__harness/binding/browser/{action}`:

- `acquire` `[options]`: a new session, `{sessionId}`.
- `goto` `[{url}]`: the page at `url` as the simulated origin answers it: `{html, title, status}` (an
  HTML page unless the URL names another file type; not HTML, it is wrapped in `<pre>`).
- `screenshot` `[{url, format}]`: base64 of an 800 x 600 PNG of the page (its colour from the URL).
- `pdf` `[{url, title}]`: base64 of a one-page PDF naming the page.
And `quickAction(action, body)` of the binding (`quick_action`), at `.../browser/quick-action`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import random
import re
from typing import Any

from harness.mock.answers import png
from harness.mock.binding_ai import _markdown
from harness.mock.services.origin.answers import SentRequest, answer
from harness.mock.shaped import fill

VIEWPORT = (800, 600)
_TITLE = re.compile(rb"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class BrowserError(Exception):
    """A call the browser refuses."""


def _page(url: str) -> dict[str, Any]:
    if not url.startswith(("http://", "https://")):
        raise BrowserError(f"Protocol error (Page.navigate): Cannot navigate to invalid URL {url!r}")
    got = answer(SentRequest("GET", url, (("accept", "text/html"), ("user-agent", "HeadlessChrome")), b""))
    shown = got.body.decode(errors="replace")
    body = got.body if "html" in got.content_type else f"<pre>{html.escape(shown)}</pre>".encode()
    title = _TITLE.search(body)
    return {"html": body.decode(errors="replace"), "status": got.status,
            "title": html.unescape(title[1].decode(errors="replace").strip()) if title else ""}


def _pdf(title: str) -> bytes:
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")[:80]
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def call(snippet: str | None, action: str, args: list[Any]) -> Any:
    """One call of the binding's browser: its result."""
    given = args[0] if args and isinstance(args[0], dict) else {}
    url = str(given.get("url", ""))
    if action == "acquire":
        return {"sessionId": hashlib.sha256(f"{snippet}\0session".encode()).hexdigest()[:36]}
    if action == "goto":
        return _page(url)
    if action == "screenshot":
        colour = hashlib.sha256(url.encode()).digest()
        return base64.b64encode(png(*VIEWPORT, (colour[0], colour[1], colour[2]))).decode()
    if action == "pdf":
        return base64.b64encode(_pdf(str(given.get("title") or url))).decode()
    raise BrowserError(f"the harness's browser has no action {action!r}")


def quick_action(action: str, body: dict[str, Any]) -> tuple[int, str, bytes]:
    """`env.BROWSER.quickAction(action, body)`: `(status, content type, body)` as the REST endpoint
    `browser-rendering/<action>` answers: the envelope (`content`, `markdown`, `links`, `json`), or the
    bytes (`screenshot`, `pdf`). The page is `body.url` from the simulated origin, or `body.html`."""
    if isinstance(body.get("html"), str):
        page = {"html": body["html"], "title": "", "status": 200}
    elif isinstance(body.get("url"), str):
        page = _page(body["url"])
    else:
        return 400, "application/json", _envelope(None, "either `url` or `html` is required")
    text = str(page["html"])
    if action == "screenshot":
        colour = hashlib.sha256(text.encode()).digest()
        return 200, "image/png", png(*VIEWPORT, (colour[0], colour[1], colour[2]))
    if action == "pdf":
        return 200, "application/pdf", _pdf(str(page["title"] or body.get("url") or "page"))
    if action == "content":
        return 200, "application/json", _envelope(text)
    if action == "markdown":
        return 200, "application/json", _envelope(_markdown("page.html", "text/html", text.encode())["data"])
    if action == "links":
        return 200, "application/json", _envelope(re.findall(r"""href=["']([^"']+)""", text))
    if action == "json":
        fmt = body.get("response_format")
        given = fmt.get("schema") if isinstance(fmt, dict) else None
        schema = given if isinstance(given, dict) else {"type": "object"}
        seed = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).digest()
        value = fill(schema, random.Random(seed), lambda: str(page["title"] or "Example"), b"")
        return 200, "application/json", _envelope(value)
    return 400, "application/json", _envelope(None, f"the harness's Browser Rendering has no quick action {action!r}")


def _envelope(result: Any, error: str | None = None) -> bytes:
    errors = [{"code": 400, "message": error}] if error else []
    return json.dumps({"success": not error, "result": result, "errors": errors}).encode()
