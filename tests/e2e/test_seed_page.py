"""The seed page end to end, through the CLI as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = "fixtures/pages/seed.md"
LLAMA = "@cf/meta/llama-2-7b-chat-int8"


def harness(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def run_json(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    out = tmp_path / "report.json"
    done = harness("run", SEED, "--executor", "local", "--no-cache", "--json", str(out), *args)
    return done.returncode, json.loads(out.read_text()), done.stdout + done.stderr


def verdicts(report: dict[str, Any]) -> dict[str, Any]:
    """What must not depend on scheduling: per snippet its status, requests and findings."""
    return {
        s["label"]: {
            "status": s["status"], "exit_code": s["exit_code"],
            "requests": [(r["via"], r["method"], r["model"], r["status"]) for r in s["requests"]],
            "findings": sorted((f["rule"], f["line"], f["details"].get("key", "")) for f in s["findings"]),
        }
        for s in report["snippets"]
    }


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], str]:
    return run_json(tmp_path_factory.mktemp("seed"))


def test_every_tab_ran_and_called_llama(seed_run: tuple[int, dict[str, Any], str]) -> None:
    code, report, output = seed_run
    snippets = report["snippets"]
    assert [s["label"] for s in snippets] == ["streaming", "worker", "node", "python", "curl"], output
    assert [s["exit_code"] for s in snippets] == [0, 0, 0, 0, 0], output
    vias = [[r["via"] for r in s["requests"]] for s in snippets]
    assert vias == [["binding"], ["binding"], ["rest"], ["rest"], ["rest"]]
    assert all(r["model"] == LLAMA and r["status"] == 200 for s in snippets for r in s["requests"])
    assert all(r["method"] == "POST" for s in snippets for r in s["requests"])
    assert code == 1


def test_findings_are_exactly_the_seed_pages_faults(seed_run: tuple[int, dict[str, Any], str]) -> None:
    _, report, _ = seed_run
    found = {label: v["findings"] for label, v in verdicts(report).items()}
    assert found == {
        # @cloudflare/ai's types say run() may answer an object, which `new Response()` does not take.
        "streaming": [("REQ003", 65, ""), ("REQ004", 66, "messages"), ("REQ004", 67, "stream"), ("TS001", 70, "")],
        "worker": [("REQ003", 98, ""), ("REQ004", 99, "messages")],
        # Node's fetch labels a string body text/plain;charset=UTF-8: that is a JSON body without a JSON type too.
        "node": [("REQ003", 129, ""), ("REQ004", 122, "messages"), ("REQ005", 122, "")],
        "python": [("REQ003", 153, ""), ("REQ004", 145, "messages")],
        "curl": [("REQ003", 161, ""), ("REQ004", 164, "messages"), ("REQ005", 164, "")],
    }
    assert all(s["status"] == "failed" for s in report["snippets"])


def test_messages_name_page_line_and_tab(seed_run: tuple[int, dict[str, Any], str]) -> None:
    _, report, output = seed_run
    curl = next(s for s in report["snippets"] if s["label"] == "curl")
    messages = [f["message"] for f in curl["findings"]]
    assert f"{SEED}:161 [curl] calls model {LLAMA}, but the page documents " \
           "@cf/mistral/mistral-7b-instruct-v0.1 (line 5)" in messages
    assert f"{SEED}:164 [curl] sends a JSON body with Content-Type: application/x-www-form-urlencoded " \
           "(expected application/json)" in messages
    assert f"{SEED}:164 [curl] sends a JSON body" in output  # the console shows it too


def test_streaming_tab_answers_a_well_formed_event_stream(seed_run: tuple[int, dict[str, Any], str]) -> None:
    _, report, _ = seed_run
    streaming = next(s for s in report["snippets"] if s["label"] == "streaming")
    assert streaming["response"]["headers"]["content-type"] == "text/event-stream"
    events = [e for e in streaming["response"]["body"].split("\n\n") if e.strip()]
    assert len(events) >= 2 and events[-1] == "data: [DONE]"
    assert not any(f["rule"] == "RESP001" for f in streaming["findings"])


def test_parallel_run_gives_the_same_verdicts(tmp_path: Path, seed_run: tuple[int, dict[str, Any], str]) -> None:
    code, report, _ = run_json(tmp_path, "-j", "4")
    assert code == seed_run[0]
    assert verdicts(report) == verdicts(seed_run[1])
