"""Blocks that only define, end to end through the CLI: a lone request handler runs as the Worker that
calls it with a request shaped to what it reads, against Turnstile's siteverify as the real one answers;
a Python module runs with its defaulted functions called once; broken ones fail at their own line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = "fixtures/definitions/handlers.md"


def run(tmp_path: Path, executor: str) -> dict[int, dict[str, Any]]:
    """The report's snippets by page line (docker builds its missing images first)."""
    out = tmp_path / "report.json"
    build = ["--build"] if executor == "docker" else []
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", PAGE, "--executor", executor, *build,
                           "--no-cache", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 1 and out.exists(), done.stdout + done.stderr  # 1: the page's own broken blocks
    return {s["line"]: s for s in json.loads(out.read_text())["snippets"]}


def line_of(text: str) -> int:
    return next(n for n, line in enumerate((ROOT / PAGE).read_text().splitlines(), 1) if text in line)


def verdicts(snippets: dict[int, dict[str, Any]]) -> dict[int, tuple[str, list[str]]]:
    return {line: (s["status"], sorted(f["rule"] for f in s["findings"])) for line, s in snippets.items()}


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, Any]]:
    return run(tmp_path_factory.mktemp("definitions"), "local")


def test_each_block_passes_fails_or_says_why_not(local: dict[int, dict[str, Any]]) -> None:
    assert {line: status for line, (status, _) in verdicts(local).items()} == {
        line_of('const SECRET = "1x'): "passed", line_of("const FAILING_SECRET"): "passed",
        line_of("async function handleLogged"): "failed", line_of("async function handleSave"): "skipped",
        line_of("interface Env"): "skipped", line_of('def greet(name="World"):'): "passed",
        line_of("def describe("): "failed", line_of("import json"): "passed",
        line_of('CLOUDFLARE_ACCOUNT_ID="'): "skipped"}


def test_the_handler_is_sent_the_form_it_reads_and_siteverify_answers_for_the_test_secret(
        local: dict[int, dict[str, Any]]) -> None:
    submit = local[line_of('const SECRET = "1x')]
    assert json.loads(submit["response"]["body"]) == {"verified": True, "hostname": "example.com"}
    (check,) = submit["requests"]
    assert (check["via"], check["path"], check["status"], check["error"]) == (
        "turnstile", "/turnstile/v0/siteverify", 200, None)
    assert check["headers"]["content-type"].startswith("multipart/form-data")


def test_a_handler_that_returns_nothing_is_said_and_the_failing_secret_fails(local: dict[int, dict[str, Any]]) -> None:
    verify = local[line_of("const FAILING_SECRET")]
    assert verify["stdout"] == "valid: false\n"
    assert verify["response"] == {"status": 204, "headers": {"x-harness-returned": "nothing"}, "body": ""}
    (said,) = verify["findings"]
    assert (said["rule"], said["severity"], said["line"]) == ("RUN008", "info", line_of("async function verify"))
    assert [r["error"] for r in verify["requests"]] == ["invalid-input-response"]


def test_broken_blocks_fail_with_the_readers_error(local: dict[int, dict[str, Any]]) -> None:
    logged = local[line_of("async function handleLogged")]
    assert [f["rule"] for f in logged["findings"]] == ["RUN003"]
    assert "Body has already been used" in logged["findings"][0]["message"]
    describe = local[line_of("def describe(")]
    assert "unsupported operand type(s) for +: 'int' and 'str'" in describe["findings"][0]["message"]
    assert local[line_of('def greet(name="World"):')]["stdout"] == "Hello, World!\n"


@pytest.mark.docker
def test_docker_finds_what_local_finds(local: dict[int, dict[str, Any]], tmp_path: Path) -> None:
    assert verdicts(run(tmp_path, "docker")) == verdicts(local)
