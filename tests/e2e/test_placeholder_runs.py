"""Pages whose blocks need values the reader chooses run with values of the right kind: a build output
folder `wrangler pages dev` serves, an adapter folder `wrangler ai finetune create` uploads, a role in a JSON
body that fits the contract. The reports show each placeholder, never the value it got."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.extract.page import extract_page
from harness.report.html import unpack

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures" / "placeholders"
EXPECTED = {
    ("adapters.md", 10): "passed",   # finetune create (a LoRA model, a stand-in adapter folder), then list
    ("adapters.md", 20): "passed",   # curl .../members with a role id that fits the contract
    ("pages-dev.md", 10): "passed", ("pages-dev.md", 20): "passed",   # a Function, pages dev <OUTPUT_DIR>
    ("pages-dev.md", 26): "passed", ("pages-dev.md", 32): "passed",   # --binding=<NAME>=<VALUE>
    ("pages-dev.md", 38): "passed", ("pages-dev.md", 45): "passed",  # a D1 table the harness makes, both runs
}



def _statuses_and_rules(tmp_path: Path, executor: str) -> tuple[dict[tuple[str, int], str], dict[str, list[str]]]:
    out = tmp_path / f"{executor}.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", str(PAGES.relative_to(ROOT)), "--executor",
                           executor, "-j", "2", "--no-cache", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert out.exists(), done.stdout + done.stderr
    snippets = json.loads(out.read_text())["snippets"]
    return ({(Path(s["page"]).name, s["line"]): s["status"] for s in snippets},
            {f"{Path(s['page']).name}:{s['line']}": sorted(f["rule"] for f in s["findings"]) for s in snippets})


@pytest.mark.docker
def test_placeholder_pages_give_the_same_results_in_containers(tmp_path: Path) -> None:
    """Also: the Miniflare that `pages dev` starts in a container asks no `cf.json` of Cloudflare (an
    empty cache there; it would be a REQ007 the page never made)."""
    statuses, rules = _statuses_and_rules(tmp_path, "docker")
    assert statuses == EXPECTED
    assert (statuses, rules) == _statuses_and_rules(tmp_path, "local")


def test_placeholder_pages_run_and_reports_show_placeholders(tmp_path: Path) -> None:
    out, html = tmp_path / "report.json", tmp_path / "report.html"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", str(PAGES.relative_to(ROOT)), "--executor",
                           "local", "-j", "2", "--no-cache", "--json", str(out), "--html", str(html)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    report = json.loads(out.read_text())
    found = {(Path(s["page"]).name, s["line"]): s for s in report["snippets"]}
    assert {key: s["status"] for key, s in found.items()} == EXPECTED, done.stdout + done.stderr
    rules = {key: sorted(f["rule"] for f in s["findings"]) for key, s in found.items() if s["findings"]}
    assert rules == {("adapters.md", 10): ["API007"],  # wrangler's own text/plain JSON: a warning
                     ("pages-dev.md", 38): ["RUN007"], ("pages-dev.md", 45): ["RUN007"]}, rules  # D1 made: said

    dev = found[("pages-dev.md", 20)]
    assert "GET / -> 200\nno greeting yet" in dev["stdout"] and "env.GREETINGS (GREETINGS)" in dev["stderr"]
    listed = found[("adapters.md", 10)]["stdout"]
    assert 'Creating new finetune "<finetune_name>" for model "<model_name>"' in listed
    assert 'Uploading file "<folder_path>/adapter_model.safetensors"' in listed and "finetune_id" in listed
    [member] = found[("adapters.md", 20)]["requests"]
    assert member["json"] == {"email": "<TEAMMATE_EMAIL>", "roles": ["<TEAMMATE_ROLE>"], "status": "<INVITE_STATUS>"}
    assert found[("pages-dev.md", 45)]["stdout"].startswith("GET / -> 200\n{\"id\":1}")  # the table it made

    blob = max(re.findall(r"[A-Za-z0-9+/=]{200,}", html.read_text()), key=len)
    shown = unpack(blob)
    [ran_as] = [b["rah"] for b in shown["blocks"] if b["l"] == 20 and "rah" in b and b["lang"] == "sh"
                and "index.html" in b["rah"]]
    assert "build output folder <OUTPUT_DIR>" in ran_as and "Pages Function of line 10" in ran_as
    texts = out.read_text() + json.dumps(shown) + done.stdout + done.stderr
    values = {v for page in PAGES.glob("*.md") for s in extract_page(page, page.name).snippets
              for v in json.loads(s.options.get("generated", "{}")).values()}
    assert {"my-output", "my-folder", "MY_VARIABLE"} <= values
    assert [v for v in values if v in texts] == []
