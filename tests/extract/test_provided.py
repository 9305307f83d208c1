"""What the classifier believes the runners have is what their manifests install."""

from __future__ import annotations

import json
import re

from harness.extract import provided

from .support import REPO

RUNNERS = REPO / "runners"


def importable(runner: str) -> frozenset[str]:
    """The npm packages a runner installs under their own names (aliases like `x-1.0` are not)."""
    deps = json.loads((RUNNERS / runner / "package.json").read_text())["dependencies"]
    return frozenset(name for name, version in deps.items() if not str(version).startswith("npm:"))


def test_npm_packages_match_the_runner_manifests() -> None:
    assert importable("node") == provided.NODE_PACKAGES
    assert importable("worker") == provided.WORKER_PACKAGES
    assert importable("wrangler") == provided.WRANGLER_PACKAGES


def test_python_packages_match_requirements() -> None:
    text = (RUNNERS / "python" / "requirements.txt").read_text()
    lines = text.split("# Their dependencies")[0].splitlines()  # the pins of dependencies follow
    wanted = [line for line in lines if line.strip() and not line.startswith("#")]
    assert {re.split(r"[=<>~!\[]", line)[0].strip().lower() for line in wanted} == provided.PYTHON_PACKAGES


def test_the_shell_runner_installs_the_programs_it_claims() -> None:
    dockerfile = (RUNNERS / "shell" / "Dockerfile").read_text()
    assert {"curl", "jq"} <= provided.SHELL_PROGRAMS
    assert "curl" in dockerfile and "jq" in dockerfile
