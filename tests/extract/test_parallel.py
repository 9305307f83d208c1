"""Extraction across processes: a pool gives exactly what one process gives, in page order, and small
trees never start one."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from harness.extract import find_pages, parallel
from harness.extract.page import extract_page
from harness.extract.parallel import CHUNK_PAGES, extract_pages
from harness.model import Extraction

from .support import PAGES

EXTRACT_CHUNK = parallel._extract_chunk


def noting_the_process(pages: Sequence[tuple[Path, str]], table: Mapping[str, str] | None) -> list[Extraction]:
    """`_extract_chunk`, noting the process it ran in (a worker's must be picklable: module level)."""
    with open(os.environ["PIDS_FILE"], "a") as out:
        out.write(f"{os.getpid()}\n")
    return EXTRACT_CHUNK(pages, table)


@pytest.fixture()
def tree(tmp_path: Path) -> list[tuple[Path, str]]:
    """Every fixture page, three times over, and a page that cannot be read: more than two chunks."""
    sources = sorted(p for p in PAGES.rglob("*") if p.is_file())
    for copy in range(3):
        for source in sources:
            target = tmp_path / f"copy{copy}" / source.relative_to(PAGES)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    (tmp_path / "copy1" / "broken.md").write_bytes(b"---\ntitle: x\n---\n\xff\xfe not utf-8\n")
    found, missing = find_pages([str(tmp_path)])
    assert not missing and len(found) > 2 * CHUNK_PAGES
    return found


def test_a_pool_extracts_what_one_process_does_in_page_order(
    tree: list[tuple[Path, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = tmp_path / "pids"
    monkeypatch.setenv("PIDS_FILE", str(pids))
    monkeypatch.setattr(parallel, "_extract_chunk", noting_the_process)
    placeholders = {"{ACCOUNT_ID}": "acc", "{API_TOKEN}": "tok"}
    serial = [extract_page(path, display, placeholders) for path, display in tree]
    pooled = extract_pages(tree, placeholders, workers=2, threshold=1)
    assert set(pids.read_text().split()) - {str(os.getpid())}, "no chunk was extracted by a worker"
    assert [e.page.path for e in pooled] == [display for _, display in tree]
    assert pooled == serial
    assert any(d.message.startswith("cannot read page") for e in pooled for d in e.diagnostics)
    assert sum(len(e.snippets) for e in pooled) > 0


@pytest.fixture()
def no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting a pool fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(multiprocessing, "get_context", refuse)


@pytest.mark.usefixtures("no_pool")
def test_below_the_threshold_no_process_is_started(tree: list[tuple[Path, str]]) -> None:
    small = extract_pages(tree, workers=2, threshold=len(tree) + 1)
    assert small == [extract_page(path, display) for path, display in tree]
    assert extract_pages(tree, workers=1, threshold=1) == small


@pytest.mark.usefixtures("no_pool")
def test_with_other_threads_running_no_process_is_forked(tree: list[tuple[Path, str]]) -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert extract_pages(tree, workers=2, threshold=1) == [extract_page(path, display) for path, display in tree]
    finally:
        release.set()
        other.join()
