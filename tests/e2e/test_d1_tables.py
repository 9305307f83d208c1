"""`fixtures/d1_tables/` through the CLI: Worker blocks that query a D1 table their page never creates run
on tables the harness makes in Miniflare's D1 (inferred from the page's SQL, from its `wrangler d1
execute` lines, or from the project's `d1_schema`), say so, and a real SQL mistake of the page still fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = "fixtures/d1_tables"


def body(snippet: dict[str, Any]) -> Any:
    """The JSON answer of a snippet that passed."""
    assert (snippet["status"], snippet["exit_code"]) == ("passed", 0), snippet["stderr"]
    return json.loads(snippet["response"]["body"])


def run(tmp: Path, executor: str, *extra: str, pages: str = PAGES, exit_code: int = 1) -> dict[str, dict[str, Any]]:
    """Each snippet of the fixture pages that ran, by `page:line` (exit code 1: typo.md's two mistakes)."""
    out = tmp / f"{executor}.json"
    argv = [sys.executable, "-m", "harness.cli", "run", pages, "--executor", executor, "--no-cache", "-j", "2",
            "--json", str(out), *extra]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == exit_code, done.stdout + done.stderr
    return {f"{Path(s['page']).name}:{s['line']}": s for s in json.loads(out.read_text())["snippets"]
            if s["status"] != "skipped"}


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return run(tmp_path_factory.mktemp("local"), "local")


def said(snippet: dict[str, Any]) -> list[str]:
    return [f["message"] for f in snippet["findings"] if f["rule"] == "RUN007"]


def test_reference_blocks_find_the_rows_their_queries_look_for(local: dict[str, dict[str, Any]]) -> None:
    assert [row["Shelf"] for row in body(local["reference.md:15"])] == ["Poetry"]
    assert body(local["reference.md:24"])["Title"] == "The Waste Land"
    batch = body(local["reference.md:35"])
    assert (len(batch["poetry"]), len(batch["history"])) == (1, 2)
    assert (body(local["reference.md:45"])["BookId"], body(local["reference.md:45"])["Shelf"]) == (12, "History")
    assert said(local["reference.md:15"]) == [
        "fixtures/d1_tables/reference.md:15 ran on D1 table `Books` (Shelf, Title, BookId) made by the harness from "
        "the page's SQL, with 4 rows holding the values its queries look for (set `d1_schema` in [tool.harness] to "
        "the real schema)"]


def test_a_tutorials_own_wrangler_lines_make_its_table(local: dict[str, dict[str, Any]]) -> None:
    assert body(local["tutorial.md:18"]) == [{"title": "Middlemarch", "done": 0}]
    assert said(local["tutorial.md:18"]) == ["fixtures/d1_tables/tutorial.md:18 ran on D1 table `entries` made as "
                                             "the page's `wrangler d1 execute` lines 11 and 12 make it"]


def test_the_pages_sql_mistakes_still_fail(local: dict[str, dict[str, Any]]) -> None:
    assert body(local["typo.md:10"]) == [{"Title": "example Title"}]
    typo, arity = local["typo.md:24"], local["typo.md:31"]
    assert typo["status"] == arity["status"] == "failed"
    assert "D1_ERROR: no such column: Tilte" in typo["response"]["body"]
    assert "Wrong number of parameter bindings" in arity["response"]["body"]
    assert said(typo)[0].endswith("column `Tilte` left out: it looks like a typo of `Title`, which the page uses "
                                  "more often")
    assert "Tilte" not in said(local["typo.md:10"])[0]


def test_the_projects_schema_is_used_instead_of_inference(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text("CREATE TABLE Books (BookId INTEGER PRIMARY KEY, Title TEXT, Shelf TEXT);\n"
                                         "INSERT INTO Books VALUES (12, 'The Histories', 'History');\n")
    (tmp_path / "harness.toml").write_text('d1_schema = ["schema.sql"]\n')
    config = str(tmp_path / "harness.toml")
    found = run(tmp_path, "local", "--config", config, pages=f"{PAGES}/reference.md", exit_code=0)
    assert body(found["reference.md:45"]) == {"BookId": 12, "Title": "The Histories", "Shelf": "History"}
    assert body(found["reference.md:15"]) == []  # the real schema has no poetry: the page's output is its own
    assert said(found["reference.md:45"]) == [
        f"fixtures/d1_tables/reference.md:45 ran on D1 tables from {tmp_path / 'schema.sql'} (`d1_schema`)"]


@pytest.mark.docker
def test_docker_finds_the_same(local: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    docker = run(tmp_path, "docker")
    assert {k: v["status"] for k, v in docker.items()} == {k: v["status"] for k, v in local.items()}
    for key in ("reference.md:35", "tutorial.md:18", "typo.md:10"):
        assert body(docker[key]) == body(local[key])
    assert said(docker["reference.md:15"]) == said(local["reference.md:15"])
    assert "no such column: Tilte" in docker["typo.md:24"]["response"]["body"]
