"""The result cache: an unchanged snippet is not run again.

A result is stored under a key made of everything that can change it: the snippet (id, line, code,
options), the page's front matter, the runner's files (or image), the harness's own code (its checks,
its mock and catalog, its executors: a result cached by an older checkout is not served to a newer
one with the same version number), the executor, the timeout and the harness version. Verdicts
(rule levels, xfail) are applied after the cache, so a configuration change never needs a re-run.
Harness errors and time-outs are never cached.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from harness.model import Finding, SnippetResult, Status
from harness.serialize import dump, load

SKIPPED_DIRS = frozenset({"node_modules", ".venv", "__pycache__"})
FORMAT = 1


def tree_digest(root: Path) -> str:
    """A hash of every file's path and content below `root` (dependency folders left out)."""
    digest = hashlib.sha256()
    for path in sorted(_files(root)):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _files(root: Path) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        yield from (Path(folder) / name for name in files)


HARNESS_DIR = Path(__file__).resolve().parent


def _environment_digest(runners_dir: Path, harness_dir: Path) -> str:
    """What every key shares: the harness's version, its own code and data, and its runners' files."""
    try:
        version = metadata.version("docs-snippet-harness")
    except metadata.PackageNotFoundError:
        version = "unknown"
    parts = [version, tree_digest(harness_dir), tree_digest(runners_dir) if runners_dir.exists() else ""]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class ResultCache:
    """Results on disk, one JSON file per key, written atomically (safe with `-j N`)."""

    def __init__(self, folder: Path, runners_dir: Path, executor: str, timeout_s: float, mock_setup: str = "",
                 harness_dir: Path = HARNESS_DIR) -> None:
        """`mock_setup` is what else shapes the mock's answers (scenarios, OpenAPI documents);
        `harness_dir` is the harness's own code (its package)."""
        self.folder = folder
        setup = hashlib.sha256(mock_setup.encode()).hexdigest()
        self._shared = f"{_environment_digest(runners_dir, harness_dir)}|{executor}|{timeout_s}|{setup}"
        self.hits = 0
        self.misses = 0

    def key(self, snippet_part: str) -> str:
        """The key of one snippet's result (see `snippet_key`)."""
        return hashlib.sha256(f"{FORMAT}|{self._shared}|{snippet_part}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> SnippetResult | None:
        path = self._path(key)
        try:
            result = load(SnippetResult, json.loads(path.read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def get_findings(self, key: str) -> list[Finding] | None:
        try:
            return [load(Finding, item) for item in json.loads(self._path(key).read_text())]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_findings(self, key: str, findings: Iterable[Finding]) -> None:
        self._write(key, [dump(f) for f in findings])

    def put(self, key: str, result: SnippetResult) -> None:
        if result.status is Status.ERROR or (result.evidence is not None and result.evidence.timed_out):
            return
        self._write(key, dump(result))

    def _write(self, key: str, data: object) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as handle:
            json.dump(data, handle)
        os.replace(handle.name, path)


def snippet_key(page_front_matter: object, snippet: object) -> str:
    """The part of a key that belongs to one snippet and its page."""
    return json.dumps([dump(page_front_matter), dump(snippet)], sort_keys=True, default=str)


def mock_setup_of(scenarios: Iterable[object], documents: Iterable[Path]) -> str:
    """The scenarios and the OpenAPI documents' contents, as one string for a cache key."""
    texts = [path.read_text(errors="replace") if path.exists() else f"missing {path}" for path in documents]
    return json.dumps([dump(list(scenarios)), texts], sort_keys=True, default=str)
