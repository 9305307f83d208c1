"""A list operation that the contract types as one item answers an array of items, as the API does:
`wrangler ai finetune list` maps over the answer."""

from __future__ import annotations

from starlette.testclient import TestClient

from harness.mock.services.cloudflare_api.contract import load_contract

from .conftest import ACCOUNT, API, BEARER

FINETUNES = f"{API}/accounts/{ACCOUNT}/ai/finetunes"


def test_the_finetune_list_is_an_array_of_finetunes(client: TestClient) -> None:
    answer = client.get(FINETUNES, headers=BEARER).json()
    assert answer["success"] is True and isinstance(answer["result"], list)
    [item] = answer["result"]
    assert {"id", "name", "model", "created_at", "modified_at"} <= set(item)
    assert answer["result_info"]["count"] == 1


def test_only_item_typed_lists_change_envelope() -> None:
    contract = load_contract()
    finetunes = contract.match("GET", f"/accounts/{ACCOUNT}/ai/finetunes")
    buckets = contract.match("GET", f"/accounts/{ACCOUNT}/r2/buckets")  # `{buckets: [...]}`: a wrapper
    assert finetunes is not None and finetunes.route is not None and buckets is not None and buckets.route
    assert contract.envelope(finetunes.route) == "list"
    assert contract.envelope(buckets.route) == "result"
