"""Cloudflare's REST API, from its contract (see `service` for how a request is answered).

`SERVICE` is the mock's service for it (`harness.mock.services.Service`): every `/client/v4/...` path of
api.cloudflare.com that Workers AI does not serve. An OpenAPI document the user configured answers
the paths it describes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from harness.mock.services import ALL_METHODS
from harness.mock.services.api_fallback import documented
from harness.mock.services.cloudflare_api.names import VIA
from harness.mock.services.cloudflare_api.service import CloudflareApi, claims
from harness.mock.services.cloudflare_api.wrangler_routes import WranglerRoutes

if TYPE_CHECKING:
    from harness.mock.state import MockState

__all__ = ["SERVICE", "VIA", "CloudflareApi", "CloudflareApiService", "claims"]


class CloudflareApiService:
    """The service host's view of this service: `api.cloudflare.com`, every `/client/v4/...` path."""

    name = VIA
    rank = 50

    def claims(self, host: str, state: MockState) -> bool:
        """Requests to api.cloudflare.com (the first API host when a client speaks to the mock directly)."""
        return host == "api.cloudflare.com"

    def routes(self, state: MockState) -> Sequence[BaseRoute]:
        api = CloudflareApi(state)
        wrangler = WranglerRoutes(state, api)  # D1's SQL and list pages, as wrangler uses them

        async def endpoint(request: Request) -> Response:
            if (answer := await wrangler.handle(request)) is not None:
                return answer
            if state.openapi is not None and state.openapi.find(request.method, request.url.path) is not None:
                return await documented(request, state)  # a document the user configured wins over the contract
            return await api.handle(request)

        return [Route("/client/v4/{rest:path}", endpoint, methods=ALL_METHODS)]

    def binding_routes(self, state: MockState) -> Sequence[BaseRoute]:
        return []


SERVICE = CloudflareApiService()
