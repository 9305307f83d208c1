"""Who sent what: snippet tokens, and which internal connection belongs to which token.

The proxy front terminates a client's tunnel and opens its own TCP connection to the app; before
it pipes a single byte it records `local port of that connection -> Tunnel(token, host, scheme)`.
The app reads `request.scope["client"][1]` and asks `tunnel_for(port)`. Tokens are random,
URL-safe and fresh for every registration, so parallel snippets never share one.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Tunnel:
    """What the proxy knows about one internal connection to the app."""

    token: str | None
    """The token from `Proxy-Authorization` (None when the client sent none)."""
    host: str
    """The host the client asked for (`api.cloudflare.com`)."""
    scheme: str = "https"
    direct: bool = False
    """A connection to the mock's own TLS port (not through the proxy): a local name means the API."""
    connection: str | None = None
    """The `Connection` header the client sent with a plain-HTTP proxy request (the proxy forwards
    `close` in its place, so that the app answers one request per tunnel); the journal records this."""


class Registry:
    """Thread-safe maps token -> snippet id and internal connection port -> `Tunnel`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snippets: dict[str, str] = {}
        self._tunnels: dict[int, Tunnel] = {}

    def register(self, snippet_id: str) -> str:
        """A fresh token (`s` + 12 hex digits) that stands for `snippet_id`."""
        with self._lock:
            while (token := "s" + secrets.token_hex(6)) in self._snippets:
                pass
            self._snippets[token] = snippet_id
            return token

    def snippet_of(self, token: str | None) -> str | None:
        """The snippet a token stands for; None for no token or an unknown one."""
        if token is None:
            return None
        with self._lock:
            return self._snippets.get(token)

    def open_tunnel(self, port: int, tunnel: Tunnel) -> None:
        """Remembers who is behind the internal connection from local `port`."""
        with self._lock:
            self._tunnels[port] = tunnel

    def close_tunnel(self, port: int, tunnel: Tunnel) -> None:
        """Forgets `port`, unless it was reused by a newer tunnel meanwhile."""
        with self._lock:
            if self._tunnels.get(port) is tunnel:
                del self._tunnels[port]

    def tunnel_for(self, port: int) -> Tunnel | None:
        """The tunnel behind an internal connection, or None for a direct client of the app."""
        with self._lock:
            return self._tunnels.get(port)
