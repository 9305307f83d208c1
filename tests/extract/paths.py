"""Where the test material lives: the project's fixture pages and the shared corpus."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "fixtures" / "pages"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


def line_of(path: Path, text: str, nth: int = 1) -> int:
    """The 1-based line of the `nth` line of `path` containing `text` (fails loudly if missing)."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(hits) >= nth, f"{text!r} not found {nth} times in {path}"
    return hits[nth - 1]
