"""GET ai/models/search: the catalog as the service lists it, behind the same auth."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from harness.mock.server import MockConfig, MockServer

BASE = "https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/ai/models/search"
AUTH = {"Authorization": "Bearer harness-test-token"}


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(MockConfig()) as server:
        yield server


def get(mock: MockServer, query: str = "", headers: dict[str, str] | None = None) -> requests.Response:
    route = mock.route("t.md::g1::search")
    return requests.get(BASE + query, headers=AUTH if headers is None else headers,
                        proxies={"https": route.proxy_url}, verify=route.ca_file, timeout=10)


def test_lists_models_of_a_task_by_display_name(mock: MockServer) -> None:
    answer = get(mock, "?task=Text%20Embeddings")
    body = answer.json()
    assert answer.status_code == 200 and body["success"] is True
    names = [m["name"] for m in body["result"]]
    assert "@cf/baai/bge-base-en-v1.5" in names
    assert {m["task"]["name"] for m in body["result"]} == {"Text Embeddings"}


def test_search_and_paging(mock: MockServer) -> None:
    everything = [m["name"] for m in get(mock, "?search=llama&per_page=500").json()["result"]]
    assert everything and all("llama" in name for name in everything)
    first = [m["name"] for m in get(mock, "?search=llama&per_page=2&page=1").json()["result"]]
    second = [m["name"] for m in get(mock, "?search=llama&per_page=2&page=2").json()["result"]]
    assert first + second == everything[:4]
    info = get(mock, "?search=llama&per_page=2&page=2").json()["result_info"]
    assert info == {"count": 2, "page": 2, "per_page": 2, "total_count": len(everything)}


def test_needs_the_token_and_is_recorded(mock: MockServer) -> None:
    assert get(mock, headers={}).status_code == 401
    entries = [e for e in mock.journal.for_snippet("t.md::g1::search") if e.path.endswith("/models/search")]
    assert entries and entries[-1].status == 401 and entries[-1].method == "GET"
