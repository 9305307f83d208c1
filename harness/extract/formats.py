"""The registry of docs formats: which parser reads which page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.extract.hugo import parse_hugo
from harness.extract.mdx import parse_mdx
from harness.extract.regions import FormatParser


@dataclass(frozen=True)
class DocsFormat:
    """A docs format: its name, the file suffixes it owns and its parser."""

    name: str
    suffixes: tuple[str, ...]
    parse: FormatParser


HUGO = DocsFormat("hugo", (".md", ".markdown"), parse_hugo)
MDX = DocsFormat("mdx", (".mdx",), parse_mdx)

FORMATS: tuple[DocsFormat, ...] = (HUGO, MDX)
"""Every known format; a page whose suffix none claims is read as `HUGO` (plain CommonMark)."""

PAGE_SUFFIXES: frozenset[str] = frozenset(suffix for fmt in FORMATS for suffix in fmt.suffixes)


def format_for(path: Path) -> DocsFormat:
    """The format a page at `path` is written in."""
    suffix = path.suffix.lower()
    return next((fmt for fmt in FORMATS if suffix in fmt.suffixes), HUGO)
