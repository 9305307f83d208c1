"""The proxy front: what snippets' `HTTPS_PROXY` points at, and the optional direct TLS port.

`CONNECT host:port` (with `Proxy-Authorization: Basic base64(token:x)`) is answered `200`; TLS is
terminated here with a certificate of the run's CA for that host (by SNI: the API hosts' own, or one
issued for a simulated origin), and the plain HTTP inside is piped to the app over a fresh TCP
connection whose local port is registered with the token first, so the app knows which snippet
speaks and the host it asked for. A tunnel to a port of `PLAIN_PORTS` carries plain HTTP. Absolute-
form plain-HTTP requests (`GET http://host/path`) are forwarded the same way. Whatever the host, the
app answers it (an API it models, else a simulated origin): nothing ever leaves for the real network.
Only a malformed target (no host, a bad port) is refused with `403` and a `blocked` journal entry.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import ssl
from collections.abc import Coroutine, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from harness.mock.journal import Journal
from harness.mock.registry import Registry, Tunnel
from harness.model import RecordedRequest

HEAD_TIMEOUT_S = 30.0
HEAD_LIMIT = 64 * 1024
_HOP_HEADERS = {"proxy-authorization", "proxy-connection", "connection", "keep-alive"}
PLAIN_PORTS = frozenset({80, 3000, 5000, 8000, 8080, 8787, 8888})
"""Ports a `CONNECT` tunnel carries plain HTTP on (clients tunnel `http://` URLs too); TLS on any other."""


def token_of(headers: Sequence[tuple[str, str]]) -> str | None:
    """The user name of a `Proxy-Authorization: Basic ...` header, or None."""
    value = next((v for k, v in headers if k.lower() == "proxy-authorization"), "")
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user = base64.b64decode(credentials.strip(), validate=True).decode("utf-8").partition(":")[0]
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user or None


def split_host_port(authority: str, default_port: int) -> tuple[str, int]:
    """`host:port` (IPv6 in brackets) -> `(host, port)`; a bad port counts as 0."""
    if authority.startswith("["):
        host, _, rest = authority[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port = authority.partition(":")
    try:
        number = int(port) if port else default_port
    except ValueError:
        number = 0
    return host.lower(), number


def refusal(hosts: Iterable[str], where: str) -> str:
    """The proxy's words for a target it cannot serve (no host, or a bad port)."""
    return f"no mock for host {where}: not a host and port the harness's proxy can serve"


def blocked_entry(
    snippet_id: str | None, method: str, url: str, path: str, headers: Sequence[tuple[str, str]], message: str
) -> RecordedRequest:
    """The journal entry of a refused request (`via="blocked"`, 403; proxy credentials left out)."""
    return RecordedRequest(
        snippet_id=snippet_id,
        via="blocked",
        method=method.upper(),
        url=url,
        path=path,
        headers=tuple((k, v) for k, v in headers if k.lower() != "proxy-authorization"),
        body=b"",
        status=403,
        response_content_type="text/plain",
        error=message,
    )


class ProxyFront:
    """Connection handlers for the proxy port and the direct TLS port (one event loop)."""

    def __init__(
        self, hosts: Sequence[str], app_port: int, registry: Registry, journal: Journal, tls: ssl.SSLContext
    ) -> None:
        self.hosts = frozenset(h.lower() for h in hosts)
        self.app_port = app_port
        self.registry = registry
        self.journal = journal
        self.tls = tls
        self._tasks: set[asyncio.Task[Any]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def close(self, timeout_s: float = 2.0) -> None:
        """Ends every connection still open: aborts their sockets, then cancels what lingers."""
        for writer in list(self._writers):
            writer.transport.abort()
        tasks = list(self._tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    def handle_proxy(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Accepts one client connection to the proxy port."""
        self._start(self._proxy(reader, writer), writer)

    def handle_direct(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Accepts one client connection to the direct TLS port (already decrypted by asyncio)."""
        host = next(iter(sorted(self.hosts)), "localhost")
        self._start(self._pipe_to_app(reader, writer, Tunnel(None, host, "https", direct=True), b""), writer)

    def _start(self, work: Coroutine[Any, Any, None], writer: asyncio.StreamWriter) -> None:
        """Registers the connection at once (so `close` always finds it), then runs `work`."""
        self._writers.add(writer)
        task = asyncio.get_running_loop().create_task(self._tracked(work, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _tracked(self, work: Coroutine[Any, Any, None], writer: asyncio.StreamWriter) -> None:
        """Runs one connection's `work`; a client that goes away or times out is no error."""
        try:
            await work
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            pass
        except asyncio.CancelledError:  # the mock is stopping; this task is the connection's root
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _proxy(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT_S)
        lines = head.decode("latin-1").split("\r\n")
        method, _, rest = lines[0].partition(" ")
        target, _, version = rest.partition(" ")
        headers = [(k.strip(), v.strip()) for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)]
        token = token_of(headers)
        if method.upper() == "CONNECT":
            host, port = split_host_port(target, 443)
            if host and 0 < port < 65536:
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                plain = port in PLAIN_PORTS
                if not plain:
                    await writer.start_tls(self.tls)
                authority = host if port == (80 if plain else 443) else f"{host}:{port}"
                await self._pipe_to_app(reader, writer, Tunnel(token, authority, "http" if plain else "https"), b"")
                return
            await self._refuse(writer, token, "CONNECT", f"{host}:{port}", "", headers, f"{host}:{port}")
            return
        url = urlsplit(target)
        if url.scheme not in ("http", "https") or not url.hostname:  # axios sends `GET https://...` too
            writer.write(_plain(400, "Bad Request", "this is the harness mock's proxy; send CONNECT or absolute URLs"))
            await writer.drain()
            return
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        kept = [f"{k}: {v}" for k, v in headers if k.lower() not in _HOP_HEADERS]
        forwarded = "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close", "", ""])
        sent = next((v for k, v in headers if k.lower() in ("connection", "proxy-connection")), None)
        tunnel = Tunnel(token, url.netloc.rpartition("@")[2].lower(), url.scheme, connection=sent)
        await self._pipe_to_app(reader, writer, tunnel, forwarded.encode("latin-1"))

    async def _refuse(
        self,
        writer: asyncio.StreamWriter,
        token: str | None,
        method: str,
        url: str,
        path: str,
        headers: Sequence[tuple[str, str]],
        where: str,
    ) -> None:
        message = refusal(self.hosts, where)
        self.journal.record(blocked_entry(self.registry.snippet_of(token), method, url, path, headers, message))
        writer.write(_plain(403, "Forbidden", message))
        await writer.drain()

    async def _pipe_to_app(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tunnel: Tunnel, first: bytes
    ) -> None:
        app_reader, app_writer = await asyncio.open_connection("127.0.0.1", self.app_port)
        port = app_writer.get_extra_info("sockname")[1]
        self.registry.open_tunnel(port, tunnel)
        self._writers.add(app_writer)
        try:
            if first:
                app_writer.write(first)
            await asyncio.gather(_copy(reader, app_writer), _copy(app_reader, writer))
        finally:
            self.registry.close_tunnel(port, tunnel)
            self._writers.discard(app_writer)
            app_writer.close()


async def _copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    """Copies until end of stream, then passes the end on (half-close where possible)."""
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        if sink.can_write_eof() and not sink.is_closing():
            with contextlib.suppress(OSError, RuntimeError):
                sink.write_eof()
        else:
            sink.close()


def _plain(status: int, reason: str, text: str) -> bytes:
    body = (text + "\n").encode()
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
    return (head + "Connection: close\r\n\r\n").encode() + body
