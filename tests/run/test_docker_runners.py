"""The real runners in their images, through the docker executor: the same code reaches the same
mock as with the local executor, and the seed page gets the same verdicts under both."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docker import DockerClient

from harness.model import RecordedRequest, Snippet
from harness.run.base import Outcome
from harness.run.docker.executor import DockerExecutor
from harness.run.registry import runner_name_for, runners

from .docker_support import engine_client

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
URL = f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/run/@cf/meta/llama-3-8b-instruct"
AUTH = '{ Authorization: "Bearer harness-test-token" }'



@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()

@pytest.fixture(scope="module")
def executor(docker_client: DockerClient) -> Iterator[DockerExecutor]:
    """A docker run, its images built when missing."""
    with DockerExecutor(build=True) as ex:
        yield ex


def run(executor: DockerExecutor, code: str, language: str, name: str) -> tuple[Outcome, tuple[RecordedRequest, ...]]:
    snippet = Snippet(id=f"t.md::{name}::1", page="t.md", group=name, label=None, language=language,
                      code=code, line=1, source=code)
    runner = runners(executor.runners_dir)[runner_name_for(snippet) or ""]
    launch = runner.launch(snippet, executor.route(snippet.id), executor.runners_dir)
    return executor.execute(runner, launch, 60), executor.requests_of(snippet.id)


@pytest.mark.parametrize("client", ["requests", "httpx"])
def test_python_clients_reach_the_mock(executor: DockerExecutor, client: str) -> None:
    code = (f'import {client}\nr = {client}.post("{URL}", headers={{"Authorization": "Bearer harness-test-token"}},'
            ' json={"prompt": "hi"})\nprint(r.status_code)\n')
    out, reqs = run(executor, code, "py", f"py-{client}")
    assert (out.exit_code, out.stdout) == (0, "200\n"), out.stderr
    assert [(r.via, r.model, r.json, r.header("content-type")) for r in reqs] == [
        ("rest", "@cf/meta/llama-3-8b-instruct", {"prompt": "hi"}, "application/json")]


def test_node_fetch_typescript_and_commonjs(executor: DockerExecutor) -> None:
    code = (f'const r = await fetch("{URL}", {{ method: "POST", headers: {AUTH},'
            ' body: JSON.stringify({ prompt: "hi" }) });\nconsole.log(r.status);\n')
    out, reqs = run(executor, code, "js", "node-fetch")
    assert (out.exit_code, out.stdout, [r.via for r in reqs]) == (0, "200\n", ["rest"]), out.stderr
    out, _ = run(executor, "const n: number = 41;\nconsole.log(n + 1);\n", "ts", "node-ts")
    assert (out.exit_code, out.stdout) == (0, "42\n"), out.stderr
    out, _ = run(executor, "const p = require('node:path');\nconsole.log(p.basename('/a/b.txt'));\n", "js", "cjs")
    assert (out.exit_code, out.stdout) == (0, "b.txt\n"), out.stderr


def test_curl_reaches_the_mock(executor: DockerExecutor) -> None:
    code = f"curl -sS {URL} \\\n  -H 'Authorization: Bearer harness-test-token' \\\n  -d '{{\"prompt\": \"hi\"}}'\n"
    out, reqs = run(executor, code, "sh", "curl")
    assert out.exit_code == 0 and '"success":true' in out.stdout.replace(" ", ""), out.stderr
    assert [(r.via, r.status) for r in reqs] == [("rest", 200)]


def test_worker_binding_own_fetch_and_response(executor: DockerExecutor) -> None:
    code = f"""export default {{
  async fetch(request, env) {{
    const answer = await env.AI.run("@cf/meta/llama-3-8b-instruct", {{ prompt: "hi" }});
    const r = await fetch("{URL}", {{ method: "POST", headers: {AUTH}, body: JSON.stringify({{ prompt: "hi" }}) }});
    return Response.json({{ answer, status: r.status }});
  }},
}};
"""
    out, reqs = run(executor, code, "js", "worker")
    assert out.exit_code == 0, out.stderr
    assert out.response is not None and out.response.status == 200
    assert json.loads(out.response.body)["status"] == 200
    assert [(r.via, r.status) for r in reqs] == [("binding", 200), ("rest", 200)]


def test_other_hosts_reach_a_simulated_origin(executor: DockerExecutor) -> None:
    code = "import requests\nprint(requests.get('https://example.com/todos/1', timeout=10).json()['id'])\n"
    out, reqs = run(executor, code, "py", "origin")
    assert (out.exit_code, out.stdout) == (0, "1\n"), out.stderr
    assert [(r.via, r.url, r.status) for r in reqs] == [("origin", "https://example.com/todos/1", 200)]


def seed_verdicts(tmp_path: Path, executor: str) -> list[tuple[Any, ...]]:
    report = tmp_path / f"{executor}.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", "fixtures/pages/seed.md", "-q",
                           "--executor", executor, "--json", str(report)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert report.exists(), done.stdout + done.stderr
    return [
        (s["label"], s["status"], s["exit_code"], s["stdout"], s["response"],
         [(r["via"], r["method"], r["url"], r["json"], r["status"],
           {k: v for k, v in r["headers"].items() if k != "x-harness-token"}) for r in s["requests"]],
         sorted((f["rule"], f["line"]) for f in s["findings"]))
        for s in json.loads(report.read_text())["snippets"]
    ]


def test_the_seed_page_gets_the_same_verdicts_in_containers(executor: DockerExecutor, tmp_path: Path) -> None:
    in_docker = seed_verdicts(tmp_path, "docker")
    assert [v[0] for v in in_docker] == ["streaming", "worker", "node", "python", "curl"]
    assert in_docker == seed_verdicts(tmp_path, "local")
