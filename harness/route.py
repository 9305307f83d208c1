"""How a snippet's traffic reaches the simulated world: shared by the world (which hands routes out)
and the executors and runners (which point a runtime along one)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    """How a snippet's traffic reaches the mock: everything a runner needs to point a runtime at it."""

    token: str
    """Identifies the snippet to the mock (proxy user name, binding header)."""
    proxy_url: str
    """`http://<token>:x@127.0.0.1:<port>`: an HTTP proxy that tunnels to the mock."""
    ca_file: str
    """PEM file of the run's CA, which signed the mock's certificates."""
    mock_url: str
    """Plain-HTTP base URL of the mock's own app (`http://127.0.0.1:<port>`): binding and admin paths."""
