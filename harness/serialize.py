"""Lossless JSON for the model's dataclasses (for the cache): `dump` any of them, `load(cls, data)` back."""

from __future__ import annotations

import base64
import types
import typing
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

T = TypeVar("T")


def dump(value: Any) -> Any:
    """JSON-ready data for a dataclass (or anything inside one); bytes become `{"b64": ...}`."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: dump(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode()}
    if isinstance(value, list | tuple):
        return [dump(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): dump(v) for k, v in value.items()}
    return value


def load(cls: type[T], data: Any) -> T:
    """The dataclass `cls` rebuilt from what `dump` gave."""
    return typing.cast(T, _load(cls, data))


def _load(hint: Any, data: Any) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any or data is None:
        return data
    if origin in (typing.Union, types.UnionType):
        candidates = [a for a in args if a is not type(None)]
        return _load(candidates[0], data) if len(candidates) == 1 else data
    if isinstance(hint, type) and is_dataclass(hint):
        hints = get_type_hints(hint)
        return hint(**{f.name: _load(hints[f.name], data[f.name]) for f in fields(hint) if f.name in data})
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(data)
    if hint is bytes:
        return base64.b64decode(data["b64"])
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], item) for item in data)
        return tuple(_load(a, item) for a, item in zip(args, data, strict=True))
    if origin in (list,):
        return [_load(args[0], item) for item in data]
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        value_hint = args[1] if len(args) == 2 else Any
        return {k: _load(value_hint, v) for k, v in data.items()}
    return data
