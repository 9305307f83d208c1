"""The world pages (fixtures/pages/world) through the CLI, as a docs team runs them: a Worker proxying
its origin, a Worker fetching another site, Python and curl reading from third-party hosts, a Worker
whose handler reads `request.json()`. Every executor gives the same statuses and findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures" / "pages" / "world"


def run_pages(executor: str, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / f"{executor}.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", str(PAGES), "--executor", executor,
                           "--no-cache", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(out.read_text()))


def verdicts(report: dict[str, Any]) -> dict[tuple[str, int], tuple[str, list[str]]]:
    return {(Path(s["page"]).name, s["line"]): (s["status"], sorted(f["rule"] for f in s["findings"]))
            for s in report["snippets"]}


def hosts_reached(report: dict[str, Any]) -> dict[tuple[str, int], list[str]]:
    return {(Path(s["page"]).name, s["line"]): f["details"]["hosts"]
            for s in report["snippets"] for f in s["findings"] if f["rule"] == "REQ007"}


EXPECTED_HOSTS = {
    ("third-party.md", 10): ["jsonplaceholder.typicode.com"],
    ("third-party.md", 19): ["httpbin.org"],
    ("worker-proxy.md", 10): ["localhost"],
    ("worker-proxy.md", 23): ["example.com"],
}


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_pages("local", tmp_path_factory.mktemp("local"))


def test_every_world_sample_passes_and_lists_the_hosts_it_reached(local: dict[str, Any]) -> None:
    assert {status for status, _ in verdicts(local).values()} == {"passed"}
    assert hosts_reached(local) == EXPECTED_HOSTS


def test_the_samples_read_back_what_the_origin_answered(local: dict[str, Any]) -> None:
    by_line = {(Path(s["page"]).name, s["line"]): s for s in local["snippets"]}
    assert by_line[("third-party.md", 10)]["stdout"] == "delectus aut autem False\n"
    echoed = json.loads(by_line[("third-party.md", 19)]["stdout"])
    assert (echoed["method"], echoed["json"]) == ("POST", {"name": "example"})
    proxied = by_line[("worker-proxy.md", 10)]["response"]
    assert proxied["status"] == 200 and proxied["headers"]["x-served-by"] == "my-worker"


def test_a_worker_reading_json_is_sent_a_post_with_a_body(local: dict[str, Any]) -> None:
    by_line = {(Path(s["page"]).name, s["line"]): s for s in local["snippets"]}
    greeted = by_line[("worker-json.md", 10)]["response"]
    assert json.loads(greeted["body"]) == {"greeting": "Hello, example!"}
    annotated = by_line[("worker-json.md", 28)]["response"]  # a GET (405) then the annotated POST (200)
    assert (annotated["status"], annotated["body"]) == (405, "send a POST")


def test_the_inprocess_executor_gives_the_same_findings(local: dict[str, Any], tmp_path: Path) -> None:
    assert verdicts(run_pages("inprocess", tmp_path)) == verdicts(local)


@pytest.mark.docker
def test_the_docker_executor_gives_the_same_findings(local: dict[str, Any], tmp_path: Path) -> None:
    assert verdicts(run_pages("docker", tmp_path)) == verdicts(local)
