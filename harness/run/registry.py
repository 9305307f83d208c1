"""The one place runners are registered, and the choice of runner for a snippet."""

from __future__ import annotations

import re
from pathlib import Path

from harness.model import Snippet
from harness.run.base import Runner
from harness.run.node import NodeRunner
from harness.run.python import PythonRunner
from harness.run.shell import ShellRunner
from harness.run.worker import WorkerRunner

_WORKER_MODULE = re.compile(r"export\s+default\b[\s\S]*\bfetch\s*[(:]")


def runners(runners_dir: Path) -> dict[str, Runner]:
    """Every runner, by name."""
    found: list[Runner] = [
        PythonRunner(runners_dir),
        NodeRunner(runners_dir),
        ShellRunner(),
        WorkerRunner(runners_dir),
    ]
    return {runner.name: runner for runner in found}


RUNNABLE_KINDS = frozenset({"worker", "script", "shell"})
"""Values of a snippet's `kind` option (set at extraction) that some runner takes."""


def runner_name_for(snippet: Snippet) -> str | None:
    """Which runner runs this snippet: a Worker module goes to `worker`, other js/ts to `node`.

    Extraction classifies each snippet into `options["kind"]`; a kind no runner takes (`fragment`,
    `notebook`, ...) gets None. A snippet without a kind (built by hand) is judged by its code.
    """
    kind = snippet.options.get("kind")
    if kind is not None and kind not in RUNNABLE_KINDS:
        return None
    if snippet.language == "py":
        return "python"
    if snippet.language == "sh":
        return "shell"
    if snippet.language in ("js", "ts"):
        if kind is not None:
            return "worker" if kind == "worker" else "node"
        return "worker" if _WORKER_MODULE.search(snippet.code) else "node"
    return None


def default_runners_dir() -> Path:
    """`runners/` of this checkout (the package is installed editable from it)."""
    return Path(__file__).resolve().parents[2] / "runners"
