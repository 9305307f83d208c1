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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.generated_values import generated_id
from harness.mock.services.cloudflare_api.contract import Contract, Route
from harness.mock.services.cloudflare_api.values import as_uuid, stable_id

ID_KEYS = ("id", "uid", "uuid", "tag")
Fits = Callable[[Any], bool]
"""Whether a value fits the result schema of the operation being answered."""


def _anything(value: Any) -> bool:
    return True


def overlay(base: Any, over: Mapping[str, Any], fits: Fits) -> Any:
    """`base` with each field of `over` laid over it that keeps it fitting (all of them when the whole
    fits): what a page sent or created shows in an answer as far as the answer's schema allows."""
    whole = {**base, **over} if isinstance(base, Mapping) else dict(over)
    if fits(whole) or not isinstance(base, Mapping):
        return whole
    out = dict(base)
    for key, value in over.items():
        trial = {**out, key: value}
        if fits(trial):
            out = trial
    return out


def new_id(old: Any, *parts: object) -> Any:
    """A fresh id in the shape of `old` (an integer, a uuid, else 32 hex)."""
    if isinstance(old, int) and not isinstance(old, bool):
        return 1000 + int(stable_id(*parts)[:6], 16)
    if isinstance(old, str) and len(old) == 36 and old.count("-") == 4:
        return as_uuid(stable_id(*parts))
    return stable_id(*parts)


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
    owners: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """The page whose snippet created each item, by (collection, id): where a page's placeholder id
    points when pages run side by side against one world."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _item_route(self, collection: str) -> bool:
        child = collection.rstrip("/") + "/{"
        return any(r.template.startswith(child) and r.template.count("/") == collection.count("/") + 1
                   for r in self.contract.routes)

    def apply(
        self, route: Route, path: str, body: Any, generated: Any, fits: Fits = _anything, owner: str | None = None
    ) -> Outcome:
        """The outcome of `route` on `path` (below `/client/v4`), given the schema's `generated` result;
        `fits` says whether a result fits the route's schema (an item's, for a listing); `owner` is the page
        of the snippet that sent it."""
        parts = path.strip("/").split("/")
        segments = route.segments
        with self.lock:
            if route.method == "POST" and self._item_route(route.template):
                return Outcome(self._create("/" + "/".join(parts), body, generated, fits, owner))
            if route.method == "GET" and self._item_route(route.template):
                held = self.items.get("/" + "/".join(parts))
                if held is None or not isinstance(generated, list):
                    return Outcome(generated, listing=True)
                shape = generated[0] if generated else {}
                return Outcome([overlay(shape, item, fits) for item in held.values()], listing=True)
            if len(segments) > 1 and segments[-1].startswith("{") and self._is_collection(segments):
                collection, placeholder_id = "/" + "/".join(parts[:-1]), generated_id(segments[-1])
                outcome = self._on_item(collection, parts[-1], route.method, body, generated, placeholder_id, owner)
                if isinstance(outcome.result, Mapping) and not fits(outcome.result):
                    return Outcome(overlay(generated, outcome.result, fits))
                return outcome
        return Outcome(generated)

    def _is_collection(self, segments: tuple[str, ...]) -> bool:
        parent = "/" + "/".join(segments[:-1])
        return any(r.template == parent and r.method in ("POST", "GET") for r in self.contract.routes)

    def _create(self, collection: str, body: Any, generated: Any, fits: Fits, owner: str | None) -> Any:
        self.created += 1
        item = dict(generated) if isinstance(generated, Mapping) else {}
        if isinstance(body, Mapping):
            item = overlay(item, {k: v for k, v in body.items() if not isinstance(item.get(k), Mapping) or
                                  isinstance(v, Mapping)}, fits)
        key = next((k for k in ID_KEYS if k in item), "id")
        item = overlay(item, {key: new_id(item.get(key), collection, self.created)}, fits)
        self.items.setdefault(collection, {})[str(item.get(key))] = item
        self.owners[(collection, str(item.get(key)))] = owner
        return item if isinstance(generated, Mapping) or generated is None else generated

    def newest(self, collection: str, owner: str | None) -> str | None:
        """The id a page's placeholder stands for: the newest item of `collection` its own snippets created,
        else the newest of all (another page, or the world's seed, made it)."""
        held = self.items.get(collection) or {}
        own = [item_id for item_id in held if self.owners.get((collection, item_id)) == owner]
        return own[-1] if own and owner is not None else next(reversed(held), None)

    def _on_item(
        self, collection: str, item_id: str, method: str, body: Any, generated: Any, placeholder_id: str,
        owner: str | None,
    ) -> Outcome:
        held = self.items.get(collection)
        if held is None:
            return Outcome(generated)
        if item_id == placeholder_id and item_id not in held and held:
            item_id = self.newest(collection, owner) or item_id  # the id an earlier step of the page created
        if item_id not in held:
            return Outcome(missing=True)
        if method == "DELETE":
            del held[item_id]
            return Outcome({"id": item_id})
        if method in ("PUT", "PATCH") and isinstance(body, Mapping):
            held[item_id] = {**held[item_id], **body}
        return Outcome(held[item_id])
