"""The mock's Vectorize index (`harness.mock.binding_vectorize`): what was inserted is what a query
searches, by the index's metric, and the service's refusals keep their messages; its Stream library,
and Browser Rendering's quick actions."""

from __future__ import annotations

import json

import pytest

from harness.mock.binding_browser import quick_action
from harness.mock.binding_stream import Stream, StreamError
from harness.mock.binding_vectorize import Index, Vectorize, VectorizeError

VECTORS = [
    {"id": "east", "values": [1.0, 0.0], "metadata": {"kind": "road", "lanes": 2}},
    {"id": "north", "values": [0.0, 3.0], "metadata": {"kind": "river", "lanes": 0}},
    {"id": "north-east", "values": [2.0, 2.0], "metadata": {"kind": "road", "lanes": 4}},
]


def loaded(metric: str, dimensions: int | None = None) -> tuple[Vectorize, Index]:
    store = Vectorize()
    config = {"metric": metric, **({"dimensions": dimensions} if dimensions else {})}
    index = store.index("page.md::g1::1", "IDX", config)
    store.call(index, "insert", [VECTORS])
    return store, index


@pytest.mark.parametrize(("metric", "order", "first_score"), [
    ("cosine", ["east", "north-east", "north"], 1.0),
    ("euclidean", ["east", "north-east", "north"], 0.0),  # distance: nearest first
    ("dot-product", ["north-east", "east", "north"], 2.0),
])
def test_query_ranks_by_the_metric(metric: str, order: list[str], first_score: float) -> None:
    store, index = loaded(metric)
    found = store.call(index, "query", [[1.0, 0.0], {"topK": 3}])
    assert [m["id"] for m in found["matches"]] == order
    assert found["count"] == 3 and found["matches"][0]["score"] == pytest.approx(first_score)
    assert "values" not in found["matches"][0] and "metadata" not in found["matches"][0]


def test_query_filters_and_returns_what_is_asked() -> None:
    store, index = loaded("cosine")
    found = store.call(index, "query", [[1.0, 0.0], {"topK": 5, "returnValues": True, "returnMetadata": "all",
                                                     "filter": {"kind": "road", "lanes": {"$gte": 3}}}])
    assert found["matches"] == [{"id": "north-east", "values": [2.0, 2.0], "score": pytest.approx(0.7071, abs=1e-4),
                                 "metadata": {"kind": "road", "lanes": 4}}]


def test_dimensions_are_checked_against_the_index() -> None:
    store, index = loaded("cosine", dimensions=2)
    with pytest.raises(VectorizeError, match=r'^VECTOR_INSERT_ERROR \(code = 40012\): invalid vector for id="x", '
                                             r"expected 2 dimensions, and got 3 dimensions$"):
        store.call(index, "insert", [[{"id": "x", "values": [1, 2, 3]}]])
    with pytest.raises(VectorizeError, match="expected 2 dimensions, and got 1"):
        store.call(index, "query", [[1.0], {}])
    with pytest.raises(VectorizeError, match="invalid topK 51"):
        store.call(index, "query", [[1.0, 0.0], {"topK": 51, "returnValues": True}])


def test_an_index_without_configured_dimensions_takes_the_first_vectors() -> None:
    store, index = loaded("cosine")
    assert store.call(index, "describe", [])["dimensions"] == 2
    with pytest.raises(VectorizeError, match="expected 2 dimensions"):
        store.call(index, "upsert", [[{"id": "y", "values": [1.0]}]])


def test_insert_keeps_upsert_replaces_delete_removes() -> None:
    store, index = loaded("cosine")
    store.call(index, "insert", [[{"id": "east", "values": [5.0, 5.0]}]])
    assert store.call(index, "getByIds", [["east"]])[0]["values"] == [1.0, 0.0]
    store.call(index, "upsert", [[{"id": "east", "values": [5.0, 5.0]}]])
    assert store.call(index, "getByIds", [["east", "gone"]]) == [{"id": "east", "values": [5.0, 5.0]}]
    mutation = store.call(index, "deleteByIds", [["east", "north"]])
    assert set(mutation) == {"mutationId"}
    described = store.call(index, "describe", [])
    assert (described["vectorCount"], described["processedUpToMutation"]) == (1, 4)


def test_each_snippet_has_its_own_index() -> None:
    store, _ = loaded("cosine")
    other = store.index("page.md::g2::1", "IDX", {})
    assert store.call(other, "query", [[1.0, 0.0], {}]) == {"count": 0, "matches": []}


def test_stream_refuses_a_second_upload_of_one_url_and_unknown_videos() -> None:
    stream = Stream()
    video = stream.call("s", "upload", ["https://media.example.com/a.mp4", {"meta": {"team": "x"}}])
    assert (video["meta"], video["readyToStream"]) == ({"name": "a.mp4", "team": "x"}, True)
    assert stream.call("s", "details", [video["id"]]) == video
    assert stream.call("other", "list", [{}]) == []
    with pytest.raises(StreamError, match="already uploaded") as refused:
        stream.call("s", "upload", ["https://media.example.com/a.mp4"])
    assert refused.value.name == "AlreadyUploadedError"
    stream.call("s", "delete", [video["id"]])
    with pytest.raises(StreamError, match="no video") as missing:
        stream.call("s", "details", [video["id"]])
    assert missing.value.name == "NotFoundError"


def test_browser_quick_actions_answer_as_the_rest_endpoints() -> None:
    status, kind, markdown = quick_action("markdown", {"html": "<h1>Hi</h1><p>there</p>"})
    assert (status, kind, json.loads(markdown)) == (200, "application/json",
                                                    {"success": True, "result": "# Hi\n\nthere", "errors": []})
    schema = {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "string"}}},
              "required": ["items"]}
    _, _, shaped = quick_action("json", {"url": "https://example.com/", "response_format": {"schema": schema}})
    assert isinstance(json.loads(shaped)["result"]["items"], list)
    status, kind, image = quick_action("screenshot", {"url": "https://example.com/"})
    assert (status, kind, image[:4]) == (200, "image/png", b"\x89PNG")
    status, _, refused = quick_action("markdown", {})
    assert (status, json.loads(refused)["errors"][0]["message"]) == (400, "either `url` or `html` is required")
