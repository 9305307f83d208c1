"""Snippets that import npm and PyPI packages run against the installed packages, through the CLI.

`fixtures/pages/packages/`: a hono, an itty-router, a zod-validating and an AI SDK (`ai` with
`workers-ai-provider`) Worker; httpx and the `openai`
SDK from Python; the `openai` npm package from Node. A package no runner installs is a skip naming it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docker import DockerClient
from run.docker_support import engine_client

ROOT = Path(__file__).resolve().parents[2]
PAGES = "fixtures/pages/packages"
LLAMA = "@cf/meta/llama-3.1-8b-instruct"
OPENAI_COMPAT = "/client/v4/accounts/{ACCOUNT_ID}/ai/v1/chat/completions"

pytestmark = pytest.mark.node


def run(tmp_path: Path, executor: str) -> dict[tuple[str, int], dict[str, Any]]:
    """The report's snippets by (page file name, line); docker builds its missing images first."""
    out = tmp_path / "report.json"
    build = ["--build"] if executor == "docker" else []
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", "run", PAGES, "--executor", executor, *build, "--no-cache",
         "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert out.exists(), done.stdout + done.stderr
    report = json.loads(out.read_text())
    return {(Path(s["page"]).name, s["line"]): s for s in report["snippets"]}


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, Any]]:
    return run(tmp_path_factory.mktemp("packages"), "local")


def calls(snippet: dict[str, Any]) -> list[tuple[str, str, str | None, int]]:
    return [(r["via"], r["path"], r["model"], r["status"]) for r in snippet["requests"]]


def test_every_package_snippet_passes(local: dict[tuple[str, int], dict[str, Any]]) -> None:
    ran = {place: (s["runner"], s["status"], s["exit_code"], s["findings"]) for place, s in local.items()
           if place[0] != "unknown.md"}
    assert ran == {
        ("clients.md", 12): ("python", "passed", 0, []),
        ("clients.md", 28): ("python", "passed", 0, []),
        ("clients.md", 44): ("node", "passed", 0, []),
        ("workers.md", 12): ("worker", "passed", 0, []),
        ("workers.md", 29): ("worker", "passed", 0, []),
        ("workers.md", 42): ("worker", "passed", 0, []),
        ("workers.md", 66): ("worker", "passed", 0, []),
    }, str(ran)


def test_the_clients_reach_the_mock(local: dict[tuple[str, int], dict[str, Any]]) -> None:
    httpx_call = calls(local[("clients.md", 12)])
    assert httpx_call == [("rest", f"/client/v4/accounts/{{ACCOUNT_ID}}/ai/run/{LLAMA}", LLAMA, 200)]
    assert local[("clients.md", 12)]["requests"][0]["headers"]["user-agent"].startswith("python-httpx/")
    for line, agent in ((28, "OpenAI/Python "), (44, "OpenAI/JS ")):
        snippet = local[("clients.md", line)]
        assert calls(snippet) == [("rest", OPENAI_COMPAT, LLAMA, 200)]
        assert snippet["requests"][0]["headers"]["user-agent"].startswith(agent)
        assert snippet["stdout"].startswith(f"Mock answer from {LLAMA}")


def test_the_workers_answer_through_their_framework(local: dict[tuple[str, int], dict[str, Any]]) -> None:
    hono, itty, zod = (local[("workers.md", line)] for line in (12, 29, 42))
    assert calls(hono) == [("binding", "/__harness/binding/run", LLAMA, 200)]
    assert hono["requests"][0]["json"] == {"prompt": "Tell me about Hono"}
    assert json.loads(hono["response"]["body"])["response"].startswith(f"Mock answer from {LLAMA}")
    assert (itty["response"]["status"], json.loads(itty["response"]["body"])) == (200, {"hello": "world"})
    assert itty["requests"] == []
    assert zod["requests"][0]["json"] == {"prompt": "What is zod?"}  # zod's default filled the empty query
    assert zod["response"]["status"] == 200


def test_the_ai_sdk_calls_the_binding_through_workers_ai_provider(
        local: dict[tuple[str, int], dict[str, Any]]) -> None:
    sdk = local[("workers.md", 66)]
    assert calls(sdk) == [("binding", "/__harness/binding/run", LLAMA, 200)]
    assert sdk["response"]["body"].startswith(f"Mock answer from {LLAMA}")


def test_a_package_no_runner_installs_is_a_skip_that_names_it(
        local: dict[tuple[str, int], dict[str, Any]]) -> None:
    skipped = local[("unknown.md", 8)]
    assert (skipped["status"], skipped["reason"]) == (
        "skipped", "not runnable: needs npm package `postgres`, not installed for Workers "
        "(add it to packages.npm in [tool.harness], pinned: \"name@1.2.3\")")


def verdicts(snippets: dict[tuple[str, int], dict[str, Any]]) -> dict[tuple[str, int], Any]:
    """What must not depend on the executor: status, reason, requests, findings, the Worker's status."""
    return {place: (s["status"], s["reason"], calls(s), [f["rule"] for f in s["findings"]],
                    s["response"] and s["response"]["status"]) for place, s in snippets.items()}


@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()


@pytest.mark.docker
def test_the_images_have_the_packages_too(local: dict[tuple[str, int], dict[str, Any]], docker_client: DockerClient,
                                          tmp_path: Path) -> None:
    assert verdicts(run(tmp_path, "docker")) == verdicts(local)
