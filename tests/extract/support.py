"""Test support: where the fixture pages and the shared corpus live, and small extraction helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from harness.extract import extract_text
from harness.extract.formats import HUGO, MDX
from harness.model import Extraction

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "fixtures" / "pages"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


def line_of(path: Path, text: str, nth: int = 1) -> int:
    """The 1-based line of the `nth` line of `path` containing `text` (fails loudly if missing)."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(hits) >= nth, f"{text!r} not found {nth} times in {path}"
    return hits[nth - 1]


Extract = Callable[[str], Extraction]
"""The `fixture_page` fixture: extract `fixtures/pages/<name>`."""


def hugo(text: str) -> Extraction:
    """Extract Hugo page text shown as `page.md`."""
    return extract_text(text, "page.md", HUGO)


def mdx(text: str) -> Extraction:
    """Extract MDX page text shown as `page.mdx`."""
    return extract_text(text, "page.mdx", MDX)


def authored(options: Mapping[str, str]) -> dict[str, str]:
    """The options a page gave a snippet, without those the harness derived (`kind`, `env.*`)."""
    return {k: v for k, v in options.items() if k != "kind" and not k.startswith("env.")}
