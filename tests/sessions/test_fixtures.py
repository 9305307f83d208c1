"""The session fixture pages under each executor: every block at its own line with its own output and
requests, the same findings under local, inprocess and docker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = "fixtures/sessions"
NOTEBOOK = (10, 17, 29, 36, 43, 52, 66)

STATUSES = {
    ("crash.md", 10): "failed", ("crash.md", 18): "skipped",
    ("failing.md", 10): "passed", ("failing.md", 20): "failed", ("failing.md", 27): "skipped",
    ("failing.md", 34): "passed",
    **{("notebook.md", line): "passed" for line in NOTEBOOK},
    ("off.md", 10): "skipped", ("off.md", 14): "skipped",
    ("shell.md", 10): "passed", ("shell.md", 18): "passed", ("shell.md", 27): "passed",
}
ERRORS = {("crash.md", 10, "RUN001"), ("failing.md", 20, "RUN001")}
"""Every finding: the two real defects of the pages, nothing else (`!pip install` of installed
packages sends nothing: pip's own version check is off)."""

_runs: dict[str, tuple[dict[tuple[str, int], dict[str, Any]], str]] = {}


def run(executor: str) -> tuple[dict[tuple[str, int], dict[str, Any]], str]:
    """The fixture pages run once per executor (module-wide): snippets by (page name, line), and the output."""
    if executor not in _runs:
        out = ROOT / "out" / f"sessions-{executor}.json"
        out.parent.mkdir(exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "harness.cli", "run", PAGES, "--executor", executor, "-j", "2",
                               "--no-cache", "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                              timeout=600)
        snippets = json.loads(out.read_text())["snippets"]
        _runs[executor] = ({(Path(s["page"]).name, s["line"]): s for s in snippets}, done.stdout + done.stderr)
    return _runs[executor]


def check_run(executor: str) -> None:
    by_line, output = run(executor)
    assert {key: s["status"] for key, s in by_line.items()} == STATUSES, output
    errors = {(page, s["line"], f["rule"]) for (page, _), s in by_line.items() for f in s["findings"]}
    assert errors == ERRORS, output
    assert all(s["executor"] == executor for s in by_line.values() if s["status"] != "skipped")

    notebook = {line: by_line[("notebook.md", line)] for line in NOTEBOOK}
    assert all(s["session"] == list(NOTEBOOK) for s in notebook.values())
    api = {line: [(r["method"], r["path"].rsplit("/", 2)[-2:]) for r in s["requests"]] for line, s in notebook.items()}
    # the client made at line 43 sends its request at line 66, where it is used; the REST call is line 52's
    assert api == {10: [], 17: [], 29: [], 36: [], 43: [],
                   52: [("POST", ["meta", "llama-3-8b-instruct"])],
                   66: [("POST", ["chat", "completions"])]}, output
    assert "Requirement already satisfied: requests" in notebook[10]["stdout"]
    assert notebook[29]["stdout"] == "cannot find .env file\n"  # %load_ext dotenv, %dotenv
    assert notebook[36]["stdout"] == "" and notebook[36]["exit_code"] == 0  # getpass got the token and account id
    [sent] = notebook[52]["requests"]  # with what getpass answered: accepted (the report masks the values)
    assert (sent["headers"]["authorization"], sent["status"]) == ("Bearer {API_TOKEN}", 200)
    assert "/accounts/{ACCOUNT_ID}/" in sent["url"]
    assert "Mock answer from @cf/meta/llama-3-8b-instruct" in notebook[52]["stdout"]  # display(Markdown(...))
    assert notebook[66]["stdout"].strip()

    shell = {line: by_line[("shell.md", line)] for line in (10, 18, 27)}
    assert shell[10]["stdout"] == "asking @cf/meta/llama-3-8b-instruct\n"
    asked = {line: [(r["model"], r["json"]) for r in s["requests"]] for line, s in shell.items()}
    assert asked == {10: [], 18: [("@cf/meta/llama-3-8b-instruct", {"prompt": "What is a shell variable?"})],
                     27: [("@cf/mistral/mistral-7b-instruct-v0.1", {"prompt": "What is a shell variable?"})]}

    failing = {line: by_line[("failing.md", line)] for line in (10, 20, 27, 34)}
    assert "KeyError: 'results'" in failing[20]["stderr"]
    assert failing[27]["reason"] == "not run: depends on line 20, which failed"
    assert failing[34]["stdout"].startswith("cleaning up after https://api.cloudflare.com/")  # teardown ran
    crash = by_line[("crash.md", 10)]
    assert "JSONDecodeError" in crash["stderr"]
    assert by_line[("crash.md", 18)]["reason"] == "not run: depends on line 10, which failed"
    assert by_line[("off.md", 14)]["reason"].endswith("page sessions are off here (`session=off`)")


def test_sessions_run_locally() -> None:
    check_run("local")


def test_sessions_run_in_process() -> None:
    check_run("inprocess")


@pytest.mark.docker
def test_sessions_run_in_containers() -> None:
    check_run("docker")
