"""The contract the mock is fuzzed against: an OpenAPI document, with the answers written down.

`load_document(path)` takes any OpenAPI 3 document (JSON or YAML) as it is, e.g. the Cloudflare REST
contract generated at setup. Cloudflare's published Workers AI excerpt
(`../shared/api/workers-ai-run-openapi-excerpt.json`, beside the repository) is not a whole document: it
holds the run paths of several schema versions and the shared envelope. `workers_ai_document` makes one
from its newest paths and, from the mock's catalog, one operation per model (its task's input schema), so
the fuzzer reaches every task with inputs that fit, and with inputs that do not. Every operation's
answers are written from Cloudflare's envelope: 2xx is `{result, success: true, errors, messages}` (or an
SSE stream when asked for one), anything else is the failure envelope with at least one `{code, message}`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from harness.extract.placeholder_values import TEST_ACCOUNT_ID
from harness.mock.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
EXCERPT = ROOT.parent / "shared" / "api" / "workers-ai-run-openapi-excerpt.json"

MESSAGES: dict[str, Any] = {"type": "array", "items": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "integer", "minimum": 1000}, "message": {"type": "string"}}}}
FAILURE: dict[str, Any] = {
    "type": "object", "required": ["success", "errors", "messages"],
    "properties": {"success": {"const": False}, "errors": {**MESSAGES, "minItems": 1},
                   "messages": {"type": "array"}, "result": {"type": ["null", "object"], "maxProperties": 0}}}
"""Cloudflare's `api-response-common-failure`, as the excerpt gives it; `result`, which it leaves out,
is null or `{}` (what the service answers with 5006)."""


SSE_EVENT: dict[str, Any] = {
    "type": "object", "required": ["data"],
    "properties": {"data": {"type": "string", "pattern": r"^(\[DONE\]|\{[\s\S]*\})$"},
                   "event": {"type": "string"}}}
"""One event of a streamed answer: a JSON object per event, and `[DONE]` last."""


def success(result: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The success envelope around `result` (any JSON value when None)."""
    return {"type": "object", "required": ["result", "success", "errors", "messages"],
            "properties": {"result": dict(result or {}), "success": {"const": True},
                           "errors": {"type": "array", "maxItems": 0}, "messages": {"type": "array"}}}


def responses(result: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The answers every run operation may give."""
    return {
        "200": {"description": "the model's answer", "content": {
            "application/json": {"schema": success(result)},
            "text/event-stream": {"schema": SSE_EVENT},
            "image/*": {"schema": {"type": "string", "format": "binary"}},
            "audio/*": {"schema": {"type": "string", "format": "binary"}}}},
        "default": {"description": "the failure envelope",
                    "content": {"application/json": {"schema": FAILURE}}},
    }


ACCOUNT_PARAMETERS = ("account_id", "account_identifier")
"""Path parameters that name the account: pinned to the one the mock accepts (others get 403)."""


def _account_parameter(name: str = "account_id") -> dict[str, Any]:
    return {"in": "path", "name": name, "required": True, "schema": {"type": "string", "enum": [TEST_ACCOUNT_ID]}}


def pin_account(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with every account path parameter pinned to the test account (path-level and
    operation-level parameters alike)."""
    document = copy.deepcopy(document)
    for item in document.get("paths", {}).values():
        for holder in [item, *(op for op in item.values() if isinstance(op, dict))]:
            if isinstance(holder.get("parameters"), list):
                holder["parameters"] = [_account_parameter(p["name"]) if p.get("in") == "path"
                                        and p.get("name") in ACCOUNT_PARAMETERS else p
                                        for p in holder["parameters"]]
    return document


def _json_only(schema: Any) -> Any:
    """`schema` without `format: binary`: the excerpt puts raw-bytes alternatives in JSON bodies, which
    no JSON value can be (the raw body is its own `application/octet-stream` content)."""
    if isinstance(schema, dict):
        return {key: _json_only(value) for key, value in schema.items()
                if not (key == "format" and value == "binary")}
    if isinstance(schema, list):
        return [_json_only(item) for item in schema]
    return schema


def _with_envelope(operations: Mapping[str, Any]) -> dict[str, Any]:
    """The excerpt's operations with their answers written from the envelope and the test account."""
    out: dict[str, Any] = {}
    for path, item in operations.items():
        out[path] = {}
        for method, operation in item.items():
            operation = copy.deepcopy(operation)
            operation["responses"] = responses()
            if "requestBody" in operation:  # the service answers an empty body 400 (5006)
                operation["requestBody"]["required"] = True
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                content["application/json"] = _json_only(content["application/json"])
            out[path][method] = operation
    return out


def with_limits(schema: Any, settings: Mapping[str, Any]) -> Any:
    """The task's input `schema` with the model's own `max_tokens_limit` as the maximum of every
    `max_tokens` (the mock rejects more, as the service does; the task schema alone does not say so)."""
    limit = settings.get("max_tokens_limit")
    if isinstance(schema, list):
        return [with_limits(item, settings) for item in schema]
    if not isinstance(schema, dict) or not isinstance(limit, int):
        return schema
    out = {key: with_limits(value, settings) for key, value in schema.items()}
    if isinstance(out.get("properties"), dict) and isinstance(out["properties"].get("max_tokens"), dict):
        out["properties"]["max_tokens"] = {**out["properties"]["max_tokens"], "maximum": limit}
    return out


def as_2020(schema: Any) -> Any:
    """`schema` in JSON Schema 2020-12 (OpenAPI 3.1): a draft-4 tuple `items: [..]` becomes
    `prefixItems`, and a tuple of one schema repeated (`shape: [number, number]`, with its length
    bounds) becomes `items` (schemathesis 4.32 turns a `prefixItems` of a response back into a list
    under `items`, and then rejects its own schema as invalid)."""
    if isinstance(schema, list):
        return [as_2020(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: as_2020(value) for key, value in schema.items()}
    if isinstance(out.get("items"), list):
        out["prefixItems"] = out.pop("items")
    tuple_ = out.get("prefixItems")
    if isinstance(tuple_, list) and tuple_ and all(item == tuple_[0] for item in tuple_):
        out["items"] = out.pop("prefixItems")[0]
    return out


def _model_operation(model_id: str, schema: Mapping[str, Any], output: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"post": {
        "operationId": f"run-{model_id}", "parameters": [_account_parameter()],
        "requestBody": {"required": True, "content": {"application/json": {"schema": dict(schema)}}},
        "responses": responses(as_2020(output) if output is not None else None)}}


def workers_ai_document(excerpt: Path = EXCERPT, models: Iterable[str] | None = None) -> dict[str, Any]:
    """An OpenAPI 3.1 document of the Workers AI run routes: the excerpt's newest paths, and one
    operation per catalog model (`models`: these only; default: one model per task, kind of answer and
    kind of schema), with the model's own input schema (else its task's) and output schema."""
    raw = json.loads(excerpt.read_text())
    newest = max(key for key in raw if key.startswith("paths_"))
    paths = _with_envelope(raw[newest])
    catalog = Catalog.load()
    kinds = {(m.task.name, m.answer_name, m.schema is None): m.id for m in catalog.models.values()}
    for model_id in list(models) if models is not None else kinds.values():
        model = catalog.lookup(model_id)
        assert model is not None, model_id
        schema = with_limits(model.schema or model.task.schema, model.settings)
        paths[f"/accounts/{{account_id}}/ai/run/{model.id}"] = _model_operation(model.id, schema, model.output)
    return pin_account({"openapi": "3.1.0", "info": {"title": "Workers AI run (fuzz contract)", "version": newest[6:]},
            "servers": raw["servers"], "paths": paths,
            "components": {"securitySchemes": raw.get("securitySchemes", {})}})


def load_document(path: Path) -> dict[str, Any]:
    """Any OpenAPI document as it is (its account pinned); the Workers AI excerpt made whole
    (`workers_ai_document`)."""
    raw = yaml.safe_load(path.read_text())
    if isinstance(raw, dict) and "openapi" in raw and "paths" in raw:
        return pin_account(raw)
    if isinstance(raw, dict) and any(key.startswith("paths_") for key in raw):
        return workers_ai_document(path)
    raise ValueError(f"{path}: neither an OpenAPI document nor the Workers AI excerpt")


def _answers(contract: Any, route: Any) -> dict[str, Any]:
    """The 200 answers an operation of the Cloudflare contract documents, by content type."""
    envelope = contract.operation(route).get("x-envelope", "raw")
    if envelope == "binary":
        return {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    schema = contract.answer_schema(route)
    if schema is None:
        return {"application/json": {"schema": {}}}
    schema = {key: value for key, value in schema.items() if key != "components"}
    if envelope == "raw" and schema.get("type") == "string":  # a file, sent as text
        return {"text/plain": {"schema": schema}}
    return {"application/json": {"schema": schema}}


def _lifted(schema: Any, prefix: str, shared: dict[str, Any]) -> Any:
    """`schema` with its own `$defs` moved into `shared` (the document's components) under `prefix`, and
    its `#/$defs/X` refs pointed there: schemathesis generates no request from a schema whose refs
    resolve against an embedded `$id` (it sends none at all)."""
    if isinstance(schema, list):
        return [_lifted(item, prefix, shared) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: v for k, v in schema.items() if k not in ("$id", "$defs")}
    for name, sub in (schema.get("$defs") or {}).items():
        shared[f"{prefix}{name}"] = _lifted(sub, prefix, shared)
    out = {k: _lifted(v, prefix, shared) for k, v in out.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        out["$ref"] = "#/components/schemas/" + prefix + ref.removeprefix("#/$defs/")
    return out


def cloudflare_document(folder: Path | None = None, every: int = 1) -> dict[str, Any]:
    """An OpenAPI 3.1 document of the Cloudflare contract (`folder`, default the one the mock reads), every
    `every`-th operation the Cloudflare API service answers, each with its whole 200 answer as the
    service must give it (`Contract.answer_schema`: the envelope around the result schema) and the failure
    envelope otherwise; the account pinned."""
    from harness.mock.services.cloudflare_api.contract import load_contract
    from harness.mock.services.cloudflare_api.service import claims

    contract = load_contract(folder)
    routes = [r for r in contract.routes if claims(r.method, "/client/v4" + r.template)
              and r.template.rstrip("/") != "/graphql"]
    paths: dict[str, Any] = {}
    shared: dict[str, Any] = {}
    for route in routes[::every]:
        operation = dict(contract.operation(route))
        operation.pop("x-envelope", None)
        prefix = f"op{route.number}_"
        if "requestBody" in operation:
            operation["requestBody"] = _lifted(operation["requestBody"], prefix, shared)
        operation["parameters"] = _lifted(operation.get("parameters") or [], prefix, shared)
        if contract.problem(route, "body", {}) is not None:  # the SDK's required parameters: none is refused
            operation["requestBody"] = {**operation["requestBody"], "required": True}
        operation["responses"] = {
            "200": {"description": "OK", "content": _answers(contract, route)},
            "default": {"description": "the failure envelope", "content": {"application/json": {"schema": FAILURE}}}}
        paths.setdefault(route.template, {})[route.method.lower()] = operation
    return pin_account({"openapi": "3.1.0", "info": {"title": f"Cloudflare API ({contract.source})",
                                                     "version": contract.files.version},
                        "servers": [{"url": "https://api.cloudflare.com/client/v4"}], "paths": paths,
                        "components": {**contract.files.components(), "schemas": {
                            **(contract.files.components().get("schemas") or {}), **shared}}})
