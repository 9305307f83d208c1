"""What registers an executor: its name, how it is made from the run's settings, and whether it can
run here. Each executor's package defines one `ExecutorKind`; `harness.run.executors` lists them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness.mock.server import MockConfig
from harness.run.base import Executor


@dataclass(frozen=True)
class ExecutorSettings:
    """What an executor is made from: the part of a run's options executors read."""

    runners_dir: Path
    """`runners/` on this machine."""
    mock: MockConfig = field(default_factory=MockConfig)
    """The mock as the configuration asks for it (scenarios, OpenAPI documents)."""
    warm_workers: bool = True
    """Runners that declare `warm_server` run on warm servers where the executor keeps them."""
    isolation: str = "snippet"
    """What a container is fresh for (`snippet`, `group`, `run`); read by the docker executor."""
    build_images: bool = False
    """Build missing or stale images first instead of failing; read by the docker executor."""


def _ready_here(settings: ExecutorSettings) -> str | None:
    return None


@dataclass(frozen=True)
class ExecutorKind:
    """One executor as the registry knows it (`harness.executors` entry points name one of these)."""

    name: str
    """What `--executor` calls it."""
    make: Callable[[ExecutorSettings], Executor]
    """Builds the executor (not yet entered); raises `HarnessError` when it cannot run here."""
    sandboxed: bool = False
    """Snippets cannot reach this machine's files, network or processes: `auto` prefers a ready one."""
    ready: Callable[[ExecutorSettings], str | None] = _ready_here
    """None when it can run here as it is now, else why not (asked by `auto`; should be quick)."""
