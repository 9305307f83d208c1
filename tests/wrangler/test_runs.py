"""wrangler blocks run for real against the mock, through the CLI, locally and in containers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = "fixtures/wrangler"
EXPECTED = {
    ("d1-tutorial.md", 10): "passed",   # d1 create
    ("d1-tutorial.md", 29): "passed",   # CREATE TABLE --remote --command
    ("d1-tutorial.md", 40): "passed",   # --file seed.sql (the import API: init, upload, ingest)
    ("d1-tutorial.md", 46): "passed",   # SELECT: the rows the earlier blocks wrote
    ("d1-tutorial.md", 63): "passed",   # deploy
    ("storage.md", 8): "passed", ("storage.md", 12): "passed",    # kv namespace create, list
    ("storage.md", 28): "passed",                                  # kv key put, then get
    ("storage.md", 33): "passed", ("storage.md", 37): "passed",   # r2 bucket create, queues create
    ("storage.md", 43): "passed", ("storage.md", 52): "passed",   # vectorize create, insert + query
    ("storage.md", 63): "passed", ("storage.md", 70): "passed",   # pages project create + deploy, npm install
    ("typo.md", 8): "passed", ("typo.md", 12): "failed",
}


def run_pages(tmp_path: Path, executor: str) -> tuple[dict[tuple[str, int], dict[str, Any]], str]:
    """The fixture pages at `-j 3`: a page's wrangler blocks still run in page order (`harness.run_order`),
    so `d1 execute` never starts before the `d1 create` above it."""
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", PAGES, "--executor", executor, "-j", "3",
                           "--no-cache", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    snippets = json.loads(out.read_text())["snippets"]
    return {(Path(s["page"]).name, s["line"]): s for s in snippets if s["runner"] == "wrangler"}, \
        done.stdout + done.stderr


def _findings(found: dict[tuple[str, int], dict[str, Any]]) -> dict[tuple[str, int], list[str]]:
    return {key: sorted(f["rule"] for f in s["findings"]) for key, s in found.items()}


def assert_findings(found: dict[tuple[str, int], dict[str, Any]], output: str) -> None:
    assert {key: s["status"] for key, s in found.items()} == EXPECTED, output
    select = found[("d1-tutorial.md", 46)]["stdout"]
    assert "pepperoni is the best topping" in select and "pineapple divides people" in select
    sent = [(r["method"], r["path"].rsplit("/", 2)[-2:]) for r in found[("d1-tutorial.md", 63)]["requests"]]
    assert ("PUT", ["scripts", "notes-api"]) in sent, sent
    assert "Deployed notes-api triggers" in found[("d1-tutorial.md", 63)]["stdout"]
    typo = found[("typo.md", 12)]
    assert "Unknown arguments" in typo["stderr"] and "exeucte" in typo["stderr"]
    errors = {key: [f["message"] for f in s["findings"] if f["severity"] == "error"] for key, s in found.items()}
    assert all(not errors[key] for key, s in found.items() if s["status"] == "passed"), errors
    # wrangler itself posts `r2 bucket create` and `queues create` JSON as text/plain: a warning, not the page's fault
    assert _findings(found)[("storage.md", 33)] == ["API007"]
    assert found[("storage.md", 28)]["stdout"].rstrip().endswith("hello from kv")  # what put wrote, get reads
    assert "Successfully enqueued 2 vectors" in found[("storage.md", 52)]["stdout"]
    assert "Deployment complete" in found[("storage.md", 63)]["stdout"]
    assert "added 1 package" in found[("storage.md", 70)]["stdout"]


def test_wrangler_blocks_run_against_the_mock_locally(tmp_path: Path) -> None:
    found, output = run_pages(tmp_path, "local")
    assert_findings(found, output)


@pytest.mark.docker
def test_wrangler_blocks_give_the_same_findings_in_containers(tmp_path: Path) -> None:
    local, local_output = run_pages(tmp_path / "local", "local")
    assert_findings(local, local_output)  # says what went wrong locally, if it did, before comparing
    docker, output = run_pages(tmp_path / "docker", "docker")
    assert_findings(docker, output)
    assert _findings(docker) == _findings(local)
