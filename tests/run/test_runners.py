"""Each runner, for real, against the mock: unmodified code reaches the mock and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from harness.model import Snippet
from harness.run.local.executor import LocalExecutor
from harness.run.registry import default_runners_dir, runner_name_for, runners

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
URL = f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/run/@cf/meta/llama-3-8b-instruct"


@pytest.fixture(scope="module")
def executor() -> Iterator[LocalExecutor]:
    with LocalExecutor(default_runners_dir()) as ex:
        yield ex


def snippet(code: str, language: str, name: str) -> Snippet:
    return Snippet(id=f"t.md::{name}::1", page="t.md", group=name, label=None, language=language, code=code,
                   line=1, source=code)


def run(executor: LocalExecutor, s: Snippet, timeout: float = 60):  # type: ignore[no-untyped-def]
    runner = runners(executor.runners_dir)[runner_name_for(s) or ""]
    assert runner.available() is None
    launch = runner.launch(s, executor.route(s.id), executor.runners_dir)
    return executor.execute(runner, launch, timeout), executor.requests_of(s.id)


PY = f"""import requests
r = requests.post("{URL}", headers={{"Authorization": "Bearer harness-test-token"}}, json={{"prompt": "hi"}})
print(r.status_code, r.json()["result"]["response"][:20])
"""


def test_python_requests_reach_the_mock(executor: LocalExecutor) -> None:
    out, reqs = run(executor, snippet(PY, "py", "py-requests"))
    assert out.exit_code == 0, out.stderr
    assert out.stdout.startswith("200 ")
    [req] = reqs
    assert (req.via, req.method, req.model, req.json, req.status) == (
        "rest", "POST", "@cf/meta/llama-3-8b-instruct", {"prompt": "hi"}, 200)
    assert req.header("content-type") == "application/json"


def test_python_httpx_reaches_the_mock(executor: LocalExecutor) -> None:
    code = PY.replace("import requests", "import httpx as requests")
    out, reqs = run(executor, snippet(code, "py", "py-httpx"))
    assert out.exit_code == 0, out.stderr
    assert [r.status for r in reqs] == [200]


def test_node_fetch_reaches_the_mock(executor: LocalExecutor) -> None:
    code = f"""const r = await fetch("{URL}", {{ method: "POST",
  headers: {{ Authorization: "Bearer harness-test-token", "content-type": "application/json" }},
  body: JSON.stringify({{ prompt: "hi" }}) }});
console.log(r.status, (await r.json()).success);
"""
    out, reqs = run(executor, snippet(code, "js", "node-fetch"))
    assert (out.exit_code, out.stdout.strip()) == (0, "200 true"), out.stderr
    assert [(r.via, r.json) for r in reqs] == [("rest", {"prompt": "hi"})]


def test_node_runs_typescript_and_commonjs(executor: LocalExecutor) -> None:
    ts = "const n: number = 41;\nconsole.log(n + 1);\n"
    out, _ = run(executor, snippet(ts, "ts", "node-ts"))
    assert (out.exit_code, out.stdout) == (0, "42\n"), out.stderr
    cjs = "const path = require('node:path');\nconsole.log(path.basename('/a/b.txt'));\n"
    out, _ = run(executor, snippet(cjs, "js", "node-cjs"))
    assert (out.exit_code, out.stdout) == (0, "b.txt\n"), out.stderr


def test_curl_reaches_the_mock(executor: LocalExecutor) -> None:
    code = f"curl -sS {URL} \\\n  -H 'Authorization: Bearer harness-test-token' \\\n  -d '{{\"prompt\": \"hi\"}}'\n"
    out, reqs = run(executor, snippet(code, "sh", "curl"))
    assert out.exit_code == 0, out.stderr
    assert '"success":true' in out.stdout.replace(" ", "")
    assert [r.header("content-type") for r in reqs] == ["application/x-www-form-urlencoded"]


def test_shell_gets_the_environment_variables_of_its_options(executor: LocalExecutor) -> None:
    url = URL.replace(ACCOUNT, "$CLOUDFLARE_ACCOUNT_ID")
    code = f'curl -sS "{url}" -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -d \'{{"prompt": "hi"}}\'\n'
    s = snippet(code, "sh", "curl-env")
    s = replace(s, options={"env.CLOUDFLARE_ACCOUNT_ID": ACCOUNT, "env.CLOUDFLARE_API_TOKEN": "harness-test-token"})
    out, reqs = run(executor, s)
    assert out.exit_code == 0, out.stderr
    assert [(r.status, r.header("authorization")) for r in reqs] == [(200, "Bearer harness-test-token")]


def test_worker_binding_and_response(executor: LocalExecutor) -> None:
    code = """export default {
  async fetch(request, env) {
    const answer = await env.AI.run("@cf/meta/llama-3-8b-instruct", { prompt: "hi" });
    return Response.json(answer);
  },
};
"""
    out, reqs = run(executor, snippet(code, "js", "worker"))
    assert out.exit_code == 0, out.stderr
    assert out.response is not None and out.response.status == 200
    assert b'"response"' in out.response.body
    assert [(r.via, r.model, r.json) for r in reqs] == [("binding", "@cf/meta/llama-3-8b-instruct", {"prompt": "hi"})]


def test_worker_invalid_input_throws_like_the_binding(executor: LocalExecutor) -> None:
    code = """export default {
  async fetch(request, env) {
    try {
      await env.AI.run("@cf/meta/llama-3-8b-instruct", { nothing: true });
      return new Response("no error");
    } catch (error) {
      return new Response(`${error.name}: ${error.message}`, { status: 400 });
    }
  },
};
"""
    out, reqs = run(executor, snippet(code, "js", "worker-invalid"))
    assert out.response is not None and out.response.status == 400
    assert out.response.body.startswith(b"AiError: "), out.response.body
    assert [r.status for r in reqs] == [400]


def test_worker_own_fetch_goes_through_the_proxy(executor: LocalExecutor) -> None:
    code = f"""export default {{
  async fetch(request, env) {{
    const r = await fetch("{URL}", {{ method: "POST", headers: {{ Authorization: "Bearer harness-test-token" }},
      body: JSON.stringify({{ prompt: "hi" }}) }});
    return new Response(String(r.status));
  }},
}};
"""
    out, reqs = run(executor, snippet(code, "js", "worker-fetch"))
    assert out.response is not None and out.response.body == b"200", out.stderr
    assert [r.via for r in reqs] == ["rest"]


def test_other_hosts_reach_a_simulated_origin(executor: LocalExecutor) -> None:
    code = "import requests\nprint(requests.get('https://example.com/todos/1', timeout=10).json()['id'])\n"
    out, reqs = run(executor, snippet(code, "py", "origin"))
    assert (out.exit_code, out.stdout) == (0, "1\n"), out.stderr
    assert [(r.via, r.url, r.status) for r in reqs] == [("origin", "https://example.com/todos/1", 200)]


def test_a_snippet_that_sends_nothing_records_nothing(executor: LocalExecutor) -> None:
    out, reqs = run(executor, snippet("print('quiet')\n", "py", "quiet"))
    assert (out.exit_code, reqs) == (0, ())


def test_runner_reports_missing_dependencies(tmp_path: Path) -> None:
    by_name = runners(tmp_path)
    assert "make setup" in (by_name["python"].available() or "")
    assert "make setup" in (by_name["worker"].available() or "")


def test_worker_redirect_is_its_answer_not_followed(executor: LocalExecutor) -> None:
    code = "export default {\n  fetch: () => Response.redirect('https://developers.cloudflare.com/', 301),\n};\n"
    out, reqs = run(executor, snippet(code, "js", "worker-redirect"))
    assert out.exit_code == 0, out.stderr
    assert out.response is not None and out.response.status == 301
    assert out.response.header("location") == "https://developers.cloudflare.com/"
    assert reqs == ()
