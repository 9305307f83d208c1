"""Runners by name and the runner for a snippet: kept for callers of the run stage; the runtimes
themselves are registered in `harness.runtimes.registry`."""

from __future__ import annotations

from pathlib import Path

from harness.model import Snippet
from harness.runtimes.registry import runners as runners
from harness.runtimes.registry import runtime_for


def runner_name_for(snippet: Snippet) -> str | None:
    """Which runner runs this snippet (a Worker module goes to `worker`, other js/ts to `node`), or None."""
    runtime = runtime_for(snippet)
    return runtime.name if runtime else None


def default_runners_dir() -> Path:
    """`runners/` of this checkout (the package is installed editable from it)."""
    return Path(__file__).resolve().parents[2] / "runners"
