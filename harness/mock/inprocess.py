"""The mock answering requests handed to it in-process, without sockets (for the `inprocess` executor).

A request comes in as plain values (method, URL, headers as sent, body); it goes through the very
app the server runs (`build_app`), as if the proxy had tunnelled it: the app sees a client port
registered with the snippet's token, so `_origin` and the journal work unchanged. Every host is
served, as through the proxy: an API the mock models, else a simulated origin.

`answer` is synchronous and may be called from any thread. Where no event loop runs, the app runs
on a loop of the calling thread's own; inside a running loop (a snippet calling `requests` from a
coroutine) it runs on a private loop in a daemon thread. Both are made on first use in each process,
so a process forked from a warm one never shares its parent's loop or selector.
"""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import os
import threading
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from harness.mock.app import build_app
from harness.mock.catalog import Catalog
from harness.mock.config import MockConfig, mock_state
from harness.mock.journal import Journal
from harness.mock.proxy import blocked_entry, refusal
from harness.mock.registry import Registry, Tunnel
from harness.serialize import dumps, loads

ANSWER_TIMEOUT_S = 30.0

Headers = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Answer:
    """What the mock answered, as a client library would receive it."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def config_to_json(config: MockConfig) -> str:
    """`config` as one line of JSON, for a process that builds its own mock (`config_from_json`)."""
    return dumps(config)


def config_from_json(text: str) -> MockConfig:
    """The `MockConfig` that `config_to_json` wrote."""
    return loads(MockConfig, text)


class InProcessMock:
    """The Workers AI mock without sockets: one app, one journal, one snippet at a time per process.

    Its state is built from `config` as `MockServer` builds its own (`mock_state`): scenarios, OpenAPI
    documents and the body limit answer the same; an unreadable document raises `OpenApiError`."""

    def __init__(self, config: MockConfig | None = None, catalog: Catalog | None = None) -> None:
        self.config = config or MockConfig()
        self.hosts = frozenset(h.lower() for h in self.config.hosts)
        self.journal = Journal()
        self.registry = Registry()
        self._state = mock_state(self.config, catalog or Catalog.load(), self.journal, self.registry, Path())
        self._app = build_app(self._state)
        self._token: str | None = None
        self._ports = itertools.count(1)
        self._local = threading.local()
        self._portal_loop: asyncio.AbstractEventLoop | None = None
        self._portal_pid = 0
        self._portal_lock = threading.Lock()

    @property
    def errors(self) -> list[BaseException]:
        """Bugs of the mock met while answering (as `MockServer.check` reports them)."""
        return self._state.errors

    def claim(self, snippet_id: str) -> None:
        """Requests answered from now on are recorded as sent by `snippet_id`."""
        self._token = self.registry.register(snippet_id)

    def serves(self, scheme: str, host: str, port: int | None) -> bool:
        """Whether the proxy would pass this on: any host (an API, else a simulated origin) on a valid port."""
        return bool(host) and 0 < (port or 443) < 65536

    def refuse(self, method: str, url: str, path: str, headers: Headers, where: str) -> Answer:
        """Records a `blocked` request (as the proxy does) and returns the proxy's 403."""
        message = refusal(sorted(self.hosts), where)
        snippet_id = self.registry.snippet_of(self._token)
        self.journal.record(blocked_entry(snippet_id, method, url, path, list(headers), message))
        body = (message + "\n").encode()
        return Answer(
            403, (("Content-Type", "text/plain"), ("Content-Length", str(len(body))), ("Connection", "close")), body
        )

    def answer(self, method: str, url: str, headers: Headers, body: bytes) -> Answer:
        """Hands one request to the app and waits for its whole answer."""
        work = self.answer_async(method, url, headers, body)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._own_loop().run_until_complete(work)
        return asyncio.run_coroutine_threadsafe(work, self._portal()).result(ANSWER_TIMEOUT_S)

    async def answer_async(self, method: str, url: str, headers: Headers, body: bytes) -> Answer:
        """`answer` on the caller's own event loop."""
        parts = urlsplit(url)
        port = next(self._ports)
        tunnel = Tunnel(self._token, parts.netloc.rpartition("@")[2].lower(), parts.scheme)
        self.registry.open_tunnel(port, tunnel)
        try:
            return await self._call(method, parts.path or "/", parts.query, headers, body, port)
        finally:
            self.registry.close_tunnel(port, tunnel)

    async def _call(self, method: str, path: str, query: str, headers: Headers, body: bytes, port: int) -> Answer:
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method.upper(),
            "scheme": "http",
            "path": unquote(path),
            "raw_path": path.encode("latin-1"),
            "query_string": query.encode("latin-1"),
            "root_path": "",
            "client": ("127.0.0.1", port),
            "server": ("127.0.0.1", 0),
            "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        }
        done = asyncio.Event()
        sent = False
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()

        await self._app(scope, receive, send)
        done.set()
        app_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])]
        return Answer(int(start.get("status", 500)), _as_uvicorn_sends(app_headers), b"".join(chunks))

    def close(self) -> None:
        """Closes the calling thread's loop (a warm process calls it before it forks)."""
        loop = getattr(self._local, "loop", None)
        if loop is not None and self._local.pid == os.getpid():
            loop.close()
        self._local.loop = None

    def _own_loop(self) -> asyncio.AbstractEventLoop:
        loop = getattr(self._local, "loop", None)
        if loop is None or self._local.pid != os.getpid():
            loop = asyncio.new_event_loop()
            self._local.loop, self._local.pid = loop, os.getpid()
        return loop

    def _portal(self) -> asyncio.AbstractEventLoop:
        with self._portal_lock:
            if self._portal_loop is None or self._portal_pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="harness-inprocess-mock", daemon=True).start()
                self._portal_loop, self._portal_pid = loop, os.getpid()
            return self._portal_loop


def _as_uvicorn_sends(headers: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The headers as they leave uvicorn: its `date` and `server` first, chunked when no length is set."""
    front = [("date", email.utils.formatdate(usegmt=True)), ("server", "uvicorn")]
    names = {k.lower() for k, _ in headers}
    tail = [] if "content-length" in names else [("transfer-encoding", "chunked")]
    return tuple(front + headers + tail)
