"""`wrangler vectorize create-metadata-index` as a page runs it: wrangler's own request is answered."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = "fixtures/pages/unseen/vectorize-metadata-index.md"


def test_wrangler_creates_a_metadata_index(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", PAGE, "--executor", "local", "--no-cache",
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    create, metadata = json.loads(out.read_text())["snippets"]
    assert create["status"] == metadata["status"] == "passed", done.stdout + done.stderr
    assert "Successfully enqueued metadata index creation request" in metadata["stdout"]
    [sent] = [r for r in metadata["requests"] if r["path"].endswith("/metadata_index/create")]
    assert sent["json"] == {"propertyName": "mood", "indexType": "string"} and sent["status"] == 200
