"""Worker bindings: what `env.NAME` is (a KV namespace, a D1 database, ...), as plain data.

A binding is a dict `{"type": ..., "name": ..., ...}` (the rest as the wrangler configuration
gives it: `id`, `database_name`, `class_name`, ...). They come from the page's wrangler
configuration (`wrangler_config.py`) or, when it has none, from how the code uses each name:
`env.MY_KV.get(` is a KV namespace, `env.DB.prepare(` a D1 database, `env.QUEUE.send(` a queue.
A snippet carries them in its option `bindings` (JSON text, see `encode`/`decode`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from harness.extract import provided
from harness.runtimes.base import listed

Binding = dict[str, Any]
"""One binding: `type`, `name`, and what the configuration says of it."""

BINDINGS_OPTION = "bindings"
"""The snippet option that holds its bindings, as JSON text."""
BINDINGS_FROM_OPTION = "bindings_from"
"""Where they came from: `page.md:LINE` of the wrangler configuration, or `code` (inferred)."""

TYPE_NAMES: Mapping[str, str] = {
    "ai": "Workers AI",
    "kv_namespace": "KV namespace",
    "r2_bucket": "R2 bucket",
    "d1_database": "D1 database",
    "durable_object_namespace": "Durable Object namespace",
    "queue": "Queue producer",
    "vectorize": "Vectorize index",
    "var": "variable",
    "secret": "secret",
    "service": "service",
    "browser": "Browser Rendering",
    "assets": "static assets",
    "ratelimit": "rate limiter",
    "workflow": "Workflow",
    "hyperdrive": "Hyperdrive",
    "analytics_engine": "Analytics Engine dataset",
    "stream": "Stream",
}
"""Binding type -> how a reason names it."""

NOT_SIMULATED = "(not simulated yet)"
"""How a reason about bindings ends."""

_BY_METHOD: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"prepare", "batch", "exec", "dump", "withSession"}), "d1_database"),
    (frozenset({"idFromName", "idFromString", "newUniqueId", "getByName", "jurisdiction"}), "durable_object_namespace"),
    (frozenset({"send", "sendBatch"}), "queue"),
    (frozenset({"query", "insert", "upsert", "getByIds", "deleteByIds", "describe"}), "vectorize"),
    (frozenset({"head", "createMultipartUpload", "resumeMultipartUpload"}), "r2_bucket"),
    (frozenset({"getWithMetadata"}), "kv_namespace"),
    (frozenset({"limit"}), "ratelimit"),
    (frozenset({"writeDataPoint"}), "analytics_engine"),
    (frozenset({"create", "createBatch"}), "workflow"),
    (frozenset({"run"}), "ai"),
    (frozenset({"get", "put", "delete", "list"}), "kv_namespace"),
    (frozenset({"fetch", "connect"}), "service"),
)
"""Methods called on `env.NAME` -> the binding type they show, most telling first."""
_BY_NAME: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^AI$"), "ai"),
    (re.compile(r"ASSETS"), "assets"),
    (re.compile(r"BROWSER"), "browser"),
    (re.compile(r"BUCKET|R2"), "r2_bucket"),
    (re.compile(r"(?:^|_)KV(?:_|$)|NAMESPACE"), "kv_namespace"),
    (re.compile(r"^D1|(?:^|_)DB(?:_|$)|DATABASE"), "d1_database"),
    (re.compile(r"VECTORIZE|(?:^|_)INDEX(?:_|$)"), "vectorize"),
    (re.compile(r"QUEUE"), "queue"),
    (re.compile(r"WORKFLOW"), "workflow"),
    (re.compile(r"RATE_?LIMIT"), "ratelimit"),
    (re.compile(r"HYPERDRIVE"), "hyperdrive"),
    (re.compile(r"^STREAM$"), "stream"),
    (re.compile(r"SECRET|PASSWORD|TOKEN|(?:^|_)KEY$"), "secret"),
)
"""What the name alone says, for names used without a telling method (an R2 `BUCKET.get`)."""
_BY_TYPE: Mapping[str, str] = {
    "KVNamespace": "kv_namespace", "R2Bucket": "r2_bucket", "D1Database": "d1_database",
    "DurableObjectNamespace": "durable_object_namespace", "Queue": "queue", "VectorizeIndex": "vectorize",
    "Vectorize": "vectorize", "Ai": "ai", "Fetcher": "service", "RateLimit": "ratelimit", "Workflow": "workflow",
    "Hyperdrive": "hyperdrive", "AnalyticsEngineDataset": "analytics_engine", "StreamBinding": "stream",
    "BrowserWorker": "browser", "SecretsStoreSecret": "secret", "string": "var",
}
"""TypeScript types an `Env` interface gives a binding (`MY_KV: KVNamespace`) -> its type."""
_DECLARED = re.compile(r"\b([A-Za-z_$][\w$]*+)\s*\??\s*:\s*(" + "|".join(_BY_TYPE) + r")\b")
_DECLARED_TYPE = re.compile(r":\s*(?:" + "|".join(_BY_TYPE) + r")\b")
"""The end of a `_DECLARED` match: code without one declares nothing (a quick scan, from its `:`)."""
_WEAK_TYPES = frozenset({"var", "service"})
"""Declared types that say less than a name: `ASSETS: Fetcher` is static assets, `PASSWORD: string` a secret."""
# `env(?<=\benv)` is `\benv`, written so that the search skips to each `env` as to a literal
_CALL = re.compile(r"env(?<=\benv)\s*\.\s*([A-Za-z_$][\w$]*)\s*\.\s*([A-Za-z_$][\w$]*)\s*\(")
_LAUNCH = re.compile(r"launch(?<=\blaunch)\s*\(\s*(?:[\w.]*\.)?env\s*\.\s*([A-Za-z_$][\w$]*)")


def infer(code: str, names: Iterable[str]) -> list[Binding]:
    """The bindings `names` (read as `env.NAME` in `code`) are, by the methods called on them and
    their names; a name used for nothing else is a variable (or a secret, by its name)."""
    methods, declared, launched = _uses(code)
    found = []
    for name in dict.fromkeys(names):
        kind = "browser" if name in launched else _type_of(name, methods.get(name, frozenset()))
        if name in declared and not (declared[name] in _WEAK_TYPES and kind not in ("var", "service")):
            kind = declared[name]
        found.append({"type": kind, "name": name})
    return found


@lru_cache(maxsize=64)
def _uses(code: str) -> tuple[Mapping[str, frozenset[str]], Mapping[str, str], frozenset[str]]:
    """What `infer` reads of `code` (the classifier and the page's bindings ask of the same block):
    the methods called on each `env.NAME`, the types an interface declares, the names `launch`ed."""
    methods: dict[str, set[str]] = {}
    for match in _CALL.finditer(code):
        methods.setdefault(match[1], set()).add(match[2])
    declared = {match[1]: _BY_TYPE[match[2]] for match in _DECLARED.finditer(code)} \
        if _DECLARED_TYPE.search(code) else {}
    launched = frozenset(_LAUNCH.findall(code)) if "launch" in code else frozenset()
    return {name: frozenset(called) for name, called in methods.items()}, declared, launched


def _type_of(name: str, methods: frozenset[str]) -> str:
    by_name = next((kind for pattern, kind in _BY_NAME if pattern.search(name.upper())), None)
    by_method = next((kind for known, kind in _BY_METHOD if methods & known), None)
    if by_name is not None and (by_method is None or by_method in ("kv_namespace", "service")):
        return by_name  # `BUCKET.get` is R2, `ASSETS.fetch` assets: the name says more than the method
    return by_method or by_name or "var"


def unprovided(bindings: Sequence[Binding]) -> list[Binding]:
    """The bindings the Worker runner does not give a snippet yet (Workers AI it gives under any name:
    `env.AI`, or `env.ai` as a page's configuration or code names it)."""
    return [b for b in bindings if b["type"] not in provided.WORKER_BINDING_TYPES and b["type"] != "ai"]


def reason(missing: Sequence[Binding]) -> str:
    """`not runnable: needs KV namespace binding `MY_KV` (not simulated yet)`, by type."""
    by_type: dict[str, list[str]] = {}
    for binding in missing:
        by_type.setdefault(str(binding["type"]), []).append(str(binding["name"]))
    parts = [f"{TYPE_NAMES.get(kind, kind)} binding {listed(names)}" for kind, names in by_type.items()]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"not runnable: needs {joined} {NOT_SIMULATED}"


def encode(bindings: Sequence[Binding]) -> str:
    """Bindings as the text of a snippet option."""
    return json.dumps(list(bindings), sort_keys=True, separators=(",", ":"), default=str)


def decode(text: str) -> list[Binding]:
    """A snippet option's bindings back as data."""
    found = json.loads(text)
    return [b for b in found if isinstance(b, dict)] if isinstance(found, list) else []
