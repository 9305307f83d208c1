"""One lossless JSON form for every dataclass that crosses a wire: the cache, the mock's journal and
its configuration (`MockConfig`, passed to sidecars and child processes), and the JSON report.

Driven by type hints, so a new field is carried without another edit: `dump` any dataclass (or
anything inside one), `load(cls, data)` it back; `dumps`/`loads` do the same to and from a string.
Bytes become `{"b64": ...}`, paths and enums their string, tuples and lists JSON lists.
"""

from __future__ import annotations

import base64
import json
import threading
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from enum import Enum
from functools import cache
from pathlib import PurePath
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

T = TypeVar("T")


def dump(value: Any) -> Any:
    """JSON-ready data for a dataclass (or anything inside one)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: dump(getattr(value, name)) for name in names}
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


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type (None for any other type)."""
    if kind not in _names:
        _names[kind] = tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None
    return _names[kind]


_names: dict[type, tuple[str, ...] | None] = {}


def load(cls: type[T], data: Any) -> T:
    """The dataclass `cls` rebuilt from what `dump` gave (a field missing from `data` takes its default)."""
    return typing.cast(T, _loader(cls)(data))


def dumps(value: Any) -> str:
    """`dump(value)` as one line of JSON."""
    return json.dumps(dump(value), separators=(",", ":"))


def loads(cls: type[T], text: str | bytes) -> T:
    """The dataclass `cls` from what `dumps` wrote."""
    return load(cls, json.loads(text))


Loader = Callable[[Any], Any]


def _same(data: Any) -> Any:
    return data


_building: set[Any] = set()
_lock = threading.RLock()


def _loader(hint: Any) -> Loader:
    """The function that rebuilds a value of type `hint` from its JSON data (None stays None),
    made once per type: the type hints are read then, not for every value."""
    made = _made.get(hint)
    if made is not None:
        return made
    with _lock:  # one thread builds; a type that contains itself looks its loader up when first used
        if hint in _building:
            return lambda data: _made[hint](data)
        _building.add(hint)
        try:
            made = _made[hint] = _make_loader(hint)
        finally:
            _building.discard(hint)
        return made


_made: dict[Any, Loader] = {}


def _make_loader(hint: Any) -> Loader:  # noqa: C901 - one branch per kind of type
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return _same
    if origin in (typing.Union, types.UnionType):
        candidates = [a for a in args if a is not type(None)]
        return _loader(candidates[0]) if len(candidates) == 1 else _same
    if isinstance(hint, type) and is_dataclass(hint):
        hints = _hints(hint)
        parts = [(f.name, _loader(hints[f.name])) for f in fields(hint)]
        return _or_none(_dataclass_loader(hint, parts))
    if isinstance(hint, type) and issubclass(hint, Enum | PurePath):
        return _or_none(hint)
    if hint is bytes:
        return _or_none(lambda data: base64.b64decode(data["b64"]))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis or origin is Sequence:
        item = _loader(args[0])
        return _or_none(lambda data: tuple(item(x) for x in data))
    if origin is tuple:
        items = tuple(_loader(a) for a in args)
        return _or_none(lambda data: tuple(part(x) for part, x in zip(items, data, strict=True)))
    if origin is list:
        item = _loader(args[0])
        return _or_none(lambda data: [item(x) for x in data])
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        value = _loader(args[1]) if len(args) == 2 else _same
        return _or_none(lambda data: {k: value(v) for k, v in data.items()})
    if hint is float:
        return lambda data: float(data) if isinstance(data, int) else data
    return _same


def _dataclass_loader(cls: type, parts: list[tuple[str, Loader]]) -> Loader:
    """Builds `cls` from a dict: fields whose JSON is their value are taken as they are."""
    plain = tuple(name for name, part in parts if part is _same)
    converted = tuple((name, part) for name, part in parts if part is not _same)

    def build(data: Any) -> Any:
        values = {name: data[name] for name in plain if name in data}
        for name, part in converted:
            if name in data:
                values[name] = part(data[name])
        return cls(**values)
    return build


def _or_none(load_value: Loader) -> Loader:
    return lambda data: None if data is None else load_value(data)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)
