"""The contract at request time: which operation serves `METHOD /path`, the closest real routes of a
path that none serves, and each operation's validators, compiled when first needed.

Templates are matched segment by segment (a `{param}` matches any one segment; a template with more
literal segments wins). Validation uses `jsonschema` (Draft 2020-12) on the contract's own schemas.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from harness.mock.services.cloudflare_api.names import PREFIX as PREFIX
from harness.mock.services.cloudflare_api.store import ContractFiles, default_dir


@dataclass(frozen=True)
class Route:
    """One operation of the contract: method, template (below `/client/v4`) and its number."""

    method: str
    template: str
    number: int

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.template.strip("/").split("/"))


@dataclass(frozen=True)
class Match:
    """What the contract says of `METHOD /path`."""

    route: Route | None
    """The operation serving it, or None."""
    params: Mapping[str, str]
    """Path parameters by name."""
    allowed: tuple[str, ...] = ()
    """When only the method is wrong: the methods the path's template has."""


def _fits(segments: tuple[str, ...], parts: list[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for template_part, part in zip(segments, parts, strict=True):
        if template_part.startswith("{") and template_part.endswith("}") and template_part.count("{") == 1:
            if not part:
                return None
            params[template_part[1:-1]] = part
        elif "{" in template_part:  # `{id}.png`, `{event_t}.{event_n}`
            found = _segment_pattern(template_part).fullmatch(part)
            if found is None:
                return None
            params.update(found.groupdict())
        elif template_part != part:
            return None
    return params


@cache
def _segment_pattern(segment: str) -> re.Pattern[str]:
    """A regex of a segment that mixes parameters and text (`{event_t}.{event_n}`)."""
    pieces = re.split(r"\{(\w+)\}", segment)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(pieces)))


def _literal_count(route: Route) -> int:
    return sum(not s.startswith("{") for s in route.segments)


class Contract:
    """The routes of a contract folder, by segment count, and validators compiled per operation."""

    def __init__(self, files: ContractFiles) -> None:
        self.files = files
        self.routes = [Route(m, t, n) for m, t, n in files.operations]
        self._by_length: dict[int, list[Route]] = {}
        for route in sorted(self.routes, key=_literal_count, reverse=True):
            self._by_length.setdefault(len(route.segments), []).append(route)
        self._validators: dict[tuple[int, str], Draft202012Validator | None] = {}

    @property
    def source(self) -> str:
        return self.files.source

    def match(self, method: str, path: str) -> Match | None:
        """The operation for `method path` (path below `/client/v4`), a method mismatch, or None."""
        parts = path.strip("/").split("/")
        other: list[tuple[Route, dict[str, str]]] = []
        for route in self._by_length.get(len(parts), ()):
            params = _fits(route.segments, parts)
            if params is None:
                continue
            if route.method == method.upper():
                return Match(route, params)
            other.append((route, params))
        if not other:
            return None
        template = other[0][0].template
        allowed = tuple(sorted({r.method for r, _ in other if r.template == template}))
        return Match(None, other[0][1], allowed)

    def closest(self, path: str, count: int = 3) -> list[str]:
        """The templates nearest `path` by edit distance over segments (a param fits any one segment)."""
        parts = path.strip("/").split("/")
        near = {r.template for n in (len(parts) - 1, len(parts), len(parts) + 1) for r in self._by_length.get(n, ())}
        scored = sorted(near, key=lambda t: (_distance(parts, t), t))
        return scored[:count]

    def operation(self, route: Route) -> Mapping[str, Any]:
        return self.files.operation(route.number)

    def validator(self, route: Route, part: str) -> Draft202012Validator | None:
        """The validator of the request `body` or `query` of an operation (None: nothing to check)."""
        key = (route.number, part)
        if key not in self._validators:
            schema = self._schema(route, part)
            self._validators[key] = None if schema is None else Draft202012Validator(schema)
        return self._validators[key]

    def _schema(self, route: Route, part: str) -> Any:
        op = self.operation(route)
        if part == "body":
            content = (op.get("requestBody") or {}).get("content") or {}
            schema = next((m.get("schema") for m in content.values() if isinstance(m, Mapping)), None)
        else:
            props = {p["name"]: p.get("schema") or {} for p in op.get("parameters") or [] if p.get("in") == "query"}
            required = [p["name"] for p in op.get("parameters") or [] if p.get("in") == "query" and p.get("required")]
            defs = {k: v for sub in props.values() for k, v in (sub.get("$defs") or {}).items()}
            schema = {"type": "object", "properties": props, "required": required} if props else None
            if schema is not None and defs:  # each parameter's `#/$defs/X` resolves at the object's root
                schema["$defs"] = defs
        if not isinstance(schema, Mapping) or "x-unschematized" in schema:
            return None
        components = self.files.components()
        return {**schema, "components": components} if components else schema

    def response_schema(self, route: Route) -> tuple[Any, Any, Any]:
        """(schema, validation root, documented example or None) of the operation's 2xx JSON answer."""
        responses = self.operation(route).get("responses") or {}
        ok: Mapping[str, Any] = next((v for k, v in responses.items() if str(k).startswith("2")), {}) or {}
        media = (ok.get("content") or {}).get("application/json") or {}
        schema = media.get("schema")
        examples = [e.get("value") for e in (media.get("examples") or {}).values() if isinstance(e, Mapping)]
        example = media.get("example", examples[0] if examples else None)
        return schema, {**(schema or {}), "components": self.files.components()}, example

    def envelope(self, route: Route) -> str:
        """The operation's `x-envelope` (`result`, `list`, `raw`, ...), `list` for a list operation (`*.list`)
        whose result the contract types as one item (an object with a required `id`): the API answers an
        array of them (`ai.finetunes.list`, whose answer `wrangler ai finetune list` maps over)."""
        op = self.operation(route)
        envelope = str(op.get("x-envelope", "raw"))
        schema, _, _ = self.response_schema(route)
        if envelope == "result" and str(op.get("operationId", "")).endswith(".list") and isinstance(schema, Mapping) \
                and schema.get("type") == "object" and "id" in (schema.get("required") or ()):
            return "list"
        return envelope

    def answer_schema(self, route: Route) -> Mapping[str, Any] | None:
        """The JSON Schema the whole body of the operation's 200 answer fits (the envelope its
        `x-envelope` names around the result schema), or None when it has no JSON body (`none`,
        `binary`). Refs resolve inside it: the result schema keeps its own `$id` and `$defs`."""
        envelope = self.envelope(route)
        schema, _, _ = self.response_schema(route)
        if envelope in ("none", "binary"):
            return None
        result: Any = schema if isinstance(schema, Mapping) else {}
        if envelope == "raw":
            return {**result, "components": self.files.components()} if result else {}
        if envelope == "list":
            result = {"type": "array", "items": result}
        return {"type": "object", "required": ["success", "errors", "messages", "result"],
                "properties": {"success": {"const": True}, "errors": {"type": "array", "maxItems": 0},
                               "messages": {"type": "array"}, "result": result},
                "components": self.files.components()}

    def problem(self, route: Route, part: str, value: Any) -> str | None:
        """The schema's words for what is wrong with `value` (the body or the query), or None."""
        validator = self.validator(route, part)
        if validator is None:
            return None
        error = best_match(validator.iter_errors(value))
        if error is None:
            return None
        error = _narrowed(error)
        where = "/".join(str(p) for p in error.absolute_path)
        return f"{part}{'.' + where.replace('/', '.') if where else ''}: {error.message}"


def _distance(parts: list[str], template: str) -> float:
    segments = template.strip("/").split("/")
    rows = len(parts) + 1
    previous = [float(j) for j in range(len(segments) + 1)]
    for i in range(1, rows):
        current = [float(i)] + [0.0] * len(segments)
        for j, seg in enumerate(segments, start=1):
            cost = _segment_cost(seg, parts[i - 1])
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        previous = current
    return previous[-1]


def _narrowed(error: ValidationError) -> ValidationError:
    """For an `anyOf`/`oneOf` miss: the best error of the variant that came closest (fewest errors)."""
    while error.context:
        variants: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            variants.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = min(variants.values(), key=len)
        error = best_match(closest) or closest[0]
    return error


@cache
def _segment_cost(segment: str, part: str) -> float:
    """0 when `part` fits `segment` (equal, or any value for a `{param}`), else how unlike they are (0..1)."""
    if segment == part or segment.startswith("{"):
        return 0.0
    return 1.0 - difflib.SequenceMatcher(None, segment, part).ratio()


def load_contract(folder: Path | None = None) -> Contract:
    """The contract of `folder` (default: `default_dir()`, as the environment says now), read once per process."""
    return _loaded(folder or default_dir())


@cache
def _loaded(folder: Path) -> Contract:
    return Contract(ContractFiles(folder))
