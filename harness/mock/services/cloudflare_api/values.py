"""Deterministic values that fit a JSON Schema: the schema's example, else one built from its type.

Refs (`#/$defs/X`, `#/components/schemas/X`) resolve inside the validation root. A field named like an
identifier (`id`, `uid`, `*_id`, `tag`) gets the id the caller chose, so a created resource answers
with its own id; nullable fields take their non-null branch, so an answer shows the shape of a value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 8
ID_NAMES = ("id", "uid", "uuid", "tag")


def stable_id(*parts: object) -> str:
    """A 32-hex id (Cloudflare's identifier shape) derived from `parts`."""
    return hashlib.md5("/".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def _deref(schema: Any, root: Mapping[str, Any]) -> Any:
    for _ in range(16):
        ref = schema.get("$ref") if isinstance(schema, Mapping) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return schema
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, Mapping) else {}
        schema = target
    return schema


def _is_id(name: str) -> bool:
    return name in ID_NAMES or name.endswith("_id")


def value_of(schema: Any, root: Mapping[str, Any], ident: str, name: str = "", depth: int = 0) -> Any:
    """A value that fits `schema`; `ident` is the id a field named like an identifier gets."""
    schema = _deref(schema, root)
    if not isinstance(schema, Mapping) or depth > MAX_DEPTH:
        return None
    for key in ("example", "const"):
        if key in schema:
            return schema[key]
    if schema.get("examples") and isinstance(schema["examples"], list):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    if schema.get("default") is not None:
        return schema["default"]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = value_of(part, root, ident, name, depth + 1)
            if isinstance(value, Mapping):
                merged.update(value)
        return merged
    for key in ("anyOf", "oneOf"):
        options = [o for o in schema.get(key) or [] if _deref(o, root).get("type") != "null"]
        if options:
            return value_of(options[0], root, ident, name, depth + 1)
    kind = schema.get("type", "object" if "properties" in schema else None)
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return _typed(str(kind), schema, root, ident, name, depth)


def _typed(kind: str, schema: Mapping[str, Any], root: Mapping[str, Any], ident: str, name: str, depth: int) -> Any:
    if kind == "object":
        properties = schema.get("properties") or {}
        return {key: value_of(sub, root, ident, key, depth + 1) for key, sub in properties.items()}
    if kind == "array":
        item = value_of(schema.get("items") or {}, root, stable_id(ident, name), "", depth + 1)
        return [] if item is None else [item]
    if kind == "string":
        return _string(schema.get("format"), name, ident)
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    return None


def _string(fmt: Any, name: str, ident: str) -> str:
    if fmt == "date-time" or name.endswith(("_on", "_at")):
        return "2026-01-01T00:00:00Z"
    if fmt == "date":
        return "2026-01-01"
    if fmt in ("uri", "url") or name.endswith("url"):
        return "https://example.com/"
    if fmt == "email" or name == "email":
        return "user@example.com"
    if _is_id(name):
        return ident
    return name or "string"
