"""The fixture pages of `fixtures/standin/` end to end through the CLI: a Durable Object whose class is not
on the page answered by a recorded stand-in, a class alone run through a namespace, a Workflow the page
exports run by Miniflare's engine, Workers AI under another binding name; the docker executor finds the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = "fixtures/standin"


def run(tmp: Path, executor: str) -> dict[str, dict[str, Any]]:
    """Each snippet of the fixture pages, by `page:line`."""
    out = tmp / f"{executor}.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", PAGES, "--executor", executor, "--no-cache",
                           "-j", "2", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stdout + done.stderr  # page defects: a constructor, Workflow steps that throw
    return {f"{Path(s['page']).name}:{s['line']}": s for s in json.loads(out.read_text())["snippets"]}


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return run(tmp_path_factory.mktemp("local"), "local")


def passed(snippet: dict[str, Any]) -> dict[str, Any]:
    assert (snippet["status"], snippet["exit_code"]) == ("passed", 0), snippet["stderr"]
    return dict(snippet["response"])


def calls(snippet: dict[str, Any]) -> list[tuple[str, str | None, Any]]:
    return [(r["url"].rsplit("/__harness/binding/", 1)[-1], r.get("model"), r.get("json"))
            for r in snippet["requests"] if r["via"] == "binding"]


def rules(snippet: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["rule"], f["severity"]) for f in snippet["findings"]]


def test_a_stand_in_answers_for_a_class_of_another_worker(local: dict[str, dict[str, Any]]) -> None:
    ids = local["durable-elsewhere.md:11"]
    assert passed(ids)["status"] == 204 and calls(ids) == []  # ids are Miniflare's; the stand-in was not reached
    handed_on = local["durable-elsewhere.md:18"]
    assert passed(handed_on)["body"] == (
        "A stand-in for the Durable Object class of ROOMS (not on this page) received GET /\n")
    assert calls(handed_on) == [("durable_object/call", "durable_object:ROOMS", {"action": "arrive", "args": ["ada"]}),
                                ("durable_object/fetch", "durable_object:ROOMS", None)]
    assert rules(handed_on) == [("BIND001", "info")]
    assert "a stand-in answered" in handed_on["findings"][0]["message"]
    pages_function = local["durable-elsewhere.md:31"]
    assert passed(pages_function)["status"] == 200 and len(calls(pages_function)) == 1


def test_what_a_stand_in_cannot_answer_is_not_run(local: dict[str, dict[str, Any]]) -> None:
    assert local["durable-elsewhere.md:40"]["status"] == "skipped"
    assert "a stand-in could only make the answer up" in local["durable-elsewhere.md:40"]["reason"]
    assert "jurisdictions are not implemented in workerd" in local["durable-elsewhere.md:51"]["reason"]


def test_a_class_alone_is_constructed_and_sent_a_request(local: dict[str, dict[str, Any]]) -> None:
    assert passed(local["durable-class.md:24"])["body"] == (
        "harness: the Durable Object started; its class has no fetch handler")
    assert passed(local["durable-class.md:34"])["body"] == "Visit number 1"
    throws = local["durable-class.md:50"]
    assert throws["status"] == "failed" and rules(throws) == [("RUN003", "error")]
    assert "TypeError: Cannot read properties of undefined (reading 'toUpperCase')" in throws["response"]["body"]


def test_a_workflow_runs_in_miniflares_engine(local: dict[str, dict[str, Any]]) -> None:
    created = json.loads(passed(local["workflow.md:37"])["body"])
    assert set(created) == {"id", "status"} and created["status"] in ("queued", "running", "complete")
    assert local["workflow.md:37"]["stdout"] == "Hello, Ada!\n"  # the instance ran to its end before the job did
    assert json.loads(passed(local["workflow.md:44"])["body"]) == {"status": "complete", "output": "Hello, Grace!"}
    assert "Hello, Grace!" in local["workflow.md:44"]["stdout"]  # the step's console.log


def test_a_workflow_instance_that_errors_after_the_answer_fails_the_block(local: dict[str, dict[str, Any]]) -> None:
    started = local["workflow-fails.md:8"]
    assert started["status"] == "failed" and started["response"]["status"] == 202  # the Worker's answer was fine
    (found,) = started["findings"]
    assert (found["rule"], found["line"]) == ("BIND002", 21)  # at the page line of its `create`
    assert found["message"].endswith("started a Workflow instance of IMPORT_WORKFLOW that errored: Unexpected token "
                                     "'o', \"not json\" is not valid JSON")


def test_a_workflow_class_alone_runs_an_instance_to_its_end(local: dict[str, dict[str, Any]]) -> None:
    assert json.loads(passed(local["workflow-alone.md:19"])["body"]) == {"status": "complete",
                                                                        "output": {"removed": 3}}
    assert "removed 3 sessions" in local["workflow-alone.md:19"]["stdout"]
    errored = local["workflow-alone.md:35"]
    assert errored["status"] == "failed" and rules(errored) == [("RUN003", "error")]
    assert json.loads(errored["response"]["body"]) == {
        "status": "errored", "error": {"message": "the sessions table is gone", "name": "Error"}}
    assert local["workflow-alone.md:49"]["status"] == "skipped"


def test_workers_ai_under_another_name_is_the_mocks(local: dict[str, dict[str, Any]]) -> None:
    named = local["ai-binding-name.md:19"]
    assert json.loads(passed(named)["body"])["response"].startswith("Mock answer from @cf/meta/llama-3.1-8b-instruct")
    assert [c[:2] for c in calls(named)] == [("run", "@cf/meta/llama-3.1-8b-instruct")]
    lower = local["ai-binding-lower.md:10"]
    assert passed(lower)["status"] == 204 and rules(lower) == []  # a stream handed to nobody: no RESP001
    assert calls(lower)[0][2]["stream"] is True


@pytest.mark.docker
def test_docker_finds_the_same(local: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    docker = run(tmp_path, "docker")

    def verdicts(found: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return {where: (s["status"], s["response"] and s["response"]["status"],
                        [c[:2] for c in calls(s)], rules(s)) for where, s in found.items()}

    assert verdicts(docker) == verdicts(local)
