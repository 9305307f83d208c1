"""Finding pages on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.extract import extract_page, find_pages
from harness.extract.formats import HUGO, MDX, format_for, page_suffixes

from .support import SHARED


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    files = {
        "docs/b.md": "# B\n",
        "docs/a.mdx": "# A\n",
        "docs/sub/c.markdown": "# C\n",
        "docs/sub/page.txt": "---\ntitle: t\n---\n",
        "docs/sub/toml.txt": "+++\ntitle = 't'\n+++\n",
        "docs/sub/notes.txt": "just notes\n",
        "docs/sub/data.json": "{}\n",
        "docs/_partial.md": "# partial\n",
        "docs/section/_index.md": "# section\n",
        "docs/_partials/x.md": "# partial\n",
        "docs/node_modules/pkg/readme.md": "# dep\n",
        "docs/.hidden/h.md": "# hidden\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_folders_are_walked_in_order(tree: Path) -> None:
    pages, missing = find_pages(["docs"])
    assert missing == []
    assert [display for _, display in pages] == [
        "docs/a.mdx",
        "docs/b.md",
        "docs/section/_index.md",
        "docs/sub/c.markdown",
        "docs/sub/page.txt",
        "docs/sub/toml.txt",
    ]
    assert all(path.is_file() for path, _ in pages)


def test_display_keeps_the_path_as_written(tree: Path) -> None:
    pages, _ = find_pages(["docs/", "./docs/sub"])
    assert pages[0][1] == "docs/a.mdx"
    assert [display for _, display in pages][-3:] == [
        "./docs/sub/c.markdown",
        "./docs/sub/page.txt",
        "./docs/sub/toml.txt",
    ][-4:]


def test_explicit_files_are_pages_whatever_their_name(tree: Path) -> None:
    pages, _ = find_pages(["docs/sub/notes.txt", "docs/_partial.md"])
    assert [display for _, display in pages] == ["docs/sub/notes.txt", "docs/_partial.md"]


def test_missing_paths_are_diagnostics(tree: Path) -> None:
    pages, missing = find_pages(["nope.md", "docs/b.md"])
    assert [display for _, display in pages] == ["docs/b.md"]
    assert [(d.page, d.line) for d in missing] == [("nope.md", 0)]


def test_dot_gives_relative_displays(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree / "docs")
    pages, _ = find_pages(["."])
    assert pages[0][1] == "a.mdx"


def test_seed_folder_of_txt_pages() -> None:
    pages, _ = find_pages([str(SHARED / "seeds")])
    assert [path.name for path, _ in pages] == ["000_5da410dbf5ca7cb1.txt"]


def test_unreadable_pages_are_a_diagnostic_not_an_exception(tree: Path) -> None:
    (tree / "docs" / "binary.md").write_bytes(b"\xff\xfe\x00bad")
    for path in (tree / "docs" / "binary.md", tree / "docs", tree / "gone.md"):
        extraction = extract_page(path, "x.md")
        [diagnostic] = extraction.diagnostics
        assert (diagnostic.line, extraction.snippets) == (0, ())
        assert diagnostic.message.startswith("cannot read page: ")


def test_formats_by_suffix() -> None:
    assert format_for(Path("a.mdx")) is MDX
    assert format_for(Path("a.MD")) is HUGO
    assert format_for(Path("seed.txt")) is HUGO
    assert {".md", ".mdx", ".markdown"} <= page_suffixes()
