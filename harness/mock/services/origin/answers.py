"""What a simulated origin answers: plausible content for whatever a sample asks of a host the mock
does not model as an API.

- httpbin-like paths read back what was sent: `/anything...`, `/get`, `/post`, `/put`, `/patch`,
  `/delete`, `/headers`, `/ip`, `/user-agent`, `/uuid`, `/json`, `/html`, `/status/N`.
- jsonplaceholder-like collections (`/posts`, `/todos/1`, `/users`, ...) give objects or lists of
  their shape; a POST gets its body back with a new `id` (201).
- Anything else: HTML to a browser-like GET (`Accept: text/html`, or no JSON hint), a file of the
  path's type (`.css`, `.js`, `.txt`; real images, audio and a PDF from `mock/data/media/`, so a sample
  that hands a fetched `.jpg` or `.mp3` to a model or a player gets bytes that decode), else a JSON echo
  of the request.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_COLLECTIONS: dict[str, dict[str, Any]] = {
    "posts": {"userId": 1, "title": "sunt aut facere repellat provident", "body": "quia et suscipit recusandae"},
    "comments": {"postId": 1, "name": "id labore ex et quam laborum", "email": "eliseo@gardner.biz",
                 "body": "laudantium enim quasi est quidem magnam"},
    "albums": {"userId": 1, "title": "quidem molestiae enim"},
    "photos": {"albumId": 1, "title": "accusamus beatae ad facilis", "url": "https://via.placeholder.com/600/92c952",
               "thumbnailUrl": "https://via.placeholder.com/150/92c952"},
    "todos": {"userId": 1, "title": "delectus aut autem", "completed": False},
    "users": {"name": "Leanne Graham", "username": "Bret", "email": "Sincere@april.biz", "phone": "1-770-736-8031",
              "website": "hildegard.org", "address": {"street": "Kulas Light", "city": "Gwenborough",
                                                       "zipcode": "92998-3874"}},
}
_STATIC = {
    ".css": ("text/css", b"body { font-family: sans-serif; }\n"),
    ".js": ("application/javascript", b"console.log('simulated origin');\n"),
    ".txt": ("text/plain", b"Hello from the simulated origin.\n"),
    ".xml": ("application/xml", b"<?xml version=\"1.0\"?><root><item>example</item></root>\n"),
    ".svg": ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'),
    ".ico": ("image/x-icon", b"\x00\x00\x01\x00"),
    ".pdf": ("application/pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
}
_MEDIA = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
          ".webp": "image/webp", ".mp3": "audio/mpeg", ".wav": "audio/wav"}
"""Types answered with a real file of that type (`mock/data/media/sample.*`): a 64x48 picture, one
second of audio."""


@cache
def _media(suffix: str) -> bytes:
    name = "sample" + (".jpg" if suffix == ".jpeg" else suffix)
    return resources.files("harness.mock").joinpath("data", "media", name).read_bytes()
_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{host}</title>
<meta name="description" content="A page served by the harness's simulated origin">
<link rel="stylesheet" href="/style.css"></head>
<body>
<h1>{host}</h1>
<p>This is the simulated origin of <a href="https://{host}/">{host}</a>, answering {method} {path}.</p>
<img src="/image.png" alt="example image">
<script src="/app.js"></script>
</body>
</html>
"""


@dataclass(frozen=True)
class SentRequest:
    """What the origin reads of a request."""

    method: str
    url: str
    """The full URL as the client meant it (`https://host/path?query`)."""
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


@dataclass(frozen=True)
class OriginAnswer:
    """The origin's answer."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    """Headers besides `content-type`."""


def _header(sent: SentRequest, name: str) -> str:
    return next((v for k, v in sent.headers if k.lower() == name), "")


def echo(sent: SentRequest) -> dict[str, Any]:
    """The httpbin-like echo: method, url, headers, args, json, data, form, origin."""
    parts = urlsplit(sent.url)
    text = sent.body.decode("utf-8", errors="replace")
    try:
        parsed: Any = json.loads(sent.body) if sent.body.strip() else None
    except ValueError:
        parsed = None
    form = dict(parse_qsl(text)) if "form-urlencoded" in _header(sent, "content-type") else {}
    return {
        "method": sent.method, "url": sent.url, "args": dict(parse_qsl(parts.query)),
        "headers": {k.title(): v for k, v in sent.headers if not k.lower().startswith("proxy-")},
        "json": parsed, "data": text, "form": form, "origin": "203.0.113.7",
    }


def _json(value: Any, status: int = 200) -> OriginAnswer:
    return OriginAnswer(status, "application/json", json.dumps(value, indent=2).encode() + b"\n")


def _collection(name: str, item: str | None, sent: SentRequest) -> OriginAnswer:
    shape = _COLLECTIONS[name]
    if sent.method == "POST":
        posted = echo(sent)["json"]
        return _json({**(posted if isinstance(posted, dict) else {}), "id": 101}, 201)
    if sent.method == "DELETE":
        return _json({})
    if item is not None:
        number = int(item) if item.isdigit() else 1
        if sent.method in ("PUT", "PATCH"):
            posted = echo(sent)["json"]
            base = {"id": number, **shape} if sent.method == "PATCH" else {"id": number}
            return _json({**base, **(posted if isinstance(posted, dict) else {})})
        return _json({"id": number, **shape})
    return _json([{"id": n, **shape} for n in range(1, 11)])


def _wants_html(sent: SentRequest) -> bool:
    accept = _header(sent, "accept").lower()
    content_type = _header(sent, "content-type").lower()
    if "json" in accept or "json" in content_type or sent.method not in ("GET", "HEAD"):
        return False
    return "text/html" in accept or not accept or accept.startswith("*/*")


_STATUS = re.compile(r"/status/(\d{3})")
_ITEM = re.compile(r"/(?P<name>[a-z]+)(?:/(?P<item>[^/]+))?/?")


def answer(sent: SentRequest) -> OriginAnswer:
    """The plausible answer to `sent` (see the module's docstring)."""
    parts = urlsplit(sent.url)
    path, host = parts.path or "/", parts.hostname or "localhost"
    if status := _STATUS.fullmatch(path):
        code = int(status[1])
        return OriginAnswer(code, "application/json", b"" if code in (204, 304) or code < 200 else b"{}\n")
    if path.startswith("/anything") or path.strip("/") in ("get", "post", "put", "patch", "delete"):
        return _json(echo(sent))
    simple: dict[str, Any] = {
        "/headers": {"headers": echo(sent)["headers"]}, "/ip": {"origin": "203.0.113.7"},
        "/user-agent": {"user-agent": _header(sent, "user-agent")}, "/uuid": {"uuid": str(uuid.uuid4())},
        "/json": {"slideshow": {"author": "Yours Truly", "title": "Sample Slide Show",
                                "slides": [{"title": "Wake up to WonderWidgets!", "type": "all"}]}},
    }
    if path in simple:
        return _json(simple[path])
    if (item := _ITEM.fullmatch(path)) and item["name"] in _COLLECTIONS:
        return _collection(item["name"], item["item"], sent)
    suffix = path[path.rfind("."):].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if suffix in _STATIC:
        content_type, body = _STATIC[suffix]
        return OriginAnswer(200, content_type, body)
    if suffix in _MEDIA:
        return OriginAnswer(200, _MEDIA[suffix], _media(suffix))
    if suffix != ".json" and (path == "/html" or _wants_html(sent)):
        page = _HTML.format(host=host, method=sent.method, path=path)
        return OriginAnswer(200, "text/html; charset=utf-8", page.encode())
    return _json(echo(sent))
