"""Collections that remember what a run created: create -> get/list -> update -> delete round-trip.

A template `T` is a collection when the contract also has an item template `T/{param}`. A POST to a
collection creates an item (the answer the schema gives, the request body's fields over it, a new
id); the item template's GET answers it, PUT/PATCH merge their body into it, DELETE forgets it. An id
that a collection of this run never held is answered 404 once the collection has been written to;
before that the world is taken to hold whatever a page names (a placeholder zone id, say). The id
the harness gave a placeholder named like the item's parameter (`{pcap_id}` for `.../pcaps/{pcap_id}`,
see `harness.generated_values`) stands for the item the reader created in an earlier step: it is
answered with the collection's newest item.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.generated_values import generated_id
from harness.mock.services.cloudflare_api.contract import Contract, Route
from harness.mock.services.cloudflare_api.values import stable_id

ID_KEYS = ("id", "uid", "uuid", "tag")


@dataclass(frozen=True)
class Outcome:
    """What the store says of one request: the result to answer, or that the item is unknown."""

    result: Any = None
    missing: bool = False
    listing: bool = False


@dataclass
class Store:
    """Items by concrete collection path (`/accounts/<id>/gateway/lists`), then by id."""

    contract: Contract
    items: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    created: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _item_route(self, collection: str) -> bool:
        child = collection.rstrip("/") + "/{"
        return any(r.template.startswith(child) and r.template.count("/") == collection.count("/") + 1
                   for r in self.contract.routes)

    def apply(self, route: Route, path: str, body: Any, generated: Any) -> Outcome:
        """The outcome of `route` on `path` (below `/client/v4`), given the schema's `generated` result."""
        parts = path.strip("/").split("/")
        segments = route.segments
        with self.lock:
            if route.method == "POST" and self._item_route(route.template):
                return Outcome(self._create("/" + "/".join(parts), body, generated))
            if route.method == "GET" and self._item_route(route.template):
                held = self.items.get("/" + "/".join(parts))
                return Outcome(list(held.values()) if held is not None else generated, listing=True)
            if len(segments) > 1 and segments[-1].startswith("{") and self._is_collection(segments):
                collection, placeholder_id = "/" + "/".join(parts[:-1]), generated_id(segments[-1])
                return self._on_item(collection, parts[-1], route.method, body, generated, placeholder_id)
        return Outcome(generated)

    def _is_collection(self, segments: tuple[str, ...]) -> bool:
        parent = "/" + "/".join(segments[:-1])
        return any(r.template == parent and r.method in ("POST", "GET") for r in self.contract.routes)

    def _create(self, collection: str, body: Any, generated: Any) -> Any:
        self.created += 1
        new_id = stable_id(collection, self.created)
        item = dict(generated) if isinstance(generated, Mapping) else {}
        if isinstance(body, Mapping):
            item.update({k: v for k, v in body.items() if not isinstance(item.get(k), Mapping) or
                         isinstance(v, Mapping)})
        key = next((k for k in ID_KEYS if k in item), "id")
        item[key] = new_id
        self.items.setdefault(collection, {})[new_id] = item
        return item if isinstance(generated, Mapping) or generated is None else generated

    def _on_item(
        self, collection: str, item_id: str, method: str, body: Any, generated: Any, placeholder_id: str
    ) -> Outcome:
        held = self.items.get(collection)
        if held is None:
            return Outcome(generated)
        if item_id == placeholder_id and item_id not in held and held:
            item_id = next(reversed(held))  # the page's placeholder for the id an earlier step created
        if item_id not in held:
            return Outcome(missing=True)
        if method == "DELETE":
            del held[item_id]
            return Outcome({"id": item_id})
        if method in ("PUT", "PATCH") and isinstance(body, Mapping):
            held[item_id].update(body)
        return Outcome(held[item_id])
