"""A Worker that signs URLs on one route and verifies them on the others is asked on its signing route
(the value it verifies is minted there, no invented one fits): the right page passes, and a page whose
signing route is broken still fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_signing_route_is_asked_and_a_broken_one_fails(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", "fixtures/pages/contract/signed-urls.md",
                           "--executor", "local", "--no-cache", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(out.read_text())
    status = {s["line"]: s["status"] for s in report["snippets"]}
    assert status == {10: "passed", 33: "failed"}, done.stdout + done.stderr
    [good] = [s for s in report["snippets"] if s["line"] == 10]
    assert good["response"]["body"].startswith("/?verify="), good["response"]
