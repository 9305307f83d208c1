"""REST pages the harness once failed falsely or explained badly, end to end through the CLI: a camelCase field the
contract requires, the reader's own files a curl command uploads, a provider's key, the universal endpoint's
per-step keys and native query, AI Gateway's REST API on the API host, and an HTTP request line. The two real
mistakes of the page (a step list that is not JSON, a base URL that repeats its endpoint) stay failures, in
words that say what is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = "fixtures/api-gaps/uploads-and-gateway.md"


@pytest.fixture(scope="module")
def blocks(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, Any]]:
    out = tmp_path_factory.mktemp("gaps") / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", PAGE, "--executor", "local", "--no-cache",
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr  # the page's two real mistakes
    return {s["line"]: s for s in json.loads(out.read_text())["snippets"]}


def rules(block: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in block["findings"]]


def test_what_the_page_does_right_passes(blocks: dict[int, dict[str, Any]]) -> None:
    assert {line: blocks[line]["status"] for line in (11, 20, 29, 38, 47, 67)} == dict.fromkeys(
        (11, 20, 29, 38, 47, 67), "passed")
    assert [r["status"] for r in blocks[67]["requests"]] == [200, 200]  # `ai/run` envelope, `ai/v1/messages`
    assert [rules(blocks[line]) for line in (11, 38, 47, 67)] == [[], [], [], []]


def test_the_readers_own_files_are_stood_in_for_and_said(blocks: dict[int, dict[str, Any]]) -> None:
    video, documents = blocks[20], blocks[29]
    assert rules(video) == ["RUN009"] and rules(documents) == ["RUN009"]
    assert "`keynote-rehearsal.mp4` (the page's `/Users/robin/Videos/keynote-rehearsal.mp4`)" in \
        video["findings"][0]["message"]
    assert "`minutes.pdf`, `whiteboard.png`" in documents["findings"][0]["message"]
    assert "multipart/form-data" in (documents["requests"][0]["headers"].get("content-type") or "")


def test_the_pages_mistakes_fail_in_words_that_say_what_is_wrong(blocks: dict[int, dict[str, Any]]) -> None:
    [not_json] = blocks[57]["findings"]
    assert not_json["rule"] == "REQ002" and "answered 400" in not_json["message"]
    assert "not valid JSON" in not_json["message"]  # not a 401 for credentials the gateway never read
    doubled = {f["rule"]: f["message"] for f in blocks[87]["findings"]}
    assert doubled["RUN001"].endswith("exited with status 1: NotFoundError: 404 status code (no body)")
    assert doubled["REQ002"].endswith("answered 404: Could not route to /compat/chat/completions/chat/completions")


def test_a_request_line_is_not_run_and_says_why(blocks: dict[int, dict[str, Any]]) -> None:
    line = blocks[81]
    assert line["status"] == "skipped"
    assert line["reason"].startswith("not runnable: an HTTP request line (`GET https://api.cloudflare.com/")
