"""The services the mock hosts, registered in one place.

A `Service` is one API or world the mock pretends to be: Workers AI, Cloudflare's REST API, the
simulated origin of every other host. It owns its routes (which hosts and paths it claims) and,
optionally, the Worker binding endpoints under `/__harness/binding/`. What every service shares
(hosts, TLS, the proxy, the CA, the state, the token registry, the journal) lives beside this
package in `harness.mock`.

A request goes to the first service, by `rank`, that claims its host and has a route matching its
path (a route matching the path but not the method still claims it, and answers 405). Built-in
services are listed in `BUILT_IN`; a third-party package adds one by naming a `Service` in the
`harness.services` entry-point group. Adding an API is one module (or folder) plus one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from starlette.routing import BaseRoute

if TYPE_CHECKING:
    from harness.mock.state import MockState

ENTRY_POINT_GROUP = "harness.services"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
"""The methods a catch-all route of a service takes (its own code answers the ones it does not serve)."""

BUILT_IN: tuple[str, ...] = (
    "harness.mock.services.workers_ai",
    "harness.mock.services.turnstile",
    "harness.mock.services.cloudflare_api",
    "harness.mock.services.api_fallback",
    "harness.mock.services.origin",
)
"""Modules of the built-in services, each exposing `SERVICE`."""


@runtime_checkable
class Service(Protocol):
    """One service of the mock: a name, a rank, the hosts it claims and its routes."""

    name: str
    """Its name (what a third party registers it as; the simulated origin's journal `via`)."""
    rank: int
    """Order among services: lower ranks are asked first (Workers AI 10, Cloudflare API 50,
    the API fallback 90, the simulated origin 100; a third party's default is 40)."""

    def claims(self, host: str, state: MockState) -> bool:
        """Whether requests to `host` (lower case, no port) may be this service's."""

    def routes(self, state: MockState) -> Sequence[BaseRoute]:
        """Its routes, serving `state`: a request whose path none of them matches goes on to the next service."""

    def binding_routes(self, state: MockState) -> Sequence[BaseRoute]:
        """Routes below `/__harness/binding/` (a Worker binding's door into the mock), or none."""


class ServicePluginError(Exception):
    """A service (built in or from the `harness.services` entry-point group) that does not load."""


def _checked(loaded: object, what: str) -> Service:
    if not isinstance(loaded, Service):
        raise ServicePluginError(f"{what} is not a harness.mock.services.Service")
    return loaded


def _built_in(module_name: str) -> Service:
    return _checked(getattr(importlib.import_module(module_name), "SERVICE", None), f"{module_name}.SERVICE")


@cache
def services() -> tuple[Service, ...]:
    """Every service, built in and registered by installed packages, in the order they are asked."""
    found = [_built_in(name) for name in BUILT_IN]
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
        except Exception as error:
            raise ServicePluginError(f"service {entry.name!r} ({entry.value}) fails to load: {error}") from error
        found.append(_checked(loaded, f"service {entry.name!r} ({entry.value})"))
    return tuple(sorted(found, key=lambda s: s.rank))
