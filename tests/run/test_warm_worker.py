"""Warm Worker serving: the same Worker snippets run cold (Miniflare per snippet) and warm (one workerd,
a fresh isolate per snippet) give the same evidence."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from harness.model import Snippet
from harness.pipeline import plan
from harness.run.base import Outcome
from harness.run.local import warm_worker
from harness.run.local.executor import LocalExecutor
from harness.run.registry import default_runners_dir, runners

pytestmark = pytest.mark.node

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
URL = f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/run/@cf/meta/llama-3-8b-instruct"
MODEL = "@cf/meta/llama-3-8b-instruct"


def handler(body: str) -> str:
    return f"export default {{\n  async fetch(request: Request, env: any, ctx: any) {{\n{body}\n  }},\n}};\n"


CASES = {
    "console": handler('    console.log("hello", { a: 1 }, [1, 2]);\n    console.error("oops");\n'
                       '    console.warn("careful");\n    return new Response("ok");'),
    "own-fetch": handler(f'    const r = await fetch("{URL}", {{ method: "POST", headers: {{ Authorization: "Bearer '
                         f'harness-test-token", "content-type": "application/json" }}, body: JSON.stringify('
                         '{ prompt: "hi" }) });\n    return new Response(await r.text(), { status: r.status, '
                         'headers: { "x-upstream": r.headers.get("content-type") } });'),
    "binding": handler(f'    const a = await env.AI.run("{MODEL}", {{ prompt: "yo" }});\n'
                       '    return Response.json({ a, id: typeof env.AI.lastRequestId });'),
    "binding-stream": handler(f'    const s = await env.AI.run("{MODEL}", {{ prompt: "yo", stream: true }});\n'
                              '    return new Response(s, { headers: { "content-type": "text/event-stream" } });'),
    "binding-error": handler(f'    try {{ await env.AI.run("{MODEL}", {{ nonsense: 1 }}); }}\n'
                             '    catch (e) { return new Response(`${e.name}: ${e.message}`, { status: 400 }); }'),
    "request-seen": handler('    const h = [...request.headers].filter(([k]) => k !== "host");\n'
                            '    return Response.json({ url: request.url, method: request.method, h, cf: '
                            'typeof request.cf });'),
    "globals": "let n = 0;\nexport default { fetch() { globalThis.seen = (globalThis.seen || 0) + 1; n++;\n"
               "  return new Response(`${n} ${globalThis.seen}`); } };\n",
    "throws": handler('    throw new Error("boom");'),
    "bundle-error": handler("    const x: number = ;"),
    "redirect": handler('    return Response.redirect("https://example.com/next", 301);'),
    "cache": handler('    const key = new Request("https://example.com/k");\n'
                     '    const kept = new Response("kept", { headers: { "cache-control": "max-age=60" } });\n'
                     '    await caches.default.put(key, kept);\n'
                     '    const hit = await caches.default.match(key);\n'
                     '    return new Response(hit ? await hit.text() : "miss");'),
    "start-fails": "class A extends NoSuchBase {}\nexport default { fetch() { return new Response(String(A)); } };\n",
    "null-body": handler("    return new Response(null, { status: 204 });"),
    "wait-until": handler('    ctx.waitUntil((async () => {\n      await new Promise((r) => setTimeout(r, 50));\n'
                          f'      console.log("later");\n      await env.AI.run("{MODEL}", {{ prompt: "bg" }});\n'
                          '      ctx.waitUntil(Promise.resolve().then(() => console.log("nested")));\n    })());\n'
                          '    return new Response("answered first");'),
    "wait-until-then-throw": handler('    ctx.waitUntil(new Promise((r) => setTimeout(r, 20)).then(() => '
                                     'console.log("cleanup")));\n    throw new Error("boom");'),
    "entrypoint-class": 'import { WorkerEntrypoint } from "cloudflare:workers";\n'
                        "export default class extends WorkerEntrypoint {\n  async fetch(request) {\n"
                        '    this.ctx.waitUntil(Promise.resolve().then(() => console.log("class waitUntil")));\n'
                        "    return new Response(typeof this.env.AI.run);\n  }\n}\n",
}


def snippet(code: str, name: str) -> Snippet:
    return Snippet(id=f"t.md::{name}::1", page="t.md", group=name, label=None, language="ts", code=code,
                   line=1, source=code)


def run(executor: LocalExecutor, s: Snippet, key: str, timeout: float = 60) -> tuple[Outcome, tuple[Any, ...]]:
    runner = runners(executor.runners_dir)["worker"]
    assert runner.available() is None
    outcome = executor.execute(runner, runner.launch(s, executor.route(key), executor.runners_dir), timeout)
    return outcome, executor.requests_of(key)


def comparable(outcome: Outcome, requests: tuple[Any, ...]) -> dict[str, Any]:
    """The evidence, but for what must differ: tokens, journal numbers, the port a server listens on,
    the frame a thrown error's stack names (Miniflare's entry worker, or the warm host), and the name
    workerd gives the Worker whose start-up error it prints."""
    response = outcome.response
    body, headers = (response.body, response.headers) if response else (b"", ())
    if response is not None and response.status == 500:  # the stack: its first line, not its length
        body, headers = body.split(b"\n")[0], tuple(h for h in headers if h[0] != "content-length")
    return {
        "exit_code": outcome.exit_code, "stdout": outcome.stdout,
        "stderr": outcome.stderr.replace("service core:user:snippet: ", ""),  # how workerd names Miniflare's
        "timed_out": outcome.timed_out, "infra_error": outcome.infra_error,
        "response": response and (response.status, headers, re.sub(rb"127\.0\.0\.1:\d+", b"HOST", body)),
        "requests": [dataclasses.replace(r, seq=0, at=0.0, snippet_id="s", headers=tuple(
            (k, "TOKEN" if k == "x-harness-token" else v) for k, v in r.headers)) for r in requests],
    }


@pytest.fixture(scope="module")
def cold() -> Iterator[LocalExecutor]:
    with LocalExecutor(default_runners_dir()) as executor:
        yield executor


@pytest.fixture(scope="module")
def warm() -> Iterator[LocalExecutor]:
    with LocalExecutor(default_runners_dir(), warm_workers=True) as executor:
        yield executor


def seed_workers() -> dict[str, str]:
    jobs = plan(["fixtures/pages/seed.md"]).jobs
    return {f"seed-{job.snippet.label}": job.snippet.code for job in jobs if job.runner == "worker"}


@pytest.mark.parametrize("name", sorted(CASES) + sorted(seed_workers()))
def test_warm_evidence_is_the_cold_evidence(name: str, cold: LocalExecutor, warm: LocalExecutor) -> None:
    s = snippet({**CASES, **seed_workers()}[name], name)
    expected = comparable(*run(cold, s, f"cold::{name}"))
    actual = comparable(*run(warm, s, f"warm::{name}"))
    assert actual == expected


@pytest.mark.parametrize("way", ["cold", "warm"])
def test_wait_until_work_after_the_answer_is_the_snippets(way: str, cold: LocalExecutor, warm: LocalExecutor) -> None:
    """workerd runs ctx.waitUntil work after the answer: its output and its requests are evidence."""
    outcome, requests = run({"cold": cold, "warm": warm}[way], snippet(CASES["wait-until"], f"wu-{way}"), f"wu-{way}")
    assert outcome.response is not None and outcome.response.body == b"answered first"
    assert (outcome.exit_code, outcome.stdout) == (0, "later\nnested\n"), outcome.stderr
    assert [(r.via, r.model, r.json) for r in requests] == [("binding", MODEL, {"prompt": "bg"})]


def test_a_snippet_using_the_cache_api_runs_cold(warm: LocalExecutor) -> None:
    """The Worker Loader's isolates have no Cache API: such a snippet gets Miniflare's, as cold ones do."""
    outcome, _ = run(warm, snippet(CASES["cache"], "cache-warm"), "cache-warm")
    assert outcome.response is not None and outcome.response.body == b"kept", outcome.response
    runner = runners(warm.runners_dir)["worker"]
    plain = runner.launch(snippet(CASES["console"], "c"), warm.route("c"), warm.runners_dir)
    cached = runner.launch(snippet(CASES["cache"], "c"), warm.route("c"), warm.runners_dir)
    assert warm_worker.WarmWorkers.serves(plain) and not warm_worker.WarmWorkers.serves(cached)


def test_every_snippet_gets_a_fresh_isolate_and_its_own_token(warm: LocalExecutor) -> None:
    code = CASES["globals"]
    answers = [run(warm, snippet(code, f"fresh{n}"), f"fresh{n}")[0] for n in range(3)]
    assert [a.response.body for a in answers if a.response] == [b"1 1"] * 3
    binding = CASES["binding"]
    for n in range(2):
        _, requests = run(warm, snippet(binding, f"token{n}"), f"token{n}")
        assert [(r.via, r.snippet_id) for r in requests] == [("binding", f"token{n}")]


def test_a_server_is_replaced_after_its_share_of_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm_worker, "RECYCLE_AFTER", 2)
    started: list[int] = []
    enter = warm_worker.WarmWorkerServer.__enter__

    def counted(server: warm_worker.WarmWorkerServer) -> warm_worker.WarmWorkerServer:
        started.append(1)
        return enter(server)

    monkeypatch.setattr(warm_worker.WarmWorkerServer, "__enter__", counted)
    with LocalExecutor(default_runners_dir(), warm_workers=True) as executor:
        answers = [run(executor, snippet(CASES["globals"], f"recycled{n}"), f"recycled{n}")[0] for n in range(5)]
    assert [a.response.body for a in answers if a.response] == [b"1 1"] * 5
    assert len(started) == 3


def test_another_host_reaches_its_simulated_origin(warm: LocalExecutor) -> None:
    code = handler('    const r = await fetch("https://example.com/");\n    return new Response(`x${r.status}`);')
    outcome, requests = run(warm, snippet(code, "origin"), "origin")
    assert outcome.response is not None and outcome.response.body == b"x200"
    assert [(r.via, r.method, r.url) for r in requests] == [("origin", "GET", "https://example.com/")]


def test_a_hung_worker_times_out_and_the_next_gets_a_fresh_server(warm: LocalExecutor) -> None:
    started = time.monotonic()
    outcome, _ = run(warm, snippet(handler("    while (true) {}"), "hung"), "hung", timeout=2)
    assert outcome.timed_out and outcome.exit_code is None
    assert time.monotonic() - started < 10
    outcome, _ = run(warm, snippet(CASES["console"], "after"), "after")
    assert (outcome.exit_code, outcome.stdout) == (0, "hello { a: 1 } [ 1, 2 ]\n"), outcome.stderr


def test_warm_snippets_are_fast_once_the_server_is_up(warm: LocalExecutor) -> None:
    run(warm, snippet(CASES["binding"], "first"), "first")
    durations = [run(warm, snippet(CASES["binding"], f"again{n}"), f"again{n}")[0].duration_s for n in range(5)]
    assert sorted(durations)[2] < 1.0  # a generous bound: cold Miniflare takes longer than this alone
