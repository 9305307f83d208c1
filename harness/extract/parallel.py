"""Extracting many pages at once: across the machine's cores when a tree is large.

From `POOL_THRESHOLD` pages up, the first chunk of pages is extracted here (warming what extraction
loads lazily) and a pool of forked processes (one per usable core) extracts the other chunks; the
results come back in page order. Below it, on one core, or when this process runs other threads (a
fork could copy a lock one of them holds), pages are extracted here one after another. Each worker
holds one chunk's pages at a time, so memory grows with the results (which the caller keeps anyway),
not with the pool.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from harness.errors import HarnessError
from harness.extract.page import extract_page
from harness.model import Extraction

POOL_THRESHOLD = 64
"""Pages from which a tree is extracted by a pool (below, a pool's start costs more than it saves)."""
CHUNK_PAGES = 16
"""Pages a worker is handed at a time: few enough to share the work out evenly, enough that passing
them back and forth costs little."""


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def extract_pages(
    found: Sequence[tuple[Path, str]],
    placeholders: Mapping[str, str] | None = None,
    workers: int | None = None,
    threshold: int | None = None,
) -> list[Extraction]:
    """`extract_page` of each (path, display) of `found`, in order; in `workers` processes (default:
    one per usable core) when there are at least `threshold` pages (default `POOL_THRESHOLD`)."""
    return list(iter_extractions(found, placeholders, workers, threshold))


def iter_extractions(
    found: Sequence[tuple[Path, str]],
    placeholders: Mapping[str, str] | None = None,
    workers: int | None = None,
    threshold: int | None = None,
) -> Iterator[Extraction]:
    """`extract_pages`, one extraction at a time as each chunk comes back (a caller that keeps only
    what it needs of each holds no more than a chunk's worth)."""
    threshold = POOL_THRESHOLD if threshold is None else threshold
    workers = min(workers or usable_cores(), -(-len(found) // CHUNK_PAGES))
    forkable = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if workers < 2 or len(found) < threshold or not forkable:
        yield from (extract_page(path, display, placeholders) for path, display in found)
        return
    table = dict(placeholders) if placeholders is not None else None
    # The first chunk here: it loads what extraction loads lazily (entry points, compiled patterns,
    # the first page costs ten times the next), which the forked workers then start with.
    yield from _extract_chunk(found[:CHUNK_PAGES], table)
    chunks = [found[i : i + CHUNK_PAGES] for i in range(CHUNK_PAGES, len(found), CHUNK_PAGES)]
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for extractions in pool.map(_extract_chunk, chunks, [table] * len(chunks)):
                yield from extractions
    except BrokenProcessPool as error:
        raise HarnessError(f"extracting {len(found)} pages in {workers} processes: a worker died ({error})") from error


def _extract_chunk(pages: Sequence[tuple[Path, str]], placeholders: Mapping[str, str] | None) -> list[Extraction]:
    return [extract_page(path, display, placeholders) for path, display in pages]
