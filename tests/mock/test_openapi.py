"""Endpoints the mock does not model: answered from configured OpenAPI documents, else 404 in the
envelope; and the body size limit (413, 3006)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.mock.openapi import OpenApiError, load_document
from harness.mock.server import MockConfig, MockServer, MockStartupError
from harness.route import Route

from .helpers import AUTH, LLAMA, RUN_URL, journal_of, trust

API = "https://api.cloudflare.com/client/v4"
DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "servers": [{"url": "https://api.cloudflare.com/client/v4"}],
    "paths": {
        "/accounts/{account_id}/ai/models/search": {
            "get": {
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {
                                "example": {"success": True, "errors": [], "messages": [], "result": [{"name": "m"}]}
                            }
                        }
                    }
                }
            }
        },
        "/accounts/{account_id}/ai/finetunes": {
            "post": {
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/finetune"}}}
                },
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/envelope"}}}}
                },
            }
        },
    },
    "components": {
        "schemas": {
            "finetune": {
                "type": "object",
                "required": ["model", "name"],
                "properties": {"model": {"type": "string"}, "name": {"type": "string"}},
            },
            "envelope": {
                "allOf": [
                    {"properties": {"success": {"type": "boolean", "enum": [True]}, "errors": {"example": []}}},
                    {"properties": {"result": {"type": "object", "properties": {"id": {"type": "string",
                                                                                         "example": "ft-1"}}}}},
                ]
            },
        }
    },
}


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    path = tmp_path_factory.mktemp("openapi") / "cloudflare.json"
    path.write_text(json.dumps(DOCUMENT))
    with MockServer(MockConfig(openapi_docs=(path,), max_body_bytes=2000)) as server:
        yield server


def client(route: Route) -> httpx.Client:
    return httpx.Client(proxy=route.proxy_url, verify=trust(route), timeout=10, headers=AUTH)


def test_a_documented_path_is_answered_with_its_example(mock: MockServer, route: Route) -> None:
    with client(route) as http:
        response = http.get(f"{API}/accounts/abc/ai/models/search")

    assert response.status_code == 200 and response.json()["result"] == [{"name": "m"}]
    [entry] = journal_of(mock, route)
    assert (entry.via, entry.method, entry.status) == ("rest", "GET", 200)


def test_a_body_is_validated_and_the_answer_built_from_the_schema(mock: MockServer, route: Route) -> None:
    with client(route) as http:
        good = http.post(f"{API}/accounts/abc/ai/finetunes", json={"model": LLAMA, "name": "mine"})
        bad = http.post(f"{API}/accounts/abc/ai/finetunes", json={"model": LLAMA})

    assert good.status_code == 200 and good.json() == {"success": True, "errors": [], "result": {"id": "ft-1"}}
    assert bad.status_code == 400
    [error] = bad.json()["errors"]
    assert error["code"] == 1001 and "'name' is a required property" in error["message"]
    assert journal_of(mock, route)[-1].json == {"model": LLAMA}


def test_documented_paths_still_need_the_token(route: Route) -> None:
    with httpx.Client(proxy=route.proxy_url, verify=trust(route), timeout=10) as http:
        response = http.get(f"{API}/accounts/abc/ai/models/search")

    assert response.status_code == 401 and response.json()["errors"][0]["code"] == 10000


def test_an_undocumented_path_is_a_404_in_the_envelope_and_recorded(mock: MockServer, route: Route) -> None:
    with client(route) as http:  # every /client/v4 path is the Cloudflare API service's (tests/mock/cloudflare_api)
        response = http.delete("https://api.cloudflare.com/client/v3/zones/abc/dns_records/1")

    assert response.status_code == 404
    assert response.json()["success"] is False and response.json()["errors"][0]["code"] == 7003
    [entry] = journal_of(mock, route)
    assert (entry.method, entry.path, entry.status, entry.model) == ("DELETE", "/client/v3/zones/abc/dns_records/1",
                                                                     404, None)


def test_a_body_over_the_limit_is_413(mock: MockServer, route: Route) -> None:
    with client(route) as http:
        response = http.post(RUN_URL + LLAMA, json={"prompt": "x" * 3000})

    assert response.status_code == 413
    assert response.json()["errors"] == [{"code": 3006, "message": "Request is too large"}]


def test_max_tokens_over_the_documented_limit_is_a_400(route: Route) -> None:
    with client(route) as http:
        over = http.post(RUN_URL + LLAMA, json={"prompt": "hi", "max_tokens": 1801})
        at = http.post(RUN_URL + LLAMA, json={"prompt": "hi", "max_tokens": 1800})

    assert over.status_code == 400 and over.json()["errors"][0]["code"] == 5006
    assert "1801 is greater than the maximum of 1800" in over.json()["errors"][0]["message"]
    assert at.status_code == 200


def test_unreadable_documents_fail_start_up_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    other = tmp_path / "other.yaml"
    other.write_text("title: not openapi\n")

    with pytest.raises(MockStartupError, match="broken.json"):
        MockServer(MockConfig(openapi_docs=(broken,))).__enter__()
    with pytest.raises(OpenApiError, match="no `paths` table"):
        load_document(other)
