"""`wrangler dev` blocks run for real: the dev server starts, answers, stops; later `curl localhost` blocks
call it; a Worker that does not build fails with wrangler's own error; a port held by another program is
the harness's error. Locally and in containers, with the same findings."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    ("notes-dev.md", 8): "passed", ("notes-dev.md", 14): "passed",  # npm create cloudflare, cd
    ("notes-dev.md", 35): "passed",                                  # npx wrangler dev: started, asked, stopped
    ("notes-dev.md", 41): "passed", ("notes-dev.md", 45): "passed",  # curl localhost:8787 with it running
    ("notes-dev.md", 51): "passed",                                  # yarn add hono
    ("broken-dev.md", 8): "passed",
    ("broken-dev.md", 20): "failed",                                 # the Worker does not build
    ("broken-dev.md", 24): "failed",                                 # so the curl after it has nothing to call
}


def run_pages(tmp_path: Path, executor: str, pages: str = "fixtures/devserver") -> tuple[dict[Any, Any], str]:
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", pages, "--executor", executor, "-j", "2",
                           "--no-cache", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    snippets = json.loads(out.read_text())["snippets"]
    return {(Path(s["page"]).name, s["line"]): s for s in snippets if s["runner"] == "wrangler"}, \
        done.stdout + done.stderr


def _findings(found: dict[Any, Any]) -> dict[Any, list[str]]:
    return {key: sorted(f["rule"] for f in s["findings"]) for key, s in found.items()}


def assert_findings(found: dict[Any, Any], output: str) -> None:
    assert {key: s["status"] for key, s in found.items()} == EXPECTED, output
    dev = found[("notes-dev.md", 35)]
    assert "POST / -> 200" in dev["stdout"] and "notes are up" in dev["stdout"]  # the Worker's own answer
    assert "Ready on http://localhost:8787" in dev["stderr"]
    assert found[("notes-dev.md", 41)]["stdout"] == "notes are up"
    assert json.loads(found[("notes-dev.md", 45)]["stdout"]) == {"saved": "buy milk", "length": 8}
    assert "added 1 package" in found[("notes-dev.md", 51)]["stdout"]
    [broken] = [f["message"] for f in found[("broken-dev.md", 20)]["findings"]]
    assert broken.startswith("fixtures/devserver/broken-dev.md:20 ") and \
        '✘ [ERROR] Expected ")" but found "}"' in broken
    assert "the dev server of line 20 did not start" in found[("broken-dev.md", 24)]["stderr"]
    errors = {key: [f["message"] for f in s["findings"] if f["severity"] == "error"] for key, s in found.items()}
    assert all(not errors[key] for key, s in found.items() if s["status"] == "passed"), errors


def test_dev_server_blocks_run_locally(tmp_path: Path) -> None:
    found, output = run_pages(tmp_path, "local")
    assert_findings(found, output)


def test_a_port_held_by_another_program_is_the_harness_error(tmp_path: Path) -> None:
    page = tmp_path / "pages" / "dev.md"
    page.parent.mkdir()
    page.write_text("# Dev\n\n```js title=\"src/index.js\"\nexport default { fetch() { return new Response('a') } };\n"
                    "```\n\n```sh\nnpx wrangler dev\n```\n")
    with socket.create_server(("127.0.0.1", 8787)) as holder:
        holder.listen()
        found, output = run_pages(tmp_path, "local", str(page.parent))
    [(_, result)] = found.items()
    assert result["status"] == "error", output
    assert result["reason"] == "runner: wrangler dev: port 8787 is in use by another program on this machine"


@pytest.mark.docker
def test_dev_server_blocks_give_the_same_findings_in_containers(tmp_path: Path) -> None:
    local, _ = run_pages(tmp_path / "local", "local")
    docker, output = run_pages(tmp_path / "docker", "docker")
    assert_findings(docker, output)
    assert _findings(docker) == _findings(local)
