"""Partials: content a page pulls in from another file, and the examples in it.

Hugo (cloudflare-docs until 2024): `{{<render file="_x.md" productFolder="workers">}}` renders
`content/<productFolder or the page's section>/_partials/_x.md`, `$1`, `$2`, ... replaced by the
`withParameters="a;;b"` values. MDX (Astro Starlight): `<Render file="x" product="workers" />`
renders `src/content/partials/<product or the page's product>/x.mdx`.

An included snippet belongs to the page that renders it (a reader sees it there): its id is
`<page>::<partial file>:<group>::<label>`, its line the line of the render tag, and its option
`partial` says where its code really is (`content/workers/_partials/_x.md:12`).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from harness.extract.regions import Include
from harness.model import Diagnostic, Extraction, Severity, Snippet

MAX_DEPTH = 8
"""Partials rendering partials: deeper than this is taken for a loop."""


@dataclass(frozen=True)
class Lookup:
    """Where a partial may be, in order, and the folder it belongs in."""

    candidates: tuple[Path, ...]
    folder: Path | None = None
    """The partials folder the include points into (None when the page is in no content tree)."""


PartialFinder = Callable[[Path, Include], Lookup]
"""A docs format's rule: page path and include -> where the partial may be."""
ReadPartial = Callable[[Path, str, Include], tuple[Extraction, Sequence[Include]]]
"""Extracts a partial file (shown as the given display path) for one include, and its own includes."""


def hugo_partial(page: Path, include: Include) -> Lookup:
    """`content/<productFolder or section>/_partials/<file>`, the rule of cloudflare-docs' `render`."""
    name = include.file.strip().lstrip("/")
    root = _ancestor_named(page, "content")
    if not name or root is None:
        return Lookup(())
    section = include.attrs.get("productFolder", "").strip("/") or _first_part(page, root)
    folder = root / section / "_partials"
    return Lookup((folder / name,), folder)


def mdx_partial(page: Path, include: Include) -> Lookup:
    """`src/content/partials/<product or the page's product>/<file>.mdx`, the rule of `<Render>`."""
    name = include.file.strip().strip("/")
    root = _ancestor_named(page, "content")
    if not name or root is None:
        return Lookup(())
    product = include.attrs.get("product", "").strip("/") or _first_part(page, root / "docs")
    folder = root / "partials" / product
    names = [name] if Path(name).suffix in (".md", ".mdx") else [name + ".mdx", name + ".md"]
    return Lookup(tuple(folder / n for n in names), folder)


def include_partials(
    page: Path, display: str, includes: Sequence[Include], find: PartialFinder, read: ReadPartial,
    chain: tuple[Path, ...] = (),
) -> tuple[list[Snippet], list[Diagnostic]]:
    """The snippets of the partials `includes` name (and of theirs), adopted by the page."""
    snippets: list[Snippet] = []
    diagnostics: list[Diagnostic] = []
    seen: dict[str, int] = {}
    outside: dict[str, list[Include]] = {}
    for include in includes:
        lookup = find(page, include)
        found = next((path for path in lookup.candidates if path.is_file()), None)
        if found is None and lookup.folder is not None and not lookup.folder.is_dir():
            outside.setdefault(shown_path(page, display, lookup.folder), []).append(include)
            continue
        if found is None:
            diagnostics.append(_missing(page, display, include, lookup))
            continue
        if found.resolve() in chain or len(chain) >= MAX_DEPTH:
            diagnostics.append(Diagnostic(display, include.line, f"render of `{include.file}` loops back to itself",
                                          Severity.WARNING))
            continue
        shown = shown_path(page, display, found)
        extraction, nested = read(found, shown, include)
        inner, inner_problems = include_partials(found, shown, nested, find, read,
                                                 (*chain, page.resolve(), found.resolve()))
        seen[found.name] = seen.get(found.name, 0) + 1
        prefix = found.name if seen[found.name] == 1 else f"{found.name}#{seen[found.name]}"
        snippets += [adopt(s, display, include.line, prefix) for s in (*extraction.snippets, *inner)]
        diagnostics += [*extraction.diagnostics, *inner_problems]
    for folder, missing in outside.items():
        names = ", ".join(dict.fromkeys(f"`{include.file}`" for include in missing))
        diagnostics.append(Diagnostic(display, missing[0].line, f"{folder} is not in the tree given: partials not "
                                      f"extracted: {names}", Severity.INFO))
    return snippets, diagnostics


def adopt(snippet: Snippet, page: str, line: int, prefix: str) -> Snippet:
    """`snippet` of a partial as a snippet of `page`, at the line that renders the partial."""
    _, group, name = snippet.id.rsplit("::", 2)
    options = {**snippet.options}
    options.setdefault("partial", f"{snippet.page}:{snippet.line}")
    return replace(snippet, id=f"{page}::{prefix}:{group}::{name}", page=page, group=f"{prefix}:{group}",
                   line=line, fence_line=line, options=options)


def with_parameters(text: str, include: Include) -> str:
    """Hugo's `withParameters="a;;b"`: `$1`, `$2`, ... of the partial replaced, highest first."""
    raw = include.attrs.get("withParameters")
    if not raw:
        return text
    values = raw.split(";;")
    for number in range(len(values), 0, -1):
        text = text.replace(f"${number}", values[number - 1])
    return text


def shown_path(page: Path, display: str, other: Path) -> str:
    """`other` as the user would see it, in the style of the page's display path."""
    relative = os.path.relpath(other, page.parent).replace(os.sep, "/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(display), relative))


def _missing(page: Path, display: str, include: Include, lookup: Lookup) -> Diagnostic:
    if not lookup.candidates:
        return Diagnostic(display, include.line, f"partial `{include.file}` not extracted: the page is in no "
                          "content tree to find it in", Severity.INFO)
    where = shown_path(page, display, lookup.candidates[0])
    return Diagnostic(display, include.line, f"partial `{include.file}` not found at {where}: a broken reference",
                      Severity.WARNING)


def _ancestor_named(path: Path, name: str) -> Path | None:
    return next((parent for parent in path.resolve().parents if parent.name == name), None)


def _first_part(page: Path, root: Path) -> str:
    try:
        return page.resolve().relative_to(root).parts[0]
    except (ValueError, IndexError):
        return ""
