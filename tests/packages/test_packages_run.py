"""`harness packages install` fills the project's cache once; runs then import from it, offline,
locally and in docker, with the same findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.node


def test_install_writes_the_packages_and_their_locks(project: Path) -> None:
    cache = project / ".harness-cache" / "packages"
    manifest = json.loads((cache / "npm" / "package.json").read_text())
    assert manifest["dependencies"] == {"tiny-greet": "file:../../../vendor/tiny-greet-1.0.0.tgz"}
    lock = json.loads((cache / "npm" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/tiny-greet"]["version"] == "1.0.0"
    assert (cache / "npm" / "node_modules" / "tiny-greet" / "index.js").is_file()
    assert (cache / "pypi" / "requirements.lock").read_text().splitlines() == ["tiny-greet==1.0.0"]
    assert (cache / "pypi" / "tiny_greet.py").is_file()


def run(project: Path, executor: str) -> dict[int, dict[str, Any]]:
    out = project / f"report-{executor}.json"
    build = ["--build"] if executor == "docker" else []
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", "greetings.md", "--config", "harness.toml",
                           "--executor", executor, *build, "--no-cache", "--json", str(out)],
                          cwd=project, capture_output=True, text=True, timeout=900)
    assert out.exists(), done.stdout + done.stderr
    return {s["line"]: s for s in json.loads(out.read_text())["snippets"]}


def outcomes(report: dict[int, dict[str, Any]]) -> dict[int, tuple[Any, ...]]:
    return {line: (s["runner"], s["status"], s["stdout"], (s.get("response") or {}).get("body"), s["reason"],
                   s["findings"]) for line, s in report.items()}


EXPECTED = {
    10: ("node", "passed", "hello, node, from tiny-greet\n", None, "", []),
    18: ("worker", "passed", "", "hello, worker, from tiny-greet", "", []),
    30: ("python", "passed", "hello, python, from tiny-greet\n", None, "", []),
    38: (None, "skipped", "", None, 'not runnable: needs npm package `left-pad`, not installed for Node scripts '
         '(add it to packages.npm in [tool.harness], pinned: "name@1.2.3")', []),
    46: ("python", "passed", "hello, session, from tiny-greet\n", None, "", []),  # a page session's next cell
}


def test_node_scripts_workers_and_python_import_the_configured_packages(project: Path) -> None:
    assert outcomes(run(project, "local")) == EXPECTED


@pytest.mark.docker
def test_docker_runs_see_the_same_packages(project: Path) -> None:
    assert outcomes(run(project, "docker")) == EXPECTED
