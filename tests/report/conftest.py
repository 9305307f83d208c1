"""One real run over the fixture pages, shared by the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.model import RunResult
from harness.pipeline import RunOptions, execute, plan
from harness.run.local.executor import LocalExecutor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def fixture_run() -> RunResult:
    options = RunOptions(jobs=2)
    the_plan = plan([str(ROOT / "fixtures" / "pages")])
    with LocalExecutor(options.runners_dir) as executor:
        return execute(the_plan, executor, options)
