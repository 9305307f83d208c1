"""A Vectorize index for the Worker binding (`env.VECTORIZE.insert/upsert/query/queryById/getByIds/
deleteByIds/describe`, Vectorize V2 as `@cloudflare/workers-types` declares it), called by
`runners/worker/mock-binding.mjs` through `POST /__harness/binding/vectorize/{action}`.

Each snippet has its own indexes, by binding name, in memory. An index's `dimensions` and `metric`
come from the binding's configuration when it gives them (`dimensions`, `metric`: `cosine`,
`euclidean`, `dot-product`), else the first vector inserted sets the dimensions and the metric is
cosine (the default of `wrangler vectorize create --preset`s' models). A vector of other dimensions,
an id too long or a topK too large is refused with the message the service gives
(`VECTOR_INSERT_ERROR (code = 40012): ...`). `query` searches what was inserted: cosine similarity,
euclidean distance (nearest first) or dot product, with the metadata filter's `$eq`, `$ne`, `$in`,
`$nin`, `$lt`, `$lte`, `$gt`, `$gte`.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

METRICS = ("cosine", "euclidean", "dot-product")
MAX_ID_BYTES = 64
MAX_TOP_K = 100
MAX_TOP_K_WITH_VALUES = 50
"""topK's limits: with `returnValues` or `returnMetadata: "all"` the service caps it lower."""


class VectorizeError(Exception):
    """A call the service refuses; the message is the service's."""


@dataclass
class Index:
    """One index: its configuration and its vectors by id."""

    name: str
    dimensions: int | None
    """None until the first vector, when the configuration does not say."""
    metric: str
    vectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    """id -> `{id, values, metadata?, namespace?}`."""
    mutations: int = 0


def _checked_vector(index: Index, vector: Any, action: str) -> dict[str, Any]:
    code = "VECTOR_UPSERT_ERROR (code = 40013)" if action == "upsert" else "VECTOR_INSERT_ERROR (code = 40012)"
    if not isinstance(vector, dict) or not isinstance(vector.get("id"), str):
        raise VectorizeError(f"{code}: invalid vector: each vector needs a string `id` and `values`")
    vid, values = vector["id"], vector.get("values")
    if not vid or len(vid.encode()) > MAX_ID_BYTES:
        raise VectorizeError(f'{code}: invalid vector for id="{vid}", ids are 1 to {MAX_ID_BYTES} bytes')
    if isinstance(values, dict):  # a typed array arrives as {"0": x, ...}
        values = [values[k] for k in sorted(values, key=int)]
    if not isinstance(values, list) or not all(isinstance(v, (int, float)) for v in values):
        raise VectorizeError(f'{code}: invalid vector for id="{vid}", `values` must be a list of numbers')
    if index.dimensions is None:
        index.dimensions = len(values)
    if len(values) != index.dimensions:
        raise VectorizeError(f'{code}: invalid vector for id="{vid}", expected {index.dimensions} dimensions, '
                             f"and got {len(values)} dimensions")
    kept: dict[str, Any] = {"id": vid, "values": [float(v) for v in values]}
    if isinstance(vector.get("metadata"), dict):
        kept["metadata"] = vector["metadata"]
    if isinstance(vector.get("namespace"), str):
        kept["namespace"] = vector["namespace"]
    return kept


def _score(metric: str, a: list[float], b: list[float]) -> float:
    if metric == "euclidean":
        return math.dist(a, b)
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    if metric == "dot-product":
        return dot
    norm = math.hypot(*a) * math.hypot(*b)
    return dot / norm if norm else 0.0


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "$eq": lambda have, want: have == want,
    "$ne": lambda have, want: have != want,
    "$in": lambda have, want: isinstance(want, list) and have in want,
    "$nin": lambda have, want: isinstance(want, list) and have not in want,
    "$lt": lambda have, want: have is not None and have < want,
    "$lte": lambda have, want: have is not None and have <= want,
    "$gt": lambda have, want: have is not None and have > want,
    "$gte": lambda have, want: have is not None and have >= want,
}


def _matches_filter(metadata: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    for key, condition in wanted.items():
        have = metadata.get(key)
        tests = condition.items() if isinstance(condition, dict) else [("$eq", condition)]
        for operator, want in tests:
            if operator not in _COMPARE:
                raise VectorizeError(f"VECTOR_QUERY_ERROR (code = 40006): unsupported filter operator {operator}")
            try:
                if not _COMPARE[operator](have, want):
                    return False
            except TypeError:
                return False
    return True


def _shown(vector: dict[str, Any], values: bool, metadata: Any) -> dict[str, Any]:
    shown = {"id": vector["id"]}
    if values:
        shown["values"] = vector["values"]
    if metadata not in (False, "none", None) and "metadata" in vector:
        shown["metadata"] = vector["metadata"]
    if "namespace" in vector:
        shown["namespace"] = vector["namespace"]
    return shown


class Vectorize:
    """The indexes of every snippet, by (snippet id, binding name)."""

    def __init__(self) -> None:
        self._indexes: dict[tuple[str | None, str], Index] = {}

    def index(self, snippet: str | None, name: str, config: Mapping[str, Any]) -> Index:
        """The snippet's index bound as `name`, made on first use from `config`."""
        key = (snippet, name)
        if key not in self._indexes:
            metric = str(config.get("metric") or "cosine")
            if metric not in METRICS:
                raise VectorizeError(f"the index's metric {metric!r} is not one of {', '.join(METRICS)}")
            dimensions = config.get("dimensions")
            self._indexes[key] = Index(str(config.get("index_name") or name),
                                       int(dimensions) if dimensions else None, metric)
        return self._indexes[key]

    def call(self, index: Index, action: str, args: list[Any]) -> Any:
        """One binding call on `index`: its result as the binding returns it."""
        listed: list[Any] = args[0] if args and isinstance(args[0], list) else []
        if action in ("insert", "upsert"):
            vectors = [_checked_vector(index, v, action) for v in listed]
            for vector in vectors:
                if action == "upsert" or vector["id"] not in index.vectors:
                    index.vectors[vector["id"]] = vector
            return self._mutation(index)
        if action == "deleteByIds":
            for vid in listed:
                index.vectors.pop(vid, None)
            return self._mutation(index)
        if action == "getByIds":
            return [index.vectors[vid] for vid in listed if vid in index.vectors]
        if action == "describe":
            return {"vectorCount": len(index.vectors), "dimensions": index.dimensions or 0,
                    "processedUpToDatetime": 0, "processedUpToMutation": index.mutations}
        if action == "queryById":
            found = index.vectors.get(args[0] if args else "")
            if found is None:
                return {"count": 0, "matches": []}
            return self.query(index, found["values"], args[1] if len(args) > 1 else {})
        if action == "query":
            return self.query(index, args[0] if args else None, args[1] if len(args) > 1 else {})
        raise VectorizeError(f"the Vectorize binding has no method {action!r}")

    @staticmethod
    def _mutation(index: Index) -> dict[str, str]:
        index.mutations += 1
        return {"mutationId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{index.name}/{index.mutations}"))}

    @staticmethod
    def query(index: Index, vector: Any, options: Any) -> dict[str, Any]:
        """The `topK` nearest vectors to `vector` that pass the filter (`VectorizeMatches`)."""
        options = options if isinstance(options, dict) else {}
        if isinstance(vector, dict):
            vector = [vector[k] for k in sorted(vector, key=int)]
        if not isinstance(vector, list) or not all(isinstance(v, (int, float)) for v in vector):
            raise VectorizeError("VECTOR_QUERY_ERROR (code = 40006): the query vector must be a list of numbers")
        if index.dimensions is not None and len(vector) != index.dimensions:
            raise VectorizeError(f"VECTOR_QUERY_ERROR (code = 40006): invalid query vector, expected "
                                 f"{index.dimensions} dimensions, and got {len(vector)} dimensions")
        values, metadata = bool(options.get("returnValues")), options.get("returnMetadata", "none")
        top_k = options.get("topK", 5)
        limit = MAX_TOP_K_WITH_VALUES if values or metadata in (True, "all") else MAX_TOP_K
        if not isinstance(top_k, int) or not 1 <= top_k <= limit:
            raise VectorizeError(f"VECTOR_QUERY_ERROR (code = 40025): invalid topK {top_k}, "
                                 f"expected a number from 1 to {limit} with these return options")
        wanted = options.get("filter") if isinstance(options.get("filter"), dict) else {}
        namespace = options.get("namespace")
        found = [v for v in index.vectors.values()
                 if (namespace is None or v.get("namespace") == namespace)
                 and _matches_filter(v.get("metadata", {}), wanted)]
        scored = sorted(((_score(index.metric, [float(x) for x in vector], v["values"]), v) for v in found),
                        key=lambda pair: pair[0], reverse=index.metric != "euclidean")[:top_k]
        matches = [{**_shown(v, values, metadata), "score": score} for score, v in scored]
        return {"count": len(matches), "matches": matches}
