"""What `wrangler pages deploy` asks beyond the contract: a project by its name (the contract's store keys
items by a new id, Pages by name), the upload token, and the asset upload endpoints under `/pages/assets/`
that take that token instead of the account's. The deployment itself is the contract's.
"""

from __future__ import annotations

import base64
import json
import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from harness.mock.inference import Reply
from harness.mock.services.cloudflare_api.names import VIA
from harness.mock.state import MockState, credentials, record

if TYPE_CHECKING:
    from harness.mock.services.cloudflare_api.service import CloudflareApi

_PROJECT = re.compile(r"^/accounts/(?P<account>[^/]+)/pages/projects/(?P<name>[^/]+)(?P<token>/upload-token)?$")
_ASSETS = re.compile(r"^/pages/assets/(?P<action>check-missing|upload|upsert-hashes)$")
PROJECT_NOT_FOUND = (8000007, "Project not found. The specified project name does not match any of your "
                              "existing projects.")
UNAUTHORIZED = (8000013, "Authorization failed")


def _upload_token() -> str:
    """A JWT of the shape wrangler reads its claims from (`max_file_count_allowed`, `exp`); not signed."""
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({'max_file_count_allowed': 20000, 'exp': 4102444800})}.x"


UPLOAD_TOKEN = _upload_token()


class PagesRoutes:
    """The routes above, for one mock."""

    def __init__(self, state: MockState, api: CloudflareApi) -> None:
        self.state = state
        self.api = api

    async def handle(self, request: Request, sub: str) -> Response | None:
        """The answer to `request` (path `sub`, below `/client/v4`), or None when the contract's stands."""
        project = _PROJECT.match(sub)
        if project and request.method == "GET":
            return await self._project(request, project["account"], project["name"], bool(project["token"]))
        assets = _ASSETS.match(sub)
        if assets and request.method == "POST":
            return await self._assets(request, assets["action"])
        return None

    async def _reply(self, request: Request, reply: Reply, result: Any, body: Any = None) -> Response:
        await record(request, self.state, VIA, reply, json=body)
        if reply.errors:
            return JSONResponse(reply.envelope(), status_code=reply.status)
        return JSONResponse({"success": True, "errors": [], "messages": [], "result": result})

    async def _project(self, request: Request, account: str, name: str, token: bool) -> Response:
        if not credentials(request, self.state) or account != self.state.account_id:
            return await self._reply(request, Reply.failure(403, 10000, "Authentication error"), None)
        held = self.api.store.items.get(f"/accounts/{account}/pages/projects") or {}
        found = next((item for item in held.values() if item.get("name") == name), None)
        if found is None:
            return await self._reply(request, Reply.failure(404, *PROJECT_NOT_FOUND), None)
        return await self._reply(request, Reply(200), {"jwt": UPLOAD_TOKEN} if token else found)

    async def _assets(self, request: Request, action: str) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if request.headers.get("authorization", "") != f"Bearer {UPLOAD_TOKEN}":
            return await self._reply(request, Reply.failure(401, *UNAUTHORIZED), None, body)
        if action == "check-missing":
            hashes = body.get("hashes") if isinstance(body, dict) else None
            return await self._reply(request, Reply(200), hashes if isinstance(hashes, list) else [], body)
        count = len(body) if action == "upload" and isinstance(body, list) else None
        return await self._reply(request, Reply(200), {"successful_key_count": count} if count is not None else None,
                                 None if action == "upload" else body)
