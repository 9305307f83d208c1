"""The model catalog as data: tasks (input schema, answer kind) and the models of each task.

`data/catalog.yaml` is read once per `Catalog.load()`; the REST route and the binding endpoint
both validate through `Catalog.validate`, so the two doors share one contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match


@dataclass(frozen=True)
class Task:
    """One kind of model (text generation, embeddings, ...)."""

    name: str
    answer: str
    """The name of the answer function in `harness.mock.answers`."""
    schema: Mapping[str, Any]
    """JSON Schema of the inputs."""
    binary_input: str | None = None
    """The input field a raw, non-JSON request body stands for (`image`, `audio`), if any."""


@dataclass(frozen=True)
class Model:
    """One model id and what the mock knows about it."""

    id: str
    task: Task
    settings: Mapping[str, Any] = field(default_factory=dict)
    """The task's defaults overlaid with the model's own entry (`max_tokens`, `dimensions`, ...)."""


class CatalogError(Exception):
    """The catalog file is malformed (names the entry)."""


class Catalog:
    """Looks models up by id (or alias) and validates inputs against their task's schema."""

    def __init__(self, models: Mapping[str, Model], aliases: Mapping[str, str]) -> None:
        self.models = dict(models)
        self.aliases = dict(aliases)
        self._validators = {m.task.name: Draft202012Validator(dict(m.task.schema)) for m in self.models.values()}

    @classmethod
    def load(cls, text: str | None = None) -> Catalog:
        """Parses `text` (default: the packaged `data/catalog.yaml`)."""
        if text is None:
            text = resources.files("harness.mock").joinpath("data/catalog.yaml").read_text("utf-8")
        raw = yaml.safe_load(text)
        tasks: dict[str, tuple[Task, Mapping[str, Any]]] = {}
        for name, entry in raw.get("tasks", {}).items():
            try:
                Draft202012Validator.check_schema(entry["schema"])
                task = Task(name, entry["answer"], entry["schema"], entry.get("binary_input"))
            except Exception as exc:
                raise CatalogError(f"task {name!r}: {exc}") from exc
            tasks[name] = (task, entry.get("defaults") or {})
        models: dict[str, Model] = {}
        for model_id, entry in raw.get("models", {}).items():
            if entry.get("task") not in tasks:
                raise CatalogError(f"model {model_id!r}: unknown task {entry.get('task')!r}")
            task, defaults = tasks[entry["task"]]
            settings = {**defaults, **{k: v for k, v in entry.items() if k != "task"}}
            models[model_id] = Model(model_id, task, settings)
        aliases = dict(raw.get("aliases") or {})
        for alias, target in aliases.items():
            if target not in models:
                raise CatalogError(f"alias {alias!r}: unknown model {target!r}")
        return cls(models, aliases)

    def lookup(self, model_id: str) -> Model | None:
        """The model named `model_id` (an alias resolves to its model), or None."""
        return self.models.get(self.aliases.get(model_id, model_id))

    def validate(self, model: Model, inputs: Any) -> str | None:
        """None when `inputs` fit the model's task schema and its documented limits, else one
        message naming the violation."""
        error = best_match(self._validators[model.task.name].iter_errors(inputs))
        if error is not None:
            return explain(error)
        return over_limit(model, inputs)


def over_limit(model: Model, inputs: Any) -> str | None:
    """A limit of the model's entry that `inputs` exceed (`max_tokens_limit`), else None."""
    limit = model.settings.get("max_tokens_limit")
    asked = inputs.get("max_tokens") if isinstance(inputs, Mapping) else None
    if isinstance(limit, int) and isinstance(asked, int) and asked > limit:
        return f"Error: at '/max_tokens': {asked} is greater than the maximum of {limit} for {model.id}"
    return None


def _where(error: ValidationError) -> str:
    return "/" + "/".join(str(part) for part in error.absolute_path)


def _forms(error: ValidationError) -> str:
    branches = error.schema.get(error.validator, []) if isinstance(error.schema, Mapping) else []
    names = [" + ".join(map(repr, b.get("required", []))) or b.get("title", "?") for b in branches]
    return " | ".join(names)


def explain(error: ValidationError) -> str:
    """`Error: at '/messages/0': 'content' is a required property` and the like."""
    if error.validator == "oneOf" and not error.context:
        return (
            f"Error: at '{_where(error)}': matches more than one of the accepted forms"
            f" ({_forms(error)}); they are mutually exclusive"
        )
    if error.validator in ("oneOf", "anyOf") and error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        if deepest.absolute_path != error.absolute_path:
            return explain(deepest)
        return f"Error: at '{_where(error)}': matches none of the accepted forms ({_forms(error)}): " + "; ".join(
            dict.fromkeys(e.message for e in error.context if not e.path)
        )
    if error.validator == "not" and isinstance(error.validator_value, Mapping):
        keys = error.validator_value.get("required", [])
        return f"Error: at '{_where(error)}': {' and '.join(map(repr, keys))} are mutually exclusive"
    return f"Error: at '{_where(error)}': {error.message}"
