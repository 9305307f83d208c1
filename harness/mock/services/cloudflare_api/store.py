"""Where the contract lives and how it is written and read: an index for start-up, one file per operation.

A contract folder holds `index.json` (`source`, `version`, and every operation as `[METHOD, template,
number]`, templates below `/client/v4`), `ops/<number>.json` (the OpenAPI operation, read when a
request first needs it) and `components.json` (a published document's shared schemas, read at most
once). `openapi.json` is the whole document when the SDK built it.

The folder is `$HARNESS_CLOUDFLARE_CONTRACT`, else `.harness-cache/cloudflare-contract` beside the
`harness` package (the checkout's root, gitignored; `make contract` writes it there). A path, not the
running interpreter's prefix: the in-process executor's mock runs in the Python runner's interpreter.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.mock.openapi import OpenApiError, load_document

ENV = "HARNESS_CLOUDFLARE_CONTRACT"
METHODS = ("get", "put", "post", "delete", "patch")


def default_dir() -> Path:
    """The contract folder the mock reads (see the module docstring)."""
    configured = os.environ.get(ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[4] / ".harness-cache" / "cloudflare-contract"


MISSING = "no Cloudflare API contract"
"""How the message of a missing contract begins (the service answers it, the checks look for it)."""


def missing_contract(folder: Path | None = None) -> str | None:
    """What is missing and how to build it, when the contract folder has no readable index; else None."""
    index_file = (folder or default_dir()) / "index.json"
    if index_file.is_file():
        return None
    return (f"{MISSING}: {index_file} is missing; build it with `make contract` (or set {ENV} to a contract "
            "folder): every request to api.cloudflare.com/client/v4 is answered 503 until then")


def read_document(path: Path) -> Mapping[str, Any]:
    """A published OpenAPI document (JSON or YAML), named in its `info.x-source`."""
    try:
        document = dict(load_document(path))
    except OpenApiError as exc:
        raise HarnessError(str(exc)) from exc
    document["info"] = info = dict(document.get("info") or {})
    info.setdefault("x-source", f"published OpenAPI document {path.name} (version {info.get('version', '?')})")
    return document


def _base(document: Mapping[str, Any]) -> str:
    url = str(((document.get("servers") or [{}])[0]).get("url", ""))
    path = url.split("://", 1)[-1].partition("/")[2] if "://" in url else url
    return "/" + path.strip("/") if path.strip("/") else ""


def write_contract(document: Mapping[str, Any], out: Path) -> int:
    """Writes `document` as a contract folder at `out` (replacing what was there); returns its operation count."""
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "ops").mkdir(parents=True)
    base = _base(document).removeprefix("/client/v4")
    operations: list[list[Any]] = []
    for template, item in (document.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        shared = item.get("parameters") or []
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping):
                continue
            number = len(operations)
            if shared:
                op = {**op, "parameters": [*shared, *(op.get("parameters") or [])]}
            (tmp / "ops" / f"{number}.json").write_text(json.dumps(op), "utf-8")
            operations.append([method.upper(), base + template, number])
    info = document.get("info") or {}
    index = {"source": info.get("x-source", "?"), "version": info.get("version", "?"), "operations": operations}
    (tmp / "index.json").write_text(json.dumps(index), "utf-8")
    (tmp / "components.json").write_text(json.dumps(document.get("components") or {}), "utf-8")
    if info.get("x-source", "").startswith("PyPI"):
        (tmp / "openapi.json").write_text(json.dumps(document), "utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return len(operations)


class ContractFiles:
    """A contract folder: its index at once, each operation and the shared schemas when first asked for."""

    def __init__(self, folder: Path) -> None:
        index_file = folder / "index.json"
        try:
            index = json.loads(index_file.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise HarnessError(missing_contract(folder) or f"{MISSING}: {index_file} does not read ({exc}); "
                               "rebuild it with `make contract`") from exc
        self.folder = folder
        self.source: str = index["source"]
        self.version: str = index["version"]
        self.operations: list[tuple[str, str, int]] = [(m, t, n) for m, t, n in index["operations"]]
        self._ops: dict[int, Mapping[str, Any]] = {}
        self._components: Mapping[str, Any] | None = None

    def operation(self, number: int) -> Mapping[str, Any]:
        """The OpenAPI operation object `number`."""
        if number not in self._ops:
            self._ops[number] = json.loads((self.folder / "ops" / f"{number}.json").read_text("utf-8"))
        return self._ops[number]

    def components(self) -> Mapping[str, Any]:
        """The document's `components` (refs `#/components/...` in a published document point here)."""
        if self._components is None:
            path = self.folder / "components.json"
            self._components = json.loads(path.read_text("utf-8")) if path.exists() else {}
        return self._components
