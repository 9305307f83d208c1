"""Finding pages: explicit files, and folders walked for markdown and front-matter pages."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Sequence
from pathlib import Path

from harness.extract.formats import page_suffixes
from harness.model import Diagnostic

SKIPPED_DIRS = frozenset({"node_modules", "_partials"})
"""Folders never walked (besides hidden ones): dependencies and Hugo partials."""
SECTION_PAGES = frozenset({"_index.md", "_index.mdx", "_index.markdown"})
"""Hugo section pages: real pages although their names start with `_`."""
SITE_MARKERS = frozenset({"layouts", "archetypes", "themes", "hugo.toml", "hugo.yaml", "config.toml", "config.yaml"})
"""Beside a `content` folder, these make a Hugo site root: only `content` holds pages there (the
`.md` files under `layouts/` are templates)."""


def find_pages(paths: Sequence[str]) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """The pages named by `paths`, each with its display path, and a diagnostic per missing path.

    A file is a page whatever its name; a folder is walked in sorted order for `.md`, `.mdx` and
    `.markdown` files and other text files that start with front matter (`---` or `+++`).
    Hidden folders, `node_modules`, `_partials` and files named `_*` (Hugo partials) are skipped, so
    are `content/partials` (Starlight's) and, in a Hugo site root, every folder but `content`.
    """
    pages: list[tuple[Path, str]] = []
    diagnostics: list[Diagnostic] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            pages.extend((found, _display(given, rel)) for found, rel in _walk(path))
        elif path.exists():
            pages.append((path, given))
        else:
            diagnostics.append(Diagnostic(given, 0, "no such file or folder"))
    return pages, diagnostics


def _walk(root: Path) -> Iterator[tuple[Path, str]]:
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIPPED_DIRS)
        if "content" in dirnames and SITE_MARKERS & {*dirnames, *filenames}:
            dirnames[:] = ["content"]
        if Path(folder).name == "content" and "partials" in dirnames:
            dirnames.remove("partials")  # Astro Starlight's partials collection, rendered by <Render>
        for name in sorted(filenames):
            path = Path(folder, name)
            if _is_page(path):
                yield path, path.relative_to(root).as_posix()


def _is_page(path: Path) -> bool:
    name = path.name
    if name.startswith(".") or (name.startswith("_") and name not in SECTION_PAGES):
        return False
    if path.suffix.lower() in page_suffixes():
        return True
    try:
        with path.open("rb") as handle:
            first = handle.readline(64).removeprefix(b"\xef\xbb\xbf").rstrip()
    except OSError:
        return False
    return first in (b"---", b"+++")


def _display(given: str, rel: str) -> str:
    if given in (".", "./"):
        return rel
    return posixpath.join(given, rel)
