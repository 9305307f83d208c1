"""A Vectorize metadata index as wrangler creates it (`propertyName`, `indexType`: the published schema's
names) is answered with a mutation id; the contract's own names stay the contract's; a wrong type is refused."""

from __future__ import annotations

import uuid

from starlette.testclient import TestClient

from .conftest import ACCOUNT, API, BEARER

INDEX = f"{API}/accounts/{ACCOUNT}/vectorize/v2/indexes/songs/metadata_index"


def test_wranglers_names_create_and_delete_an_index(client: TestClient) -> None:
    created = client.post(f"{INDEX}/create", headers=BEARER, json={"propertyName": "mood", "indexType": "string"})
    assert created.status_code == 200, created.text
    uuid.UUID(created.json()["result"]["mutationId"])
    deleted = client.post(f"{INDEX}/delete", headers=BEARER, json={"propertyName": "mood"})
    assert deleted.status_code == 200 and deleted.json()["success"] is True


def test_a_type_vectorize_does_not_index_is_refused(client: TestClient) -> None:
    refused = client.post(f"{INDEX}/create", headers=BEARER, json={"propertyName": "mood", "indexType": "date"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["message"] == (
        "body.indexType: expected one of string, number, boolean, got 'date'")
    no_token = client.post(f"{INDEX}/create", json={"propertyName": "mood", "indexType": "string"})
    assert no_token.status_code == 403


def test_the_contracts_names_are_the_contracts_to_answer(client: TestClient) -> None:
    # the contract keeps the wire names of a required aliased field (scripts/build_contract.py): Python's are refused
    answer = client.post(f"{INDEX}/create", headers=BEARER, json={"property_name": "mood", "index_type": "string"})
    assert answer.status_code == 400 and "'indexType' is a required property" in answer.text
