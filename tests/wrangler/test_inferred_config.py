"""A page that names its Worker's bindings only in prose: its wrangler blocks work in a project whose
configuration declares what the Worker's code uses, and say so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from harness.extract import extract_page
from harness.extract.worker_program import RAN_AS_OPTION
from harness.extract.wrangler_project import PROJECT_OPTION

ROOT = Path(__file__).resolve().parents[2]
PAGE = "fixtures/pages/unseen/kv-binding-in-prose.md"
SAID = ("in a project whose wrangler.json the harness wrote with the bindings the Worker of line 8 uses, "
        "`NOTES` (KV namespace): the page shows no configuration")


def test_the_project_declares_the_bindings_the_worker_uses_and_says_so() -> None:
    block = extract_page(ROOT / PAGE, PAGE).snippets[1]
    assert block.options[RAN_AS_OPTION] == SAID
    config = json.loads(json.loads(block.options[PROJECT_OPTION])["files"]["wrangler.json"])
    assert [entry["binding"] for entry in config["kv_namespaces"]] == ["NOTES"]
    assert config["main"] == "src/index.js"


def test_wrangler_finds_the_binding_the_page_told_the_reader_to_add(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", PAGE, "--executor", "local", "--no-cache",
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    block = next(s for s in json.loads(out.read_text())["snippets"] if s["runner"] == "wrangler")
    assert block["status"] == "passed", done.stdout + done.stderr
    assert block["stdout"].rstrip().endswith("hello there")
