"""Other api.cloudflare.com endpoints, from OpenAPI documents named in configuration.

A request the mock does not model itself is looked up in the documents, in order: the path is
matched against each document's paths below its first server's path (`/client/v4` for
Cloudflare's schema; `{params}` stand for one path segment). A JSON request body is validated
against the operation's `application/json` request schema; the answer is the first 2xx response's
`example` (or first of `examples`), else a value built from its schema (`example`, `default`,
`enum`, then the type). A body that does not fit is answered 400 in the envelope, with code 1001
(the harness's choice: Cloudflare's schema names no codes) and the schema violation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from harness.mock.catalog import explain

INVALID_BODY = 1001
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class OpenApiError(ValueError):
    """An OpenAPI document cannot be read (names the file)."""


@dataclass(frozen=True)
class Operation:
    """One method on one path of a document."""

    method: str
    template: str
    """The path as the document writes it (`/accounts/{account_id}/ai/models/search`)."""
    pattern: re.Pattern[str]
    spec: Mapping[str, Any]
    document: Mapping[str, Any]


@dataclass(frozen=True)
class OpenApiAnswer:
    """What the mock answers to a request of a documented operation."""

    status: int
    body: Any
    problem: str | None = None
    """The schema violation of the request body, if any (status is then 400)."""


def _base_path(document: Mapping[str, Any]) -> str:
    servers = document.get("servers") or [{}]
    return urlsplit(str(servers[0].get("url", ""))).path.rstrip("/")


def _operations(document: Mapping[str, Any]) -> list[Operation]:
    base = _base_path(document)
    found = []
    for template, item in (document.get("paths") or {}).items():
        parts = re.split(r"(\{[^}/]+\})", base + template)
        regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
        for method in METHODS:
            if isinstance(item, Mapping) and isinstance(item.get(method), Mapping):
                found.append(Operation(method.upper(), template, re.compile(regex + "/?"), item[method], document))
    return found


def load_document(path: Path) -> Mapping[str, Any]:
    """An OpenAPI document from a JSON or YAML file."""
    try:
        text = path.read_text("utf-8")
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise OpenApiError(f"{path}: cannot read this OpenAPI document: {exc}") from exc
    if not isinstance(document, Mapping) or not isinstance(document.get("paths"), Mapping):
        raise OpenApiError(f"{path}: not an OpenAPI document (no `paths` table)")
    return document


class OpenApiRoutes:
    """The operations of some OpenAPI documents, first document first."""

    def __init__(self, documents: Sequence[Mapping[str, Any]]) -> None:
        self.operations = [op for document in documents for op in _operations(document)]

    def find(self, method: str, path: str) -> Operation | None:
        """The operation serving `method path`; a path template without params wins over one with."""
        matches = [op for op in self.operations if op.method == method.upper() and op.pattern.fullmatch(path)]
        return min(matches, key=lambda op: op.template.count("{"), default=None)

    def answer(self, operation: Operation, body: Any) -> OpenApiAnswer:
        """Validates `body` (when the operation takes JSON) and builds the documented answer."""
        schema = _json_schema(operation.spec.get("requestBody"), operation.document)
        if schema is not None and body is not None:
            error = best_match(Draft202012Validator(_resolved(schema, operation.document)).iter_errors(body))
            if error is not None:
                return OpenApiAnswer(400, None, explain(error))
        responses = operation.spec.get("responses") or {}
        status = next((code for code in responses if str(code).startswith("2")), "200")
        content = (_deref(responses.get(status) or {}, operation.document).get("content") or {})
        media = _deref(content.get("application/json") or {}, operation.document)
        if "example" in media:
            return OpenApiAnswer(int(status), media["example"])
        if media.get("examples"):
            first = _deref(next(iter(media["examples"].values())), operation.document)
            return OpenApiAnswer(int(status), first.get("value"))
        return OpenApiAnswer(int(status), example_of(media.get("schema") or {}, operation.document))


def _deref(node: Any, document: Mapping[str, Any], depth: int = 0) -> Any:
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and depth < 32:
        target: Any = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, Mapping) else {}
        node, depth = target, depth + 1
    return node


def _resolved(node: Any, document: Mapping[str, Any], depth: int = 0) -> Any:
    """`node` with every `$ref` replaced (OpenAPI refs point into the document, not a schema root)."""
    node = _deref(node, document)
    if depth > 24:
        return {}
    if isinstance(node, Mapping):
        return {k: _resolved(v, document, depth + 1) for k, v in node.items() if k not in ("nullable", "x-auditable")}
    if isinstance(node, list):
        return [_resolved(v, document, depth + 1) for v in node]
    return node


def _json_schema(request_body: Any, document: Mapping[str, Any]) -> Any:
    content = _deref(request_body or {}, document).get("content") or {}
    return _deref(content.get("application/json") or {}, document).get("schema")


def example_of(schema: Any, document: Mapping[str, Any], depth: int = 0) -> Any:
    """A value that fits `schema`: its example, default or first enum value, else one by type."""
    schema = _deref(schema, document)
    if not isinstance(schema, Mapping) or depth > 12:
        return None
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_of(part, document, depth + 1)
            if isinstance(value, Mapping):
                merged.update(value)
        return merged
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return example_of(schema[key][0], document, depth + 1)
    kind = schema.get("type", "object" if "properties" in schema else None)
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: example_of(sub, document, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        return [example_of(schema.get("items") or {}, document, depth + 1)]
    return {"string": "string", "integer": 0, "number": 0, "boolean": True}.get(str(kind))
