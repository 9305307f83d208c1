"""Requests to Cloudflare's REST API: auth, routing, validation and the envelope, from the contract."""

from __future__ import annotations

from starlette.testclient import TestClient

from harness.mock.services.cloudflare_api import VIA, claims
from harness.mock.state import MockState

from .conftest import ACCOUNT, API, BEARER, KEY


def test_claims_every_v4_path_but_workers_ai() -> None:
    assert claims("POST", f"{API}/accounts/a/stream/copy")
    assert claims("POST", f"{API}/graphql")
    assert not claims("POST", f"{API}/accounts/a/ai/run/@cf/meta/llama-3-8b-instruct")
    assert not claims("GET", "/v1/a/g/workers-ai/x")


def test_both_auth_styles_are_accepted(client: TestClient) -> None:
    for headers in (BEARER, KEY):
        answer = client.get(f"{API}/accounts/{ACCOUNT}/gateway/lists", headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["success"] is True


def test_missing_and_wrong_credentials(client: TestClient) -> None:
    missing = client.get(f"{API}/accounts/{ACCOUNT}/gateway/lists")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["code"] == 9106
    wrong = client.get(f"{API}/accounts/{ACCOUNT}/gateway/lists", headers={"Authorization": "Bearer nope"})
    assert (wrong.status_code, wrong.json()["errors"][0]) == (403, {"code": 10000, "message": "Authentication error"})


def test_unknown_route_is_7003_and_7000(client: TestClient) -> None:
    answer = client.get(f"{API}/accounts/{ACCOUNT}/gateway/listz", headers=BEARER)
    assert answer.status_code == 400
    codes = [e["code"] for e in answer.json()["errors"]]
    assert codes == [7003, 7000]
    assert answer.json()["errors"][0]["message"] == (
        f"Could not route to {API}/accounts/{ACCOUNT}/gateway/listz, perhaps your object identifier is invalid?")


def test_half_written_placeholder_is_no_route(client: TestClient) -> None:
    answer = client.get(f"{API}/zones/%7Bzone_id/firewall/ua_rules", headers=BEARER)
    assert answer.json()["errors"][0]["code"] == 7003


def test_wrong_method_is_405(client: TestClient) -> None:
    answer = client.put(f"{API}/accounts/{ACCOUNT}/gateway/lists", headers=BEARER, json={})
    assert answer.status_code == 405
    assert answer.json()["errors"][0]["code"] == 7001


def test_body_that_breaks_the_schema_names_the_field(client: TestClient, state: MockState) -> None:
    answer = client.post(f"{API}/accounts/{ACCOUNT}/gateway/lists", headers=BEARER, json={"name": 5, "type": "IP"})
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    assert error["code"] == 1001
    assert "name" in error["message"] and "is not of type 'string'" in error["message"]
    entry = state.journal.all()[-1]
    assert (entry.via, entry.status, entry.json) == (VIA, 400, {"name": 5, "type": "IP"})
    assert entry.error is not None and "is not of type 'string'" in entry.error


def test_required_body_field_missing(client: TestClient) -> None:
    answer = client.post(f"{API}/accounts/{ACCOUNT}/gateway/lists", headers=BEARER, json={"type": "IP"})
    assert answer.status_code == 400
    assert "'name' is a required property" in answer.json()["errors"][0]["message"]


def test_query_is_coerced_then_validated(client: TestClient) -> None:
    good = client.get(f"{API}/zones?per_page=5&page=1", headers=BEARER)
    assert good.status_code == 200, good.text
    bad = client.get(f"{API}/zones?per_page=many", headers=BEARER)
    assert bad.status_code == 400
    assert "per_page" in bad.json()["errors"][0]["message"]


def test_list_has_result_info(client: TestClient) -> None:
    body = client.get(f"{API}/zones", headers=BEARER).json()
    assert isinstance(body["result"], list) and body["result"]
    assert body["result_info"]["count"] == len(body["result"])


def test_other_account_is_refused(client: TestClient) -> None:
    answer = client.get(f"{API}/accounts/{'0' * 32}/gateway/lists", headers=BEARER)
    assert answer.status_code == 403
