"""The contract: built from the SDK's source (one module here; `make contract` does all), or indexed from
a published OpenAPI document whose refs point into `components`; routed and validated the same way."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.errors import HarnessError
from harness.mock.services.cloudflare_api.contract import Contract, load_contract
from harness.mock.services.cloudflare_api.store import ContractFiles, write_contract

ROOT = Path(__file__).resolve().parents[3]
PUBLISHED: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Cloudflare API", "version": "4.0.0"},
    "servers": [{"url": "https://api.cloudflare.com/client/v4"}],
    "paths": {
        "/zones/{zone_id}/pets": {
            "parameters": [{"name": "zone_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"result": {"$ref": "#/components/schemas/Pet"}}}}}}},
            },
        },
    },
    "components": {"schemas": {"Pet": {"type": "object", "required": ["name"],
                                       "properties": {"name": {"type": "string"}, "id": {"type": "string"}}}}},
}


@pytest.fixture(scope="module")
def builder() -> Any:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        return importlib.import_module("build_contract")
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def test_a_published_document_is_indexed_and_its_component_refs_resolve(tmp_path: Path) -> None:
    document = {**PUBLISHED, "info": {**PUBLISHED["info"], "x-source": "published test document"}}
    assert write_contract(document, tmp_path / "c") == 1
    contract = Contract(ContractFiles(tmp_path / "c"))
    assert contract.source == "published test document"
    match = contract.match("POST", "/zones/abc/pets")
    assert match is not None and match.route is not None and match.params == {"zone_id": "abc"}
    assert contract.problem(match.route, "body", {"name": "rex"}) is None
    assert contract.problem(match.route, "body", {}) == "body: 'name' is a required property"
    assert contract.match("GET", "/zones/abc/pets") == type(match)(None, {"zone_id": "abc"}, ("POST",))


def test_a_missing_contract_is_a_harness_error(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="make contract"):
        ContractFiles(tmp_path / "nothing")


def test_the_sdk_source_gives_method_path_params_and_envelope(builder: Any) -> None:
    import cloudflare

    source = Path(cloudflare.__file__).parent / "resources/zero_trust/gateway/lists/lists.py"
    calls = {(c.method, c.template): c for c in builder._calls(source, "zero_trust.gateway.lists.lists")}
    create = calls[("post", "/accounts/{account_id}/gateway/lists")]
    assert create.body_keys == ["name", "type", "description", "items"] and create.envelope == "result"
    listing = calls[("get", "/accounts/{account_id}/gateway/lists")]
    assert listing.envelope == "list" and "order_by" in (listing.query_keys or [])
    module = importlib.import_module("cloudflare.resources.zero_trust.gateway.lists.lists")
    operation = builder._operation(create, module)
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert sorted(body["required"]) == ["name", "type"] and "account_id" not in body["properties"]
    assert [p["name"] for p in operation["parameters"]] == ["account_id"]


def test_a_list_answer_to_a_post_keeps_its_method(builder: Any) -> None:
    import cloudflare

    # `self._get_api_list(path_template("/accounts/{account_id}/ai/tomarkdown"), ..., method="post")`
    source = Path(cloudflare.__file__).parent / "resources/ai/to_markdown.py"
    calls = {(c.method, c.template) for c in builder._calls(source, "ai.to_markdown")}
    assert ("post", "/accounts/{account_id}/ai/tomarkdown") in calls
    assert ("get", "/accounts/{account_id}/ai/tomarkdown") not in calls
    assert ("get", "/accounts/{account_id}/ai/tomarkdown/supported") in calls


def test_the_installed_contract_takes_a_listing_post_also_by_get() -> None:
    # Log Explorer's SQL: the SDK POSTs it, the published docs GET it with `--url-query query=...`
    contract = load_contract()
    sql = "/zones/abc/logs/explorer/query/sql"
    post, get = contract.match("POST", sql), contract.match("GET", sql)
    assert post is not None and post.route is not None and get is not None and get.route is not None
    lists = "/zones/abc/dns_records"  # a list of its own keeps its own GET
    assert contract.operation(contract.match("GET", lists).route)["operationId"].endswith(".list")  # type: ignore[union-attr]


def test_wire_names_replace_python_names(builder: Any) -> None:
    from cloudflare.types.stream import copy_create_params

    schema = builder._schema(copy_create_params.CopyCreateParams, "validation", ["allowed_origins", "url"],
                             {"account_id"}, "stream.copy.create", "body")
    assert set(schema["properties"]) == {"allowedOrigins", "url"}


def test_a_required_field_keeps_its_wire_name_and_stays_required(builder: Any) -> None:
    from cloudflare.types.stream import direct_upload_create_params

    # `Required[Annotated[int, PropertyInfo(alias="maxDurationSeconds")]]`: the alias sits inside `Required`
    schema = builder._schema(direct_upload_create_params.DirectUploadCreateParams, "validation", None,
                             {"account_id"}, "stream.direct_upload.create", "body")
    assert schema["required"] == ["maxDurationSeconds"]
    assert "maxDurationSeconds" in schema["properties"] and "max_duration_seconds" not in schema["properties"]


def test_the_installed_contract_records_its_source() -> None:
    contract = load_contract()
    assert contract.source.startswith("PyPI package cloudflare==5.9.0")
    assert len(contract.routes) > 2000


def test_a_published_document_answers_with_its_example(tmp_path: Path) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from harness.mock.services.cloudflare_api import CloudflareApi

    from .conftest import BEARER, CONFIG, Catalog, Journal, Registry, mock_state

    document = json.loads(json.dumps(PUBLISHED))
    document["paths"]["/zones/{zone_id}/pets"]["post"]["responses"]["200"]["content"]["application/json"]["example"] = {
        "success": True, "errors": [], "messages": [], "result": {"name": "documented", "id": "p1"}}
    write_contract(document, tmp_path / "c")
    api = CloudflareApi(mock_state(CONFIG, Catalog.load(), Journal(), Registry(), Path()),
                        Contract(ContractFiles(tmp_path / "c")))

    async def endpoint(request: Any) -> Any:
        return await api.handle(request)

    client = TestClient(Starlette(routes=[Route("/client/v4/{rest:path}", endpoint, methods=["GET", "POST"])]))
    answer = client.post("/client/v4/zones/abc/pets", headers=BEARER, json={"name": "rex"})
    assert answer.status_code == 200 and answer.json()["success"] is True
    assert answer.json()["result"] == {"name": "documented", "id": "p1"}
    refused = client.post("/client/v4/zones/abc/pets", headers=BEARER, json={"name": 1})
    assert refused.json()["errors"] == [{"code": 1001, "message": "body.name: 1 is not of type 'string'"}]
