"""Runs of `harness run` signalled from outside (see `watch`); each test's run is killed if it fails."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from signals.watch import Watched, kill_all, start  # tests/ is the root of the test packages


@pytest.fixture
def harness_run(tmp_path: Path) -> Iterator[Callable[..., Watched]]:
    """Starts `harness run` (see `watch.start`); what a failing test leaves is killed after it."""
    started: list[Watched] = []

    def run(*args: object, **kwargs: object) -> Watched:
        watched = start(tmp_path, *args, **kwargs)  # type: ignore[arg-type]
        started.append(watched)
        return watched

    yield run
    for watched in started:
        kill_all(watched)
