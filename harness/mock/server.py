"""`MockServer`: the mock and the services it hosts, as a context manager (`harness mock` serves one: see
`harness.mock.standalone`).

One asyncio event loop in a background thread serves three things: the Starlette app (uvicorn,
plain HTTP on `app_port`), the proxy front (`proxy_port`) and, optionally, a direct TLS port.
Sockets are bound in `__enter__` before the thread starts, so "port in use" raises right there;
start-up has a timeout; whatever was started is stopped again when start-up fails half way.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import socket
import tempfile
import threading
from pathlib import Path
from types import TracebackType

import uvicorn

from harness.errors import HarnessError
from harness.mock.app import MockState, build_app
from harness.mock.catalog import Catalog
from harness.mock.config import MockConfig as MockConfig  # noqa: PLC0414 - still importable from here
from harness.mock.config import mock_state
from harness.mock.journal import Journal
from harness.mock.openapi import OpenApiError
from harness.mock.proxy import ProxyFront
from harness.mock.registry import Registry
from harness.mock.tls import HostCertificates
from harness.route import Route

START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0


class MockStartupError(HarnessError):
    """The mock could not start (port in use, certificate, uvicorn); nothing was left running."""


class MockServerError(HarnessError):
    """The mock itself failed while serving (a bug in the mock, not in a snippet)."""


def _bind(host: str, port: int, what: str) -> socket.socket:
    # IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off only on sockets that say they are TCP,
    # and with it on every request after the first on a connection waited ~40 ms for a delayed ACK.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise MockStartupError(
            f"the mock cannot listen on {host}:{port} for its {what}: {exc.strerror or exc}"
        ) from exc
    return sock


class MockServer:
    """The Workers AI mock, running in a background thread while the `with` block lasts."""

    def __init__(
        self,
        config: MockConfig = MockConfig(),  # noqa: B008 - frozen, so a shared default is safe
        state_dir: Path | None = None,
        proxy_port: int = 0,
        app_port: int = 0,
        tls_port: int | None = None,
        host: str = "127.0.0.1",
        start_timeout_s: float = START_TIMEOUT_S,
    ) -> None:
        self.config = config
        self.host = host
        self.proxy_port = proxy_port
        self.app_port = app_port
        self.tls_port = tls_port
        self.journal = Journal()
        self.registry = Registry()
        self.catalog = Catalog.load()
        self.ca_file = Path()
        self._state_dir = state_dir
        self._own_dir: Path | None = None
        self._start_timeout_s = start_timeout_s
        self._sockets: list[socket.socket] = []
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._state: MockState | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> MockServer:
        try:
            self._start()
        except BaseException:
            self._shutdown()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._shutdown()
        if exc_type is None:
            self.check()

    def check(self) -> None:
        """Raises `MockServerError` when the mock hit a bug of its own while answering."""
        if self._state is not None and self._state.errors:
            errors = "; ".join(repr(e) for e in self._state.errors)
            raise MockServerError(f"the mock failed while answering requests: {errors}") from self._state.errors[0]

    def _start(self) -> None:
        if self._state_dir is None:
            self._own_dir = Path(tempfile.mkdtemp(prefix="harness-mock-"))
        directory = self._state_dir or self._own_dir
        assert directory is not None
        try:
            certificates = HostCertificates(directory, self.config.hosts)
        except OSError as exc:
            raise MockStartupError(f"the mock cannot write its certificates in {directory}: {exc}") from exc
        self.ca_file = certificates.files.ca_file
        wanted = {"app": self.app_port, "proxy": self.proxy_port, "TLS port": self.tls_port}
        for what, port in wanted.items():
            if port is not None:
                self._sockets.append(_bind(self.host, port, what))
        self.app_port = self._sockets[0].getsockname()[1]
        self.proxy_port = self._sockets[1].getsockname()[1]
        self.tls_port = self._sockets[2].getsockname()[1] if self.tls_port is not None else None
        try:
            self._state = mock_state(self.config, self.catalog, self.journal, self.registry, self.ca_file)
        except OpenApiError as exc:
            raise MockStartupError(str(exc)) from exc
        front = ProxyFront(self.config.hosts, self.app_port, self.registry, self.journal, certificates.context())
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._run, args=(front, ready), name="harness-mock", daemon=True)
        self._thread.start()
        try:
            ready.result(timeout=self._start_timeout_s)
        except concurrent.futures.TimeoutError as exc:
            raise MockStartupError(f"the mock did not start within {self._start_timeout_s:g}s") from exc
        except Exception as exc:
            raise MockStartupError(f"the mock failed to start: {exc}") from exc

    def _run(self, front: ProxyFront, ready: concurrent.futures.Future[None]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)  # this thread's own loop
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(front, ready))
        except BaseException as exc:  # surfaces in __enter__ (start-up) or check() (later)
            if not ready.done():
                ready.set_exception(exc)
            elif self._state is not None:
                self._state.errors.append(exc)
        finally:
            _finish(loop)

    async def _serve(self, front: ProxyFront, ready: concurrent.futures.Future[None]) -> None:
        assert self._state is not None and self._stop is not None
        app_sock, proxy_sock, *tls_socks = self._sockets
        config = uvicorn.Config(
            build_app(self._state),
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=5,
            timeout_graceful_shutdown=2,
        )
        web = uvicorn.Server(config)
        web_task = asyncio.create_task(_uvicorn(web, app_sock))
        servers = [await asyncio.start_server(front.handle_proxy, sock=proxy_sock, limit=1 << 16)]
        for tls_sock in tls_socks:
            servers.append(
                await asyncio.start_server(front.handle_direct, sock=tls_sock, ssl=front.tls, ssl_handshake_timeout=10)
            )
        while not web.started:
            if web_task.done():
                web_task.result()
                raise RuntimeError("uvicorn stopped during start-up")
            await asyncio.sleep(0.01)
        ready.set_result(None)
        await self._stop.wait()
        await _stop_accepting(self._sockets)
        for server in servers:
            server.close()
        await front.close()
        web.should_exit = True
        await web_task

    def _shutdown(self) -> None:
        if self._thread is not None:
            if self._loop is not None and self._stop is not None and self._thread.is_alive():
                self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(STOP_TIMEOUT_S)
            alive = self._thread.is_alive()
            self._thread = None
            if alive:
                raise MockServerError(f"the mock's thread did not stop within {STOP_TIMEOUT_S:g}s")
        for sock in self._sockets:
            sock.close()
        self._sockets.clear()
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)
            self._own_dir = None

    # -- snippets ----------------------------------------------------------------------------
    @property
    def connect_host(self) -> str:
        """The address clients on this machine use (127.0.0.1 when listening on all interfaces)."""
        return "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host

    def register(self, snippet_id: str) -> str:
        """A fresh URL-safe token that stands for `snippet_id` (proxy user name, binding header)."""
        return self.registry.register(snippet_id)

    def route(self, snippet_id: str) -> Route:
        """Registers `snippet_id` and says how its traffic reaches this mock."""
        token = self.register(snippet_id)
        host = self.connect_host
        return Route(
            token=token,
            proxy_url=f"http://{token}:x@{host}:{self.proxy_port}",
            ca_file=str(self.ca_file),
            mock_url=f"http://{host}:{self.app_port}",
        )


async def _stop_accepting(sockets: list[socket.socket]) -> None:
    """Stops accepting, then lets connections accepted a moment ago attach to their server.

    CPython 3.11 leaks a connection whose accept is still pending when its server closes
    (`Server._attach` asserts); so the listening sockets go quiet first, and close afterwards.
    """
    loop = asyncio.get_running_loop()
    for sock in sockets:
        loop.remove_reader(sock.fileno())
    for _ in range(3):
        await asyncio.sleep(0)


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """Cancels what is still pending (connections accepted while stopping), then closes `loop`."""
    try:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()


async def _uvicorn(web: uvicorn.Server, sock: socket.socket) -> None:
    try:
        await web.serve(sockets=[sock])
    except SystemExit as exc:  # uvicorn exits the process on start-up errors; we must not
        raise RuntimeError(f"uvicorn failed to start (exit {exc.code})") from exc
