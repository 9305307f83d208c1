"""requests-mock and respx, wired to an `InProcessMock`: what `requests` and `httpx` send reaches the
mock's app without a socket, with the headers the library would have put on the wire.

What goes to a host the mock does not serve fails as it does through the harness's proxy: an
`https` URL raises the library's own proxy error (the tunnel was refused with 403), a plain `http`
URL gets the proxy's 403 answer; either way a `blocked` entry is recorded.
"""

from __future__ import annotations

import contextlib
import http.client
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import requests
import requests_mock
import respx
from urllib3.connectionpool import HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError
from urllib3.exceptions import ProxyError as Urllib3ProxyError

from harness.mock.inprocess import Answer, InProcessMock

_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_header(scheme: str, host: str, port: int | None) -> str:
    """The `Host` header http.client writes: the port only when it is not the scheme's default."""
    shown = f"[{host}]" if ":" in host else host
    return shown if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{shown}:{port}"


def _requests_body(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("latin-1", errors="strict") if body.isascii() else body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode() if isinstance(data, str) else bytes(data)
    return b"".join(c.encode() if isinstance(c, str) else bytes(c) for c in body)


def _tunnel_refused(host: str, port: int, path: str) -> MaxRetryError:
    """urllib3's own error for a CONNECT that the proxy answered with 403."""
    reason = Urllib3ProxyError("Unable to connect to proxy", OSError("Tunnel connection failed: 403 Forbidden"))
    return MaxRetryError(HTTPSConnectionPool(host, port), path, reason)


def _requests_handler(mock: InProcessMock) -> Any:
    def answer(request: Any, context: Any) -> bytes:
        url = urlsplit(request.url)
        scheme, host, port = url.scheme, url.hostname or "", url.port
        sent = list(request.headers.items())
        if mock.serves(scheme, host, port):
            headers = [("host", host_header(scheme, host, port)), *((k.lower(), v) for k, v in sent)]
            reply = mock.answer(request.method, request.url, headers, _requests_body(request.body))
        elif scheme == "https":
            where = f"{host}:{port or 443}"
            mock.refuse("CONNECT", where, "", (), where)
            path = url.path + (f"?{url.query}" if url.query else "")
            raise requests.exceptions.ProxyError(_tunnel_refused(host, port or 443, path or "/"))
        else:
            netloc = host_header(scheme, host, port)
            reply = mock.refuse(request.method, request.url, url.path, [("Host", netloc), *sent], netloc)
        _fill(context, reply)
        return reply.body

    return answer


def _fill(context: Any, reply: Answer) -> None:
    context.status_code = reply.status
    context.reason = http.client.responses.get(reply.status)
    context.headers.clear()
    for name, value in reply.headers:
        context.headers[name] = value


def _httpx_handler(mock: InProcessMock) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        url = request.url
        sent = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        if mock.serves(url.scheme, url.host, url.port):
            reply = mock.answer(request.method, str(url), [(k.lower(), v) for k, v in sent], request.content)
        elif url.scheme == "https":
            where = f"{url.host}:{url.port or 443}"
            mock.refuse("CONNECT", where, "", [("Host", where), ("Accept", "*/*")], where)
            raise httpx.ProxyError("403 Forbidden", request=request)
        else:
            netloc = host_header(url.scheme, url.host, url.port)
            reply = mock.refuse(request.method, str(url), url.path, sent, netloc)
        return httpx.Response(reply.status, headers=list(reply.headers), stream=httpx.ByteStream(reply.body),
                              request=request)

    return answer


@contextlib.contextmanager
def routed_to(mock: InProcessMock) -> Iterator[None]:
    """While it lasts, every `requests` and `httpx` request (sync or async) is answered by `mock`."""
    with requests_mock.Mocker(real_http=False) as via_requests:
        via_requests.register_uri(requests_mock.ANY, requests_mock.ANY, content=_requests_handler(mock))
        with respx.mock(assert_all_called=False, assert_all_mocked=True) as via_httpx:
            via_httpx.route().mock(side_effect=_httpx_handler(mock))
            yield
