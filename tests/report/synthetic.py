"""A run of any size made up in memory: pages in folders, blocks of every language and status, skip
reasons, findings with expected and actual, requests and output (for the scale tests of the reports)."""

from __future__ import annotations

import hashlib

from harness.model import Evidence, Finding, RecordedRequest, RunResult, Severity, Snippet, SnippetResult, Status

LANGS = (("py", "python"), ("js", "node"), ("ts", "worker"), ("sh", "curl"), ("json", None))
REASONS = ("not runnable: json", "fragment: uses `env`, never defined",
           "not runnable: needs binding `DB` (the harness binds only AI)",
           "not runnable: Pages Function (`onRequest`); the harness runs no Pages project")


def _code(i: int) -> str:
    """Twelve lines unlike any other block's (a digest each), so the blob compresses no better than real code."""
    return "\n".join(f"const v{k} = await env.AI.run('@cf/meta/llama-3-8b-instruct', "
                     f"{{ prompt: '{hashlib.sha1(f'{i}/{k}'.encode()).hexdigest()[:16]}' }});" for k in range(12))


def _result(i: int, page: str) -> SnippetResult:
    language, label = LANGS[i % len(LANGS)]
    snippet = Snippet(id=f"{page}::g{i}::{label}", page=page, group=f"g{i}", label=label, language=language,
                      code=_code(i), line=10 + 20 * (i % 5), source=_code(i))
    if i % 10 < 6:
        return SnippetResult(snippet, Status.SKIPPED, None, (), reason=REASONS[i % len(REASONS)])
    request = RecordedRequest(snippet.id, "rest", "POST", "https://api.cloudflare.com/client/v4/ai/run",
                              "/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct",
                              (("authorization", "Bearer {API_TOKEN}"),), b"", json={"prompt": f"hi {i}"},
                              model="@cf/meta/llama-3-8b-instruct", status=200)
    evidence = Evidence(snippet, label or "node", 0, f"answer {i}\n" * 5, "", 0.25, (request,))
    if i % 10 < 9:
        return SnippetResult(snippet, Status.PASSED, evidence, ())
    found = Finding("REQ003", "wrong-model", Severity.ERROR,
                    f"{snippet.where} calls model @cf/meta/llama-3-8b-instruct, but the page documents "
                    "@cf/mistral/mistral-7b-instruct-v0.1 (line 5)", page, snippet.line, snippet.id,
                    {"expected": "@cf/mistral/mistral-7b-instruct-v0.1", "actual": "@cf/meta/llama-3-8b-instruct"})
    return SnippetResult(snippet, Status.FAILED, evidence, (found,))


def synthetic_run(blocks: int, per_page: int = 5) -> RunResult:
    """`blocks` blocks, `per_page` to a page, pages 20 to a folder under `docs/`."""
    pages = [f"docs/section-{p // 400}/folder-{p // 20}/page-{p}.md" for p in range(-(-blocks // per_page))]
    results = tuple(_result(i, pages[i // per_page]) for i in range(blocks))
    return RunResult(results, (), tuple(pages), duration_s=123.4, executor="local", jobs=2)
