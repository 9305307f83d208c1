"""Pages whose prose starts `wrangler dev` (no block of theirs does) run their `curl localhost` blocks
against the page's Worker served by a real `wrangler dev`; a server that does not start is the harness's
error, not the block's failure. Locally and in containers, with the same findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .test_runs import run_pages as dev_server_runs

PAGES = "fixtures/devstandin"

EXPECTED = {
    ("cron-local.md", 28): "passed",   # /cdn-cgi/handler/scheduled: the handler ran, `ok`
    ("cron-local.md", 34): "passed",   # ?cron=...&time=...
    ("greet-local.md", 22): "passed",  # the JSON the page shows
    ("greet-local.md", 29): "failed",  # the Worker throws for that path
    ("cron-throws.md", 18): "failed",  # the scheduled handler throws: `exception`, 500
}


def run_pages(tmp_path: Path, executor: str, pages: str = PAGES) -> tuple[dict[Any, Any], str]:
    """The wrangler blocks' results of `harness run PAGES` (JSON report), and what the run printed."""
    return dev_server_runs(tmp_path, executor, pages)


def assert_findings(found: dict[Any, Any], output: str) -> None:
    assert {key: s["status"] for key, s in found.items()} == EXPECTED, output
    assert found[("cron-local.md", 28)]["stdout"] == "ok" and found[("cron-local.md", 34)]["stdout"] == "ok"
    assert json.loads(found[("greet-local.md", 22)]["stdout"]) == {"greeting": "hello ada"}
    [threw] = [f["message"] for f in found[("greet-local.md", 29)]["findings"]]
    assert threw.startswith("fixtures/devstandin/greet-local.md:29 ")
    assert "the dev server's Worker (line 8) threw while this block called it: [wrangler:error] Error: no greeting" \
        in threw
    [failed] = [f["message"] for f in found[("cron-throws.md", 18)]["findings"]]
    assert found[("cron-throws.md", 18)]["stdout"] == "exception"
    assert "threw while this block called it: ✘ [ERROR] Uncaught Error: report for" in failed
    assert all(not [f for f in s["findings"] if f["severity"] == "error"] for s in found.values()
               if s["status"] == "passed"), output


def test_pages_without_a_dev_block_run_their_calls_locally(tmp_path: Path) -> None:
    found, output = run_pages(tmp_path, "local")
    assert_findings(found, output)


def test_a_served_worker_that_does_not_start_is_the_harness_error(tmp_path: Path) -> None:
    page = tmp_path / "pages" / "broken.md"
    page.parent.mkdir()
    page.write_text("# Broken\n\n```js\nexport default {\n  fetch() { return new Response('a') \n};\n```\n\n"
                    "Run `npx wrangler dev`, then:\n\n```sh\ncurl http://localhost:8787/\n```\n")
    found, output = run_pages(tmp_path, "local", str(page.parent))
    result = found[("broken.md", 12)]
    assert result["status"] == "error", output
    assert result["reason"].startswith("runner: the harness's wrangler dev serving line 4 did not start: ")
    assert "[ERROR]" in result["reason"] and not result["findings"]


@pytest.mark.docker
def test_pages_without_a_dev_block_give_the_same_findings_in_containers(tmp_path: Path) -> None:
    docker, output = run_pages(tmp_path / "docker", "docker")
    assert_findings(docker, output)
