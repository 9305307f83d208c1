"""Pages Functions end to end, through the CLI: each export runs in a Pages `context`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAGE = "fixtures/pages/bindings/pages-function.md"


def run_page(tmp_path: Path, page: str) -> tuple[int, list[dict[str, Any]], str]:
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", page, "--executor", "local", "--no-cache",
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    return done.returncode, json.loads(out.read_text())["snippets"], done.stdout + done.stderr


def test_pages_functions_get_their_method_params_and_next(tmp_path: Path) -> None:
    code, snippets, output = run_page(tmp_path, PAGE)
    assert code == 0, output
    by_line = {s["line"]: s for s in snippets}
    assert {line: s["status"] for line, s in by_line.items()} == {10: "passed", 20: "passed"}, output
    # onRequestPost got a POST with the JSON body whose keys it destructures
    assert json.loads(by_line[10]["response"]["body"]) == {"created": "example", "path": "/"}
    # onRequestGet got its route parameter, and next() answered as the static asset
    assert json.loads(by_line[20]["response"]["body"]) == {
        "user": "1", "asset": 200, "type": "text/html; charset=utf-8"}


def test_a_pages_function_is_listed_as_runnable_on_the_worker() -> None:
    done = subprocess.run([sys.executable, "-m", "harness.cli", "list", PAGE, "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    listed = json.loads(done.stdout)["snippets"]
    assert [(s["kind"], s["status"], s["runner"]) for s in listed] == [("pages-function", "runnable", "worker")] * 2
