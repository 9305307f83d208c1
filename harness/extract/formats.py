"""The registry of docs formats: which parser reads which page.

The built-in formats are listed here; a third-party package adds one by naming a `DocsFormat`
in the `harness.docs_formats` entry-point group.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harness.extract.hugo import parse_hugo
from harness.extract.mdx import parse_mdx
from harness.extract.partials import PartialFinder, hugo_partial, mdx_partial
from harness.extract.regions import FormatParser
from harness.plugins import PluginError, load_plugins

ENTRY_POINT_GROUP = "harness.docs_formats"


@dataclass(frozen=True)
class DocsFormat:
    """A docs format: its name, the file suffixes it owns and its parser."""

    name: str
    suffixes: tuple[str, ...]
    parse: FormatParser
    find_partial: PartialFinder | None = None
    """Where the partials its pages include live (None: includes are not followed)."""


HUGO = DocsFormat("hugo", (".md", ".markdown"), parse_hugo, hugo_partial)
MDX = DocsFormat("mdx", (".mdx",), parse_mdx, mdx_partial)

BUILT_IN: tuple[DocsFormat, ...] = (HUGO, MDX)
"""The formats that ship with the harness; a page whose suffix no format claims is read as `HUGO`."""


class FormatPluginError(PluginError):
    """A `harness.docs_formats` entry point that does not load or is no `DocsFormat`."""


@cache
def docs_formats() -> tuple[DocsFormat, ...]:
    """The built-in formats followed by those registered by installed packages."""
    plugins = load_plugins(ENTRY_POINT_GROUP, DocsFormat, "docs format", FormatPluginError)
    return BUILT_IN + tuple(fmt for _, fmt in plugins)


def page_suffixes() -> frozenset[str]:
    """The file suffixes of pages, found when a folder is walked."""
    return frozenset(suffix for fmt in docs_formats() for suffix in fmt.suffixes)


def format_for(path: Path) -> DocsFormat:
    """The format a page at `path` is written in (the last registered format owning its suffix)."""
    suffix = path.suffix.lower()
    return next((fmt for fmt in reversed(docs_formats()) if suffix in fmt.suffixes), HUGO)
