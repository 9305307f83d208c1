"""A runner that cannot run here (its npm packages or Python environment missing, node not on PATH)
gives the same error under the in-process executor as under the local one, for every runtime."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.pipeline import RunOptions, execute, plan
from harness.run.executors import make_executor
from harness.run.registry import default_runners_dir

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "pages" / "seed.md"


def verdicts(executor: str, runners_dir: Path) -> list[tuple[str | None, str, str]]:
    """Label, status and reason of each snippet of the seed page."""
    options = RunOptions(executor=executor, typecheck=False, runners_dir=runners_dir)
    with make_executor(options) as running:
        results = execute(plan([str(SEED)]), running, options).results
    return [(r.snippet.label, r.status.value, r.reason) for r in results]


def test_missing_runner_packages_are_reported_as_the_local_executor_reports_them(tmp_path: Path) -> None:
    local = verdicts("local", tmp_path)
    assert [(label, status) for label, status, _ in local] == [
        ("streaming", "error"), ("worker", "error"), ("node", "error"), ("python", "error"), ("curl", "failed")]
    assert local[2][2] == f"runner node: npm dependencies missing in {tmp_path / 'node'} (run `make setup`)"
    assert local[3][2].startswith("runner python: no Python environment at ")
    assert verdicts("inprocess", tmp_path) == local


def test_node_missing_from_path_is_reported_as_the_local_executor_reports_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for tool in ("bash", "curl"):
        found = shutil.which(tool)
        assert found is not None
        (tmp_path / tool).symlink_to(found)
    monkeypatch.setenv("PATH", str(tmp_path))
    local = verdicts("local", default_runners_dir())
    assert [(label, reason) for label, _, reason in local if reason] == [
        (label, f"runner {runner}: node is not on PATH")
        for label, runner in (("streaming", "worker"), ("worker", "worker"), ("node", "node"))]
    assert verdicts("inprocess", default_runners_dir()) == local
