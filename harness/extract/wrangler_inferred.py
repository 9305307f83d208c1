"""The wrangler configuration of a page that shows none: the bindings its Worker's code uses, written as
the sections a reader adds when the page says so in prose ("your Wrangler file must include the `KV`
binding"), so that a later `wrangler kv key get --binding KV` finds the binding the reader has.

Only bindings a configuration can declare from their name alone are written: a KV namespace, a D1
database, an R2 bucket, a queue producer, a Vectorize index, Workers AI. The resource names are made
from the binding's name (`MY_BUCKET` -> `my-bucket`), the ids are those the harness gives a pasted id
(`{namespace_id}`, `{database_id}`). What was written is said in the block's "Ran as" line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from harness.extract import bindings as binding_data
from harness.extract.bindings import Binding
from harness.generated_values import generated_id
from harness.model import Snippet
from harness.runtimes.base import listed


def _resource(name: str) -> str:
    return name.lower().replace("_", "-")


_WRITERS: Mapping[str, tuple[str, Callable[[str], dict[str, str]]]] = {
    "kv_namespace": ("kv_namespaces", lambda n: {"binding": n, "id": generated_id("{namespace_id}")}),
    "d1_database": ("d1_databases", lambda n: {"binding": n, "database_name": _resource(n),
                                                "database_id": generated_id("{database_id}")}),
    "r2_bucket": ("r2_buckets", lambda n: {"binding": n, "bucket_name": _resource(n)}),
    "vectorize": ("vectorize", lambda n: {"binding": n, "index_name": _resource(n)}),
}
"""Binding type -> the configuration's list of them and one entry."""


def inferred_bindings(worker: Snippet | None) -> list[Binding]:
    """The bindings of `worker` that its code alone shows (none when a configuration gave them) and
    that a configuration can declare from their name."""
    if worker is None or worker.options.get(binding_data.BINDINGS_FROM_OPTION) != "code":
        return []
    found = binding_data.decode(worker.options.get(binding_data.BINDINGS_OPTION, "[]"))
    return [b for b in found if b["type"] in _WRITERS or b["type"] in ("queue", "ai")]


def config_sections(found: Sequence[Binding]) -> dict[str, Any]:
    """The wrangler configuration sections that declare `found`."""
    sections: dict[str, Any] = {}
    for binding in found:
        name, kind = str(binding["name"]), binding["type"]
        if kind == "ai":
            sections["ai"] = {"binding": name}
        elif kind == "queue":
            sections.setdefault("queues", {"producers": []})["producers"].append(
                {"binding": name, "queue": _resource(name)})
        else:
            section, entry = _WRITERS[kind]
            sections.setdefault(section, []).append(entry(name))
    return sections


def said(found: Sequence[Binding], worker: Snippet) -> str:
    """How the "Ran as" line says what the harness wrote."""
    named = [f"`{b['name']}` ({binding_data.TYPE_NAMES.get(b['type'], b['type'])})" for b in found]
    return (f"in a project whose wrangler.json the harness wrote with the bindings the Worker of line "
            f"{worker.line} uses, {listed(named, quote='')}: the page shows no configuration")
