"""A page's wrangler configuration (`wrangler.toml`, `wrangler.jsonc`, `wrangler.json`, or the block
inside `<WranglerConfig>`), read into the bindings it declares.

TOML is read with `tomllib`, JSON with comments and trailing commas with `json5`. A block that
does not parse is reported at its page line and gives no bindings; the page goes on.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import json5

from harness.extract.bindings import Binding
from harness.model import Snippet

CONFIG_NAMES = ("wrangler.toml", "wrangler.jsonc", "wrangler.json")
_TOML_WORDS = frozenset({"toml"})
_JSON_WORDS = frozenset({"json", "jsonc", "json5"})
CONFIG_LANGUAGES = _TOML_WORDS | _JSON_WORDS
"""The languages a configuration block is written in."""
_JSONC_EXTRAS = re.compile(r'(?P<string>"(?:\\.|[^"\\\n])*")|//[^\n]*|/\*[\s\S]*?\*/|,(?=\s*[}\]])')
"""A JSON string (kept), or what JSONC adds to JSON: a comment, a comma before `}` or `]` (dropped)."""


class ConfigError(ValueError):
    """A wrangler configuration block that does not parse."""


def is_config(snippet: Snippet) -> bool:
    """Whether `snippet` shows a wrangler configuration: inside `<WranglerConfig>`, a TOML/JSON block whose
    title, file name or tab says `wrangler.toml`/`wrangler.json(c)`, or an untitled one that declares Worker
    bindings in wrangler's sections (`[[queues.producers]]`, `kv_namespaces`: no other file has them)."""
    if snippet.language not in _TOML_WORDS | _JSON_WORDS:
        return False
    if snippet.options.get("wrangler_config") == "true":
        return True
    said = " ".join(str(v) for k, v in snippet.options.items() if k in ("title", "filename", "header"))
    said += " " + (snippet.label or "")
    if any(name in said for name in CONFIG_NAMES):
        return True
    if said.strip():
        return False  # titled as another file
    try:
        return any(b["type"] not in ("var", "secret") for b in bindings_of(parse(snippet)))
    except (ConfigError, TypeError, AttributeError):
        return False


def parse(snippet: Snippet) -> dict[str, Any]:
    """The configuration `snippet` shows, as data; raises `ConfigError` when it does not parse."""
    try:
        if snippet.language in _TOML_WORDS:
            return tomllib.loads(snippet.code)
        found = _json(snippet.code)
    except (tomllib.TOMLDecodeError, ValueError) as error:
        raise ConfigError(str(error)) from error
    if not isinstance(found, dict):
        raise ConfigError("the configuration is not an object")
    return found


def _json(text: str) -> Any:
    """JSON with comments and trailing commas: read as JSON once they are dropped (fast); json5 reads
    what is left (unquoted keys, single quotes) and words the error of what it cannot read."""
    try:
        return json.loads(_JSONC_EXTRAS.sub(lambda m: m["string"] or "", text))
    except ValueError:
        return json5.loads(text)


def _items(config: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = config.get(key)
    if isinstance(value, Mapping):
        value = [value]
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _listed(kind: str, key: str, name_key: str = "binding") -> Callable[[Mapping[str, Any]], list[Binding]]:
    def read(config: Mapping[str, Any]) -> list[Binding]:
        return [{**item, "type": kind, "name": str(item[name_key])} for item in _items(config, key)
                if name_key in item]
    return read


def _durable_objects(config: Mapping[str, Any]) -> list[Binding]:
    section = config.get("durable_objects")
    items = _items(section, "bindings") if isinstance(section, Mapping) else []
    return [{**item, "type": "durable_object_namespace", "name": str(item["name"])} for item in items if "name" in item]


def _queues(config: Mapping[str, Any]) -> list[Binding]:
    section = config.get("queues")
    items = _items(section, "producers") if isinstance(section, Mapping) else []
    return [{**item, "type": "queue", "name": str(item["binding"])} for item in items if "binding" in item]


def _vars(config: Mapping[str, Any]) -> list[Binding]:
    section = config.get("vars")
    return [{"type": "var", "name": str(k), "value": v} for k, v in section.items()] \
        if isinstance(section, Mapping) else []


def _secrets(config: Mapping[str, Any]) -> list[Binding]:
    section = config.get("secrets")
    names = section.get("required", []) if isinstance(section, Mapping) else section
    found: list[Binding] = [{"type": "secret", "name": str(n)} for n in names if isinstance(n, str)] \
        if isinstance(names, list) else []
    return found + [{**item, "type": "secret", "name": str(item["binding"])}
                    for item in _items(config, "secrets_store_secrets") if "binding" in item]


def _ratelimits(config: Mapping[str, Any]) -> list[Binding]:
    unsafe = config.get("unsafe")
    items = _items(config, "ratelimits")
    if isinstance(unsafe, Mapping):
        items += [b for b in _items(unsafe, "bindings") if b.get("type") == "ratelimit"]
    return [{**item, "type": "ratelimit", "name": str(item["name"])} for item in items if "name" in item]


_READERS: tuple[Callable[[Mapping[str, Any]], list[Binding]], ...] = (
    _listed("ai", "ai"),
    _listed("kv_namespace", "kv_namespaces"),
    _listed("r2_bucket", "r2_buckets"),
    _listed("d1_database", "d1_databases"),
    _durable_objects,
    _queues,
    _listed("vectorize", "vectorize"),
    _vars,
    _listed("service", "services"),
    _listed("browser", "browser"),
    _listed("assets", "assets"),
    _ratelimits,
    _listed("workflow", "workflows"),
    _listed("hyperdrive", "hyperdrive"),
    _listed("analytics_engine", "analytics_engine_datasets"),
    _listed("stream", "stream"),
    _secrets,
)
"""One reader per binding section of a wrangler configuration."""


def bindings_of(config: Mapping[str, Any]) -> list[Binding]:
    """Every binding a wrangler configuration declares, as plain data (`type`, `name`, the rest)."""
    found = [binding for read in _READERS for binding in read(config)]
    return [{k: v for k, v in b.items() if k != "binding"} for b in found]


def declared_names(snippets: Iterable[Snippet]) -> frozenset[str]:
    """The names of the bindings that the configurations among `snippets` declare (those that parse)."""
    names: set[str] = set()
    for snippet in snippets:
        if not is_config(snippet):
            continue
        try:
            names.update(str(binding["name"]) for binding in bindings_of(parse(snippet)))
        except ConfigError:
            continue
    return frozenset(names)
