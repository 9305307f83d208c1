"""Worker page sessions end to end through the CLI: the combined Workers of `fixtures/worker_sessions/`
run in workerd, each block keeps its own verdict at its own line, an error in code taken from an earlier
block is reported at that block's line, and local processes and docker containers agree."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.report import html

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures" / "worker_sessions"


def _run(executor: str, out: Path) -> dict[str, dict[str, Any]]:
    """Each snippet of the fixture pages by `page:line`, run under `executor` (the HTML report beside `out`)."""
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", str(PAGES.relative_to(ROOT)), "--executor",
                           executor, "--no-cache", "-j", "2", "--json", str(out), "--html",
                           str(out.with_suffix(".html"))], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 1: the fixtures' own failures
    return {f"{Path(s['page']).name}:{s['line']}": s for s in json.loads(out.read_text())["snippets"]}


def _line(page: str, text: str, nth: int = 1) -> int:
    hits = [n for n, line in enumerate((PAGES / page).read_text().splitlines(), 1) if text in line]
    return hits[nth - 1]


@pytest.fixture(scope="module")
def local_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sessions") / "local.json"


@pytest.fixture(scope="module")
def local(local_json: Path) -> dict[str, dict[str, Any]]:
    return _run("local", local_json)


def test_the_html_detail_shows_the_page_code_and_the_program_that_ran(
        local: dict[str, dict[str, Any]], local_json: Path) -> None:
    found = re.search(r'<script id="data"[^>]*>([^<]+)</script>', local_json.with_suffix(".html").read_text())
    assert found is not None
    data = html.unpack(found[1])
    where = _line("durable-object-split.md", "export default {")
    page = next(i for i, path in enumerate(data["pages"]) if path.endswith("durable-object-split.md"))
    [block] = [b for b in data["blocks"] if (b["p"], b["l"]) == (page, where)]
    snippet = local[f"durable-object-split.md:{where}"]
    assert block["code"] == snippet["source"] and block["ra"] == snippet["code"] != snippet["source"]
    assert block["rah"] == snippet["options"]["ran_as"]


def _findings(report: dict[str, dict[str, Any]]) -> dict[str, list[tuple[str, int, str]]]:
    """What a run found, block by block: status and findings (rule, line, message without the runner's
    file paths, which differ between a local process and a container)."""
    return {where: [(s["status"], 0, "")] + sorted((f["rule"], f["line"], f["message"].split(" at ")[0])
                                                   for f in s["findings"]) for where, s in report.items()}


def test_the_hono_steps_run_as_one_worker(local: dict[str, dict[str, Any]]) -> None:
    route = local[f"hono-steps.md:{_line('hono-steps.md', 'import { Hono }', 2)}"]
    assert (route["status"], route["exit_code"]) == ("passed", 0), route["stderr"]
    assert json.loads(route["response"]["body"]) == {"id": 1, "text": "Write the docs"}  # asked on the route it adds
    assert route["options"]["ran_as"].startswith("with lines ")
    assert 'app.get("/notes/:id"' in route["code"] and route["source"].startswith("import { Hono }")


def test_an_error_in_an_earlier_block_is_reported_at_that_block(local: dict[str, dict[str, Any]]) -> None:
    body = local[f"d1-reference.md:{_line('d1-reference.md', 'SELECT 2 AS two')}"]
    whole = _line("d1-reference.md", "SELECT 1 AS one")
    assert body["status"] == "failed"
    [found] = [f for f in body["findings"] if f["rule"] == "RUN001"]
    assert found["line"] == whole
    assert found["message"].startswith(f"fixtures/worker_sessions/d1-reference.md:{whole} exited with status 3: "
                                       'The symbol "stmt" has already been declared')
    # the Worker it continues still runs on its own, and passes
    assert local[f"d1-reference.md:{whole - 2}"]["status"] == "passed"


def test_d1_bodies_run_in_the_handler_with_the_table_created(local: dict[str, dict[str, Any]]) -> None:
    run = local[f"d1-reference.md:{_line('d1-reference.md', 'await stmt.run()')}"]
    assert run["status"] == "passed", run["stderr"]
    assert json.loads(run["response"]["body"]) == {"changes": 1}
    select = local[f"d1-reference.md:{_line('d1-reference.md', 'SELECT text FROM notes')}"]
    assert (select["status"], json.loads(select["response"]["body"])) == ("passed", [])


def test_a_body_that_throws_fails_at_its_own_line(local: dict[str, dict[str, Any]]) -> None:
    where = _line("d1-reference.md", "WHERE id = ?1")
    body = local[f"d1-reference.md:{where}"]
    skeleton, create = _line("d1-reference.md", "async fetch(request, env) {"), _line("d1-reference.md", "CREATE TABLE")
    assert (body["status"], body["options"]["ran_as"]) == ("failed", f"with lines {skeleton} and {create} of the page")
    assert [(f["rule"], f["line"]) for f in body["findings"]] == [("RUN003", where)]
    assert "Cannot read properties of null (reading 'text')" in body["findings"][0]["message"]


def test_the_durable_object_class_from_another_block_is_bound(local: dict[str, dict[str, Any]]) -> None:
    worker = local[f"durable-object-split.md:{_line('durable-object-split.md', 'export default {')}"]
    assert (worker["status"], worker["response"]["body"]) == ("passed", "Count: 2"), worker["stderr"]


@pytest.mark.docker
def test_docker_finds_what_local_finds(local: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    docker = _run("docker", tmp_path / "docker.json")
    assert _findings(docker) == _findings(local)
