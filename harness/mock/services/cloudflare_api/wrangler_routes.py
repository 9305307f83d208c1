"""What wrangler asks of the Cloudflare API beyond what the contract's generated answers give.

Asked before the contract (`CloudflareApiService` hands each request here first); `None` lets the
contract answer. Served here:
- D1's SQL (`POST .../d1/database/{id}/query`, `/raw`, and `/import`'s init -> upload -> ingest ->
  poll, which `d1 execute --file --remote` uses) executed by `d1_engine`, on the databases the run
  created (an id the run never created is D1's 7404 once the run created any);
- list pages past the end (`?page=2`): wrangler pages through a list until a short page, and the
  contract's answer is the whole list on every page;
- a Vectorize metadata index created or deleted as wrangler sends it (`vectorize create-metadata-index`):
  `{"propertyName", "indexType"}`, the names Cloudflare's published API schema gives them, where the
  contract (generated for the Python SDK) has `property_name`, `index_type`; a body in the contract's
  names is the contract's to answer.
Every request is recorded in the journal, as the contract's are.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from harness.generated_values import generated_id
from harness.mock.inference import Reply
from harness.mock.services.cloudflare_api.d1_engine import SQL_ERROR, D1Engine, D1Error
from harness.mock.services.cloudflare_api.names import PREFIX, VIA
from harness.mock.services.cloudflare_api.pages_assets import PagesRoutes
from harness.mock.services.cloudflare_api.values import stable_id
from harness.mock.state import MockState, credentials, page_of, record

if TYPE_CHECKING:
    from harness.mock.services.cloudflare_api.service import CloudflareApi

_D1 = re.compile(r"^/accounts/(?P<account>[^/]+)/d1/database/(?P<id>[^/]+)/(?P<action>query|raw|import)$")
_KV_VALUE = re.compile(r"^/accounts/(?P<account>[^/]+)/storage/kv/namespaces/(?P<ns>[^/]+)/values/(?P<key>[^/]+)$")
KEY_NOT_FOUND = (10009, "get: 'key not found'")
_SERVICE = re.compile(r"^/accounts/(?P<account>[^/]+)/workers/services/(?P<name>[^/]+)$")
_DEPLOYMENTS = re.compile(r"^/accounts/(?P<account>[^/]+)/workers/scripts/(?P<name>[^/]+)/deployments$")
_VERSIONS = re.compile(r"^/accounts/(?P<account>[^/]+)/workers/scripts/(?P<name>[^/]+)/versions$")
_SCRIPT = re.compile(r"^/accounts/(?P<account>[^/]+)/workers/scripts/(?P<name>[^/]+)$")
WORKER_NOT_FOUND = (10007, "This Worker does not exist on your account.")
_UPLOAD = re.compile(r"^/accounts/(?P<account>[^/]+)/d1/database/(?P<id>[^/]+)/harness-upload/(?P<name>[^/]+)$")
NOT_FOUND = 7404
_METADATA_INDEX = re.compile(r"^/accounts/(?P<account>[^/]+)/vectorize/v2/indexes/[^/]+/metadata_index/"
                             r"(?P<action>create|delete)$")
_INDEX_TYPES = ("string", "number", "boolean")
AUTH = (10000, "Authentication error")


class WranglerRoutes:
    """The routes above, for one mock: its state, the contract service's store, and the SQL engine."""

    def __init__(self, state: MockState, api: CloudflareApi) -> None:
        self.state = state
        self.api = api
        self.engine = D1Engine()
        self.uploads: dict[str, bytes] = {}
        self.scripts: set[str] = set()
        self.kv: dict[tuple[str, str], bytes] = {}
        self.pages = PagesRoutes(state, api)

    async def handle(self, request: Request) -> Response | None:
        """The answer to `request`, or None when the contract's answer stands."""
        sub = request.url.path[len(PREFIX):]
        upload = _UPLOAD.match(sub)
        if upload and request.method == "PUT":
            return await self._upload(request, upload["name"])
        kv = _KV_VALUE.match(sub)
        if kv and request.method in ("PUT", "GET"):
            return await self._kv_value(request, kv["account"], kv["ns"], kv["key"])
        if (pages := await self.pages.handle(request, sub)) is not None:
            return pages
        service = _SERVICE.match(sub)
        if service and request.method == "GET":
            return await self._service(request, service["account"], service["name"])
        deployments = _DEPLOYMENTS.match(sub)
        if deployments and request.method == "GET":
            return await self._deployments(request, deployments["account"], deployments["name"])
        versions = _VERSIONS.match(sub)
        if versions and request.method == "POST":
            return await self._version(request, versions["name"])
        script = _SCRIPT.match(sub)
        if script and request.method == "PUT":
            answer = await self.api.handle(request)
            if answer.status_code == 200:
                self.scripts.add(script["name"])
            return answer
        metadata = _METADATA_INDEX.match(sub)
        if metadata and request.method == "POST":
            indexed = await self._metadata_index(request, metadata["account"], metadata["action"])
            if indexed is not None:
                return indexed
        d1 = _D1.match(sub)
        if d1 and request.method == "POST":
            return await self._d1(request, d1["account"], d1["id"], d1["action"])
        if request.method == "GET" and request.query_params.get("page", "1").isdigit() \
                and int(request.query_params.get("page", "1")) > 1:
            return await self._later_page(request)
        return None

    async def _reply(self, request: Request, reply: Reply, result: Any, body: Any = None) -> Response:
        await record(request, self.state, VIA, reply, json=body)
        if reply.errors:
            return JSONResponse(reply.envelope(), status_code=reply.status)
        return JSONResponse({"success": True, "errors": [], "messages": [], "result": result})

    async def _d1(self, request: Request, account: str, database_id: str, action: str) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        if not credentials(request, self.state) or account != self.state.account_id:
            return await self._reply(request, Reply.failure(403, *AUTH), None, body)
        if not isinstance(body, dict):
            return await self._reply(request, Reply.failure(400, 1001, "body: not a JSON object"), None, body)
        collection = f"/accounts/{account}/d1/database"
        held = self.api.store.items.get(collection)
        if held and database_id == generated_id("{database_id}") and database_id not in held:
            # the id the reader pasted from `d1 create`: the newest database the page made
            database_id = self.api.store.newest(collection, page_of(request, self.state)) or database_id
        if held is not None and database_id not in held:
            return await self._reply(request, Reply.failure(404, NOT_FOUND, f"The database {database_id} "
                                                            "could not be found"), None, body)
        if action == "import":
            return await self._import(request, account, database_id, body)
        sql, params = body.get("sql"), body.get("params")
        if not isinstance(sql, str):
            return await self._reply(request, Reply.failure(400, 1001, "body: sql is required"), None, body)
        try:
            results = self.engine.execute(database_id, sql, params if isinstance(params, list) else None)
        except D1Error as error:
            return await self._reply(request, Reply.failure(400, SQL_ERROR, str(error)), None, body)
        shaped = [r.as_raw() if action == "raw" else r.as_objects() for r in results]
        return await self._reply(request, Reply(200), shaped, body)

    async def _import(self, request: Request, account: str, database_id: str, body: dict[str, Any]) -> Response:
        """`d1 execute --file --remote`: init (where to upload), ingest (run the file), poll."""
        action = body.get("action")
        if action == "init":
            name = f"{body.get('etag', 'file')}.sql"
            url = f"https://api.cloudflare.com{PREFIX}/accounts/{account}/d1/database/{database_id}/harness-upload/{name}"
            return await self._reply(request, Reply(200), {"success": True, "upload_url": url, "filename": name}, body)
        if action == "ingest":
            sql = self.uploads.get(str(body.get("filename")), b"").decode("utf-8", "replace")
            try:
                results = self.engine.execute(database_id, sql)
            except D1Error as error:
                return await self._reply(request, Reply(200), {"success": True, "status": "error", "messages": [],
                                                               "errors": [str(error)], "at_bookmark": "0"}, body)
            meta = {"duration": sum(r.meta["duration"] for r in results),
                    "rows_read": sum(r.meta["rows_read"] for r in results),
                    "rows_written": sum(r.meta["rows_written"] for r in results),
                    "size_after": results[-1].meta["size_after"] if results else 0}
            done = {"success": True, "status": "complete", "messages": [], "at_bookmark": "1",
                    "result": {"num_queries": len(results), "final_bookmark": "1", "meta": meta}}
            return await self._reply(request, Reply(200), done, body)
        return await self._reply(request, Reply.failure(400, 1001, f"body: unknown import action {action!r}"),
                                 None, body)

    async def _kv_value(self, request: Request, account: str, namespace: str, key: str) -> Response | None:
        """A KV value written as the raw body (`kv key put`; the contract knows only the multipart form) and
        read back as it was written. A multipart write is the contract's."""
        sent = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "PUT" and sent == "multipart/form-data":
            return None
        if not credentials(request, self.state) or account != self.state.account_id:
            return await self._reply(request, Reply.failure(403, *AUTH), None)
        if request.method == "PUT":
            self.kv[(namespace, key)] = await request.body()
            return await self._reply(request, Reply(200), {})
        if (namespace, key) not in self.kv:
            return await self._reply(request, Reply.failure(404, *KEY_NOT_FOUND), None)
        await record(request, self.state, VIA, Reply(200))
        return Response(self.kv[(namespace, key)], media_type="application/octet-stream")

    async def _metadata_index(self, request: Request, account: str, action: str) -> Response | None:
        """A metadata index created or deleted in the published schema's names (`propertyName`, `indexType`),
        answered with the mutation id; None for a body in the contract's names."""
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return None
        if not isinstance(body, dict) or "propertyName" not in body:
            return None
        if not credentials(request, self.state) or account != self.state.account_id:
            return await self._reply(request, Reply.failure(403, *AUTH), None, body)
        problem = None
        if not isinstance(body["propertyName"], str) or not body["propertyName"]:
            problem = "body.propertyName: expected a non-empty string"
        elif action == "create" and body.get("indexType") not in _INDEX_TYPES:
            problem = f"body.indexType: expected one of {', '.join(_INDEX_TYPES)}, got {body.get('indexType')!r}"
        if problem is not None:
            return await self._reply(request, Reply.failure(400, 1001, problem), None, body)
        mutation = str(uuid.UUID(stable_id(f"{request.url.path}:{body['propertyName']}", "mutation")))
        return await self._reply(request, Reply(200), {"mutationId": mutation}, body)

    async def _service(self, request: Request, account: str, name: str) -> Response:
        """A Worker's service (what `wrangler deploy` asks first): 10007 until a script of that name is uploaded."""
        if not credentials(request, self.state) or account != self.state.account_id:
            return await self._reply(request, Reply.failure(403, *AUTH), None)
        if name not in self.scripts:
            return await self._reply(request, Reply.failure(404, *WORKER_NOT_FOUND), None)
        script = {"id": name, "tag": stable_id(name, "tag"), "etag": stable_id(name, "etag")}
        return await self._reply(request, Reply(200), {"id": name, "default_environment": {
            "environment": "production", "script": script}, "environments": [], "created_on": "2026-01-01T00:00:00Z"})

    async def _deployments(self, request: Request, account: str, name: str) -> Response:
        """A Worker's deployments, `{"deployments": [...]}` (the newest first): the one its upload made."""
        if not credentials(request, self.state) or account != self.state.account_id:
            return await self._reply(request, Reply.failure(403, *AUTH), None)
        if name not in self.scripts:
            return await self._reply(request, Reply.failure(404, *WORKER_NOT_FOUND), None)
        version = {"version_id": stable_id(name, "version"), "percentage": 100}
        return await self._reply(request, Reply(200), {"deployments": [{
            "id": stable_id(name, "deployment"), "source": "wrangler", "strategy": "percentage",
            "created_on": "2026-01-01T00:00:00Z", "author_email": "reader@example.com", "versions": [version]}]})

    async def _version(self, request: Request, name: str) -> Response:
        """A version upload (`wrangler deploy` of a Worker that exists): the contract's answer with the
        `resources` a version has (its script's etag and handlers, its runtime's compatibility date)."""
        answer = await self.api.handle(request)
        envelope = json.loads(bytes(answer.body)) if answer.status_code == 200 else None
        if not isinstance(envelope, dict) or not isinstance(envelope.get("result"), dict):
            return answer
        version_id = envelope["result"].get("id") or stable_id(name, "version")
        envelope["result"] = {"id": version_id, "number": 2, "startup_time_ms": 1,
                              "metadata": {"source": "wrangler", "author_email": "reader@example.com"},
                              "resources": {"script": {"etag": stable_id(name, version_id), "handlers": ["fetch"],
                                                       "last_deployed_from": "wrangler"},
                                            "script_runtime": {"compatibility_date": "2025-10-01",
                                                               "compatibility_flags": [], "usage_model": "standard"},
                                            "bindings": []}}
        return JSONResponse(envelope)

    async def _upload(self, request: Request, name: str) -> Response:
        """The upload URL `init` hands out (R2's presigned URL on the real service): keeps the file."""
        data = await request.body()
        self.uploads[name] = data
        await record(request, self.state, VIA, Reply(200))
        return Response(b"", headers={"ETag": f'"{hashlib.md5(data).hexdigest()}"'})  # noqa: S324 - R2's ETag

    async def _later_page(self, request: Request) -> Response | None:
        """Page 2 and on of a list: the contract's whole list, cut to the page asked for."""
        answer = await self.api.handle(request)
        try:
            envelope = json.loads(bytes(answer.body))
        except ValueError:
            return answer
        result = envelope.get("result") if isinstance(envelope, dict) else None
        if not isinstance(result, list):
            return answer
        page = int(request.query_params["page"])
        per_page_text = request.query_params.get("per_page", "")
        per_page = int(per_page_text) if per_page_text.isdigit() and int(per_page_text) > 0 else 20
        envelope["result"] = result[(page - 1) * per_page : page * per_page]
        if isinstance(envelope.get("result_info"), dict):
            envelope["result_info"].update(page=page, per_page=per_page, count=len(envelope["result"]))
        return JSONResponse(envelope, status_code=answer.status_code)
