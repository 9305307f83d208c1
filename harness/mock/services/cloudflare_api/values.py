"""Deterministic values that fit a JSON Schema: the schema's example, else one built from its type.

Refs (`#/$defs/X`, `#/components/schemas/X`) resolve inside the schema resource that holds them (the
nearest `$id`, else the validation root). A field named like an identifier (`id`, `uid`, `*_id`, `tag`)
gets the id the caller chose, in the format the schema asks (a uuid, an integer), so a created resource
answers with its own id; nullable fields take their non-null branch, so an answer shows the shape of a
value. Every choice is checked with `jsonschema`: an `anyOf`/`oneOf` takes the first branch whose value
fits the whole (a `oneOf` value must fit exactly one), an optional property or array item that does not
fit its schema is left out, and recursion stops at the first repeated `$ref`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator

MAX_DEPTH = 10
"""Objects and arrays nested deeper than this keep only their required properties and no items."""
ID_NAMES = ("id", "uid", "uuid", "tag")


class _Missing:
    """No value can be made (a repeated `$ref`, the depth limit): an optional field is left out."""


MISSING = _Missing()


def stable_id(*parts: object) -> str:
    """A 32-hex id (Cloudflare's identifier shape) derived from `parts`."""
    return hashlib.md5("/".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def as_uuid(hex32: str) -> str:
    """A 32-hex id in the 8-4-4-4-12 form of a uuid."""
    h = stable_id(hex32) if len(hex32) != 32 else hex32
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _is_id(name: str) -> bool:
    return name in ID_NAMES or name.endswith("_id")


class Fitter:
    """Checks values against fragments of one validation root (validators cached per schema resource)."""

    def __init__(self) -> None:
        self._validators: dict[int, tuple[Mapping[str, Any], Draft202012Validator]] = {}

    def fits(self, value: Any, schema: Any, base: Mapping[str, Any]) -> bool:
        """Whether `value` fits `schema`, a fragment of the resource `base` (its refs resolve there)."""
        if value is MISSING:
            return False
        held = self._validators.get(id(base))
        if held is None:
            held = self._validators[id(base)] = (base, Draft202012Validator(base))
        try:
            return bool(held[1].evolve(schema=schema).is_valid(value))
        except Exception:  # noqa: BLE001 - a ref the schema cannot resolve: the value is taken as it is
            return True


class _Builder:
    def __init__(self, root: Mapping[str, Any], ident: str) -> None:
        self.root = root
        self.ident = ident
        self.fitter = Fitter()

    def deref(self, schema: Any, base: Mapping[str, Any], refs: frozenset[str]) -> tuple[Any, Any, frozenset[str]]:
        for _ in range(16):
            if isinstance(schema, Mapping) and isinstance(schema.get("$id"), str):
                base = schema
            ref = schema.get("$ref") if isinstance(schema, Mapping) else None
            if not isinstance(ref, str) or not ref.startswith("#/"):
                return schema, base, refs
            if ref in refs:
                return MISSING, base, refs
            refs = refs | {ref}
            target: Any = base if _holds(base, ref) else self.root
            for part in ref[2:].split("/"):
                key = part.replace("~1", "/").replace("~0", "~")
                target = target.get(key, {}) if isinstance(target, Mapping) else {}
            schema = target
        return schema, base, refs

    def value(self, schema: Any, base: Mapping[str, Any], ident: str, name: str, depth: int,
              refs: frozenset[str]) -> Any:
        schema, base, refs = self.deref(schema, base, refs)
        if schema is MISSING or not isinstance(schema, Mapping):
            return MISSING if schema is MISSING else None
        if "const" in schema:
            return schema["const"]
        for given in (schema.get("example"), *(schema.get("examples") or [])[:1], schema.get("default")):
            if given is not None and self.fitter.fits(given, schema, base):
                return given
        if schema.get("enum"):
            return next((e for e in schema["enum"] if e is not None), schema["enum"][0])
        if "allOf" in schema:
            return self._all_of(schema, base, ident, name, depth, refs)
        for key in ("anyOf", "oneOf"):
            if schema.get(key):
                return self._one_of(schema, key, base, ident, name, depth, refs)
        kind = schema.get("type", "object" if "properties" in schema else "array" if "items" in schema else None)
        kinds = kind if isinstance(kind, list) else [kind]
        for one in [k for k in kinds if k != "null"] or kinds:
            made = self._typed(str(one), schema, base, ident, name, depth, refs)
            if made is not MISSING:
                return made
        return MISSING

    def _all_of(self, schema: Mapping[str, Any], base: Mapping[str, Any], ident: str, name: str, depth: int,
                refs: frozenset[str]) -> Any:
        merged: dict[str, Any] = {}
        last: Any = MISSING
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        for part in [*schema["allOf"], *([rest] if "properties" in rest else [])]:
            last = self.value(part, base, ident, name, depth, refs)
            if isinstance(last, Mapping):
                merged.update(last)
        return merged if merged or isinstance(last, Mapping) else last

    def _one_of(self, schema: Mapping[str, Any], key: str, base: Mapping[str, Any], ident: str, name: str,
                depth: int, refs: frozenset[str]) -> Any:
        options = schema[key]
        real = [o for o in options if self.deref(o, base, refs)[0] not in (MISSING,)
                and (self.deref(o, base, refs)[0] or {}).get("type") != "null"]
        first: Any = MISSING
        for option in real:
            made = self.value(option, base, ident, name, depth, refs)
            if made is MISSING:
                continue
            first = made if first is MISSING else first
            if self.fitter.fits(made, schema, base):
                return made
        if first is MISSING and len(real) < len(options):
            return None  # only `null` is left
        return first

    def _typed(self, kind: str, schema: Mapping[str, Any], base: Mapping[str, Any], ident: str, name: str,
               depth: int, refs: frozenset[str]) -> Any:
        if kind == "object":
            return self._object(schema, base, ident, depth, refs)
        if kind == "array":
            return self._array(schema, base, ident, name, depth, refs)
        if kind == "string":
            return self._string(schema, base, name, ident)
        if kind in ("integer", "number"):
            return _number(schema, kind)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return ident if _is_id(name) else MISSING  # any value (an unschematized type): none is made up

    def _object(self, schema: Mapping[str, Any], base: Mapping[str, Any], ident: str, depth: int,
                refs: frozenset[str]) -> Any:
        properties = schema.get("properties") or {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        out: dict[str, Any] = {}
        for key, sub in properties.items():
            if depth >= MAX_DEPTH and key not in required:
                continue
            made = self.value(sub, base, ident, key, depth + 1, refs)
            if key in required:
                out[key] = None if made is MISSING else made
            elif made is not MISSING and self.fitter.fits(made, sub, base):
                out[key] = made
        extra = schema.get("additionalProperties")
        for key in required:
            if key not in out:
                made = self.value(extra, base, ident, key, depth + 1, refs) if isinstance(extra, Mapping) else MISSING
                out[key] = self._string({}, base, key, ident) if made is MISSING else made
        return out

    def _array(self, schema: Mapping[str, Any], base: Mapping[str, Any], ident: str, name: str, depth: int,
               refs: frozenset[str]) -> Any:
        least = int(schema.get("minItems", 0))
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list):
            return [self.value(p, base, ident, name, depth + 1, refs) for p in prefix]
        if depth >= MAX_DEPTH and not least:
            return []
        items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
        item = self.value(items, base, stable_id(ident, name), "", depth + 1, refs)
        if item is MISSING or not self.fitter.fits(item, items, base):
            return [] if not least or item is MISSING else [item] * least
        if least > 1 and schema.get("uniqueItems"):
            return [item, *[self.value(items, base, stable_id(ident, name, i), "", depth + 1, refs)
                            for i in range(1, least)]]
        return [item] * max(least, 1)

    def _string(self, schema: Mapping[str, Any], base: Mapping[str, Any], name: str, ident: str) -> str:
        candidates = _string_candidates(schema.get("format"), name, ident)
        if not any(k in schema for k in ("pattern", "minLength", "maxLength", "format")):
            return candidates[0]
        least = int(schema.get("minLength", 0))
        candidates += [c.ljust(least, "a") for c in candidates if len(c) < least]
        candidates += [c[: int(schema["maxLength"])] for c in list(candidates) if "maxLength" in schema]
        return next((c for c in candidates if self.fitter.fits(c, schema, base)), candidates[0])


def _holds(target: Any, ref: str) -> bool:
    head = ref[2:].split("/")[0]
    return isinstance(target, Mapping) and head in target


def _number(schema: Mapping[str, Any], kind: str) -> float | int:
    low = schema.get("minimum")
    if low is None and isinstance(schema.get("exclusiveMinimum"), int | float):
        low = schema["exclusiveMinimum"] + 1
    value = low if low is not None else 1
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if high is not None and value > high:
        value = high if "maximum" in schema else high - 1
    step = schema.get("multipleOf")
    if step:
        value = step * max(1, round(value / step))
    return int(value) if kind == "integer" else float(value)


def _string_candidates(fmt: Any, name: str, ident: str) -> list[str]:
    shaped = {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "time": "00:00:00Z",
              "uri": "https://example.com/", "url": "https://example.com/", "email": "user@example.com",
              "uuid": as_uuid(ident), "ipv4": "192.0.2.1", "ipv6": "2001:db8::1", "hostname": "example.com",
              "binary": "", "byte": "ZXhhbXBsZQ=="}
    first: list[str] = []
    if fmt in shaped:
        first.append(shaped[str(fmt)])
    elif name.endswith(("_on", "_at")):
        first.append(shaped["date-time"])
    elif name.endswith("url"):
        first.append(shaped["uri"])
    elif name == "email":
        first.append(shaped["email"])
    elif _is_id(name):
        first.append(ident)
    return [*first, name or "string", ident, as_uuid(ident), "example", "example.com", "1", "a", "2026-01-01",
            "192.0.2.1", "2026-01-01T00:00:00Z", "https://example.com/"]


def value_of(schema: Any, root: Mapping[str, Any], ident: str, name: str = "") -> Any:
    """A value that fits `schema` (refs resolve in `root`); `ident` is the id a field named like an
    identifier gets. None when nothing can be made."""
    builder = _Builder(root, ident)
    made = builder.value(schema, root, ident, name, 0, frozenset())
    return None if made is MISSING else made
