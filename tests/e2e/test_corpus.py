"""The real Cloudflare docs (both trees of `../shared/corpus`) through the CLI, as a docs team runs it:
`harness list` reads every page and counts what tests pin; `harness run` finishes with a status and
a reason for every snippet and no harness error."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
HUGO = "cloudflare-docs-hugo-2024-07/content/"
MDX = "cloudflare-docs-mdx-2026-07/src/content/docs/"


@pytest.fixture(scope="module")
def corpus() -> Path:
    assert (CORPUS / "SOURCES.txt").is_file(), f"the shared corpus is missing at {CORPUS}: these tests need it"
    return CORPUS


def harness(cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def listed(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    done = harness(tmp_path_factory.mktemp("list"), "list", str(corpus), "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def page_files(corpus: Path) -> set[str]:
    """Every page of both trees: `.md`/`.mdx` under the content folders, bar partials."""
    found = set()
    for root in (corpus / HUGO, corpus / MDX):
        for path in root.rglob("*"):
            rel = path.relative_to(corpus)
            is_partial = "_partials" in rel.parts or (path.name.startswith("_") and path.stem != "_index")
            if path.suffix in (".md", ".mdx") and not is_partial:
                found.add(rel.as_posix())
    return found


def test_list_reads_every_page_of_both_trees_and_nothing_else(corpus: Path, listed: dict[str, Any]) -> None:
    shown = {p["path"].removeprefix(f"{corpus}/") for p in listed["pages"]}
    assert shown == page_files(corpus)
    assert len(shown) == 88
    assert not any("/layouts/" in p or "_partials" in p for p in shown)


def test_list_totals(listed: dict[str, Any]) -> None:
    totals = listed["totals"]
    assert (totals["pages"], totals["snippets"], totals["groups"], totals["tabs"]) == (88, 616, 130, 294)
    # sessions +33, wrangler +40, the mock's bindings, cron and Service Worker format +32; contract +6:
    # placeholders now given a value (`<MY_QUEUE>` x2, `<RESPONSE>`, an API key, `$MYCERT`) and a script
    # importing @langchain/textsplitters (now in runners/node); devserver +8: yarn/pnpm tabs, a `wrangler dev`
    # then +61: D1 tables a page never creates made by the harness (+24), Durable Object stand-ins, a class
    # alone, Workflows, `env.ai` (+14), placeholders a reader chooses (+11), blocks that only define (+5),
    # dev servers the harness starts (+4), SDK clients used without their import (+3)
    assert (totals["runnable"], totals["fragment"], totals["not_runnable"]) == (361, 57, 198)
    assert totals["languages"]["sh"] == 175 and totals["languages"]["py"] == 86
    assert sum(totals["runners"].values()) == totals["runnable"]
    assert all(s["reason"] for s in listed["snippets"] if s["status"] != "runnable")
    assert not any(d["severity"] == "error" for d in listed["diagnostics"])


@pytest.mark.parametrize(
    ("page", "counts"),
    [
        (HUGO + "workers/examples/fetch-json.md",
         (1, 3, 3, {"js": 1, "ts": 1, "py": 1}, (2, 0, 1))),
        (HUGO + "workers-ai/tutorials/build-a-retrieval-augmented-generation-ai.md",
         (1, 3, 19, {"sh": 12, "js": 4, "toml": 3}, (14, 0, 5))),  # its yarn and pnpm tabs run
        (HUGO + "pages/functions/bindings.md",
         (10, 20, 26, {"js": 10, "ts": 10, "sh": 5, "(none)": 1}, (24, 0, 2))),
        (MDX + "d1/worker-api/prepared-statements.mdx",
         (15, 30, 36, {"js": 15, "py": 15, "json": 6}, (9, 15, 12))),
        (MDX + "workers/examples/cache-using-fetch.mdx",
         (3, 10, 14, {"js": 8, "ts": 4, "py": 1, "rs": 1}, (9, 3, 2))),
        (MDX + "stream/get-started.mdx",
         (4, 7, 11, {"sh": 3, "ts": 3, "json": 3, "html": 2}, (6, 0, 5))),
    ],
)
def test_named_pages(corpus: Path, listed: dict[str, Any], page: str,
                     counts: tuple[int, int, int, dict[str, int], tuple[int, int, int]]) -> None:
    [entry] = [p for p in listed["pages"] if p["path"] == f"{corpus}/{page}"]
    groups, tabs, snippets, languages, (runnable, fragment, not_runnable) = counts
    assert (entry["groups"], entry["tabs"], entry["snippets"], entry["languages"]) == (
        groups, tabs, snippets, languages)
    assert (entry["runnable"], entry["fragment"], entry["not_runnable"]) == (runnable, fragment, not_runnable)


def test_named_snippets_say_why(corpus: Path, listed: dict[str, Any]) -> None:
    by_place = {(s["page"].removeprefix(f"{corpus}/"), s["line"], s["label"]): s for s in listed["snippets"]}
    service_worker = by_place[(MDX + "workers/examples/cache-using-fetch.mdx", 449, "Service Worker")]
    assert (service_worker["status"], service_worker["runner"]) == ("runnable", "worker")  # as workerd runs it
    hono = by_place[(MDX + "workers/examples/cache-using-fetch.mdx", 90, "Hono")]
    assert (hono["status"], hono["runner"]) == ("runnable", "worker")  # hono is installed for Workers
    python = by_place[(HUGO + "workers/examples/fetch-json.md", 76, "py")]
    assert python["kind"] == "python-worker"
    early_hints = by_place[(HUGO + "workers/examples/103-early-hints.md", 72, "ts")]
    assert (early_hints["language"], early_hints["runner"]) == ("ts", "worker")  # a `js` fence holding TypeScript
    wrangler = by_place[(MDX + "workers-ai/get-started/workers-wrangler.mdx", 135, None)]
    assert (wrangler["status"], wrangler["runner"]) == ("runnable", "wrangler")  # `npx wrangler deploy`
    login = by_place[(MDX + "workers-ai/get-started/workers-wrangler.mdx", 127, None)]
    assert "signs in through a browser" in login["reason"]
    diagnostics = {(d["page"].removeprefix(f"{corpus}/"), d["line"]): d for d in listed["diagnostics"]}
    # `<USER_ROLE>` in a JSON body gets a role id that fits the contract's schema: nothing is left unreplaced
    assert (HUGO + "tenant/get-started/index.md", 70) not in diagnostics
    tenant = by_place[(HUGO + "tenant/get-started/index.md", 61, None)]
    assert tenant["status"] == "runnable"
    assert diagnostics[(HUGO + "workers/examples/103-early-hints.md", 106)]["message"].startswith(
        "the fence says js but the code is TypeScript")


@pytest.mark.node
def test_run_gives_every_snippet_a_status_and_a_reason(corpus: Path, listed: dict[str, Any],
                                                       tmp_path: Path) -> None:
    done = harness(tmp_path, "run", "--executor", "local", str(corpus), "-j", "2", "-q", "--no-cache",
                   "--json", "run.json")
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((tmp_path / "run.json").read_text())
    snippets = report["snippets"]
    assert len(snippets) == listed["totals"]["snippets"]
    statuses = Counter(s["status"] for s in snippets)
    assert statuses["error"] == 0, [(s["id"], s["reason"]) for s in snippets if s["status"] == "error"]
    # a block of a page session after one that failed is listed as runnable, and not run
    after_failure = sum(1 for s in snippets if s["status"] == "skipped" and s["session"])
    assert statuses["skipped"] - after_failure == listed["totals"]["fragment"] + listed["totals"]["not_runnable"]
    assert statuses["passed"] + statuses["failed"] + after_failure == listed["totals"]["runnable"]
    assert all(s["reason"] for s in snippets if s["status"] == "skipped")
    failed = [s for s in snippets if s["status"] == "failed"]
    assert all(any(f["severity"] == "error" for f in s["findings"]) for s in failed)
