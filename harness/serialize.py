"""One lossless JSON form for every dataclass that crosses a wire: the cache, the mock's journal and
its configuration (`MockConfig`, passed to sidecars and child processes), and the JSON report.

Driven by type hints, so a new field is carried without another edit: `dump` any dataclass (or
anything inside one), `load(cls, data)` it back; `dumps`/`loads` do the same to and from a string.
Bytes become `{"b64": ...}`, paths and enums their string, tuples and lists JSON lists.
"""

from __future__ import annotations

import base64
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from enum import Enum
from functools import cache
from pathlib import PurePath
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

T = TypeVar("T")


def dump(value: Any) -> Any:
    """JSON-ready data for a dataclass (or anything inside one)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: dump(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode()}
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, list | tuple):
        return [dump(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): dump(v) for k, v in value.items()}
    return value


def load(cls: type[T], data: Any) -> T:
    """The dataclass `cls` rebuilt from what `dump` gave (a field missing from `data` takes its default)."""
    return typing.cast(T, _load(cls, data))


def dumps(value: Any) -> str:
    """`dump(value)` as one line of JSON."""
    return json.dumps(dump(value), separators=(",", ":"))


def loads(cls: type[T], text: str | bytes) -> T:
    """The dataclass `cls` from what `dumps` wrote."""
    return load(cls, json.loads(text))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _load(hint: Any, data: Any) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any or data is None:
        return data
    if origin in (typing.Union, types.UnionType):
        candidates = [a for a in args if a is not type(None)]
        return _load(candidates[0], data) if len(candidates) == 1 else data
    if isinstance(hint, type) and is_dataclass(hint):
        hints = _hints(hint)
        return hint(**{f.name: _load(hints[f.name], data[f.name]) for f in fields(hint) if f.name in data})
    if isinstance(hint, type) and issubclass(hint, Enum | PurePath):
        return hint(data)
    if hint is bytes:
        return base64.b64decode(data["b64"])
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], item) for item in data)
        return tuple(_load(a, item) for a, item in zip(args, data, strict=True))
    if origin is list:
        return [_load(args[0], item) for item in data]
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        value_hint = args[1] if len(args) == 2 else Any
        return {k: _load(value_hint, v) for k, v in data.items()}
    if hint is float and isinstance(data, int):
        return float(data)
    return data
