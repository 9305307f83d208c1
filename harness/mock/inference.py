"""The contract both doors share: model lookup, body parsing, input validation, the answer.

`run_model` turns a model id and a request body into a `Reply` (status, Cloudflare error codes,
or an `Answer`) and the parsed inputs; the REST route and the binding endpoint only differ in
how they authenticate and what they record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from harness.mock.answers import Answer, answer
from harness.mock.catalog import Catalog, Model
from harness.mock.errors import INVALID_INPUT, NO_SUCH_MODEL, ServiceError


@dataclass(frozen=True)
class Reply:
    """The mock's verdict on one request."""

    status: int
    errors: tuple[tuple[int, str], ...] = ()
    """`(code, message)` pairs of the error envelope; empty on success."""
    answer: Answer | None = None

    @property
    def error(self) -> str | None:
        """All error messages joined, or None on success."""
        return "; ".join(m for _, m in self.errors) or None

    @classmethod
    def failure(cls, status: int, code: int, message: str) -> Reply:
        return cls(status, ((code, message),))

    @classmethod
    def of(cls, error: ServiceError, model: str | None = None, path: str = "") -> Reply:
        """The answer of one of the service's named errors."""
        return cls.failure(error.status, error.code, error.text(model, path))

    def envelope(self) -> dict[str, Any]:
        """The Cloudflare envelope `{"result", "success", "errors", "messages"}` (and `result_info`
        for a page of a list). A failed input validation (5006) carries `result: {}`, as the
        service answers it; other errors `null`."""
        result = self.answer.result if self.answer is not None and not self.errors else None
        if any(code == INVALID_INPUT for code, _ in self.errors):
            result = {}
        envelope = {
            "result": result,
            "success": not self.errors,
            "errors": [{"code": c, "message": m} for c, m in self.errors],
            "messages": [],
        }
        if self.answer is not None and self.answer.result_info is not None and not self.errors:
            envelope["result_info"] = dict(self.answer.result_info)
        return envelope

    @property
    def content_type(self) -> str:
        return self.answer.content_type if self.answer is not None else "application/json"


@dataclass(frozen=True)
class Parsed:
    """What a request body turned out to be."""

    inputs: Any
    """The inputs that were validated (a raw binary body stands in as `{<field>: []}`)."""
    json: Any = None
    """The body parsed as JSON, or None when it is not JSON."""
    raw: bytes | None = None
    """The binary body, when the task took one."""


def parse_json(body: bytes) -> tuple[Any, str | None]:
    """`(value, None)`, or `(None, reason)` when `body` is not JSON (the content type does not matter)."""
    if not body.strip():
        return None, "the request body is empty; JSON inputs were expected"
    try:
        return json.loads(body), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"the request body is not valid JSON: {exc}"


def parse_body(model: Model, body: bytes) -> tuple[Parsed | None, str | None]:
    """JSON whatever the content type; a binary body for tasks that take one."""
    value, problem = parse_json(body)
    if problem is None:
        return Parsed(value, value), None
    field = model.task.binary_input
    if field is not None and body:  # the bytes are the field; the answer hashes them, no need to list them
        return Parsed({field: []}, None, body), None
    return None, problem


def run_model(catalog: Catalog, model_id: str, inputs: Any, raw: bytes | None = None) -> tuple[Reply, Model | None]:
    """Looks the model up, validates `inputs` and answers."""
    model = catalog.lookup(model_id)
    if model is None:
        return Reply.failure(400, NO_SUCH_MODEL, f"No such model {model_id} or task"), None
    return run_found(catalog, model, inputs, raw), model


def run_found(catalog: Catalog, model: Model, inputs: Any, raw: bytes | None = None) -> Reply:
    """Validates `inputs` for a model already found (in the catalog or as a provider's) and answers."""
    problem = catalog.validate(model, inputs)
    if problem is not None:
        return Reply.failure(400, INVALID_INPUT, problem)
    return Reply(200, answer=answer(model, inputs, raw))


def run_body(catalog: Catalog, model_id: str, body: bytes) -> tuple[Reply, Parsed | None]:
    """`run_model` for a raw REST body: unknown model, then body parsing, then validation."""
    model = catalog.lookup(model_id)
    if model is None:
        return run_model(catalog, model_id, None)[0], Parsed(None, parse_json(body)[0])
    parsed, problem = parse_body(model, body)
    if parsed is None:
        return Reply.failure(400, INVALID_INPUT, f"Error: {problem}"), Parsed(None)
    return run_model(catalog, model_id, parsed.inputs, parsed.raw)[0], parsed
