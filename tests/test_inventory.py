"""`harness list`: the inventory of a content tree, as a table and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import inventory
from harness.cli import main
from harness.pipeline import plan

ROOT = Path(__file__).resolve().parents[1]
SITES = "fixtures/pages/sites"


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def inventory_of(*paths: str) -> inventory.Inventory:
    the_plan = plan(list(paths))
    entries = [inventory.Entry(j.snippet, j.runner, "") for j in the_plan.jobs]
    entries += [inventory.Entry(r.snippet, None, r.reason) for r in the_plan.skipped]
    return inventory.build([p.path for p in the_plan.pages], entries, the_plan.diagnostics)


def test_pages_groups_tabs_languages_and_statuses() -> None:
    found = inventory_of(SITES)
    hugo, mdx = found.pages
    assert (hugo.groups, hugo.tabs, hugo.snippets, dict(hugo.languages)) == (1, 2, 5, {"sh": 3, "py": 1, "js": 1})
    assert dict(hugo.statuses) == {"runnable": 5, "fragment": 0, "not runnable": 0}  # env.AI block: a handler body
    # `npm install @cloudflare/ai`: a package the wrangler runner does not carry (its install would fail offline)
    assert (mdx.groups, mdx.tabs, mdx.snippets, dict(mdx.statuses)) == (
        1, 2, 3, {"runnable": 2, "fragment": 0, "not runnable": 1})
    assert sorted(e.status for e in found.entries) == ["not runnable"] + ["runnable"] * 7
    install = next(e for e in found.entries if e.status == "not runnable")
    assert install.snippet.code.strip() == "npm install @cloudflare/ai" and "`@cloudflare/ai`" in install.reason
    notebook = inventory_of("fixtures/pages/extract15").pages
    assert sum(dict(p.statuses)["fragment"] for p in notebook) == 1


def test_reasons_pool_their_specifics() -> None:
    found = inventory_of("fixtures/pages/malformed", "fixtures/pages/extract15", SITES)
    pooled = {shape: (count, details) for shape, count, details in inventory.reasons(found)}
    assert pooled["fragment: uses `…`, never defined on this page"] == (1, ["`summary`"])
    # the COUNTER namespace whose class is not on the page runs against a stand-in (harness.extract.durable_stand_in)
    assert not [shape for shape in pooled if "needs its class" in shape]
    counter = [e for e in found.entries
               if e.snippet.page.endswith("wrangler-worker.md") and "COUNTER" in e.snippet.code]
    assert [(e.status, e.snippet.options["durable_stand_ins"]) for e in counter] == [("runnable", '{"COUNTER": []}')]
    assert pooled["unclosed fence"][0] == 2


def test_the_table_names_every_page_and_reason() -> None:
    text = inventory.render(inventory_of(SITES), show_snippets=True)
    assert "     1     2        5    5    0    0  fixtures/pages/sites/hugo/content/workers-ai/get-started.md" in text
    assert "2 pages, 2 tab groups, 4 tabs, 8 snippets: 7 runnable, 0 fragments, 1 not runnable" in text
    assert "Runs on: shell 4, worker 2, python 1" in text
    assert "_binding-note.md:11)" in text  # the env.AI handler body, at its partial's line
    assert "_run-model.md:23)" in text  # where an included snippet's code really is
    assert "warning fixtures/pages/sites/hugo/content/workers-ai/get-started.md:14: partial `_pricing.md`" in text
    assert "     1  … is not in the tree given: partials not extracted: `…`" in text


def test_list_json_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", SITES, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["snippets"] == 8 and data["totals"]["runners"] == {"shell": 4, "python": 1, "worker": 2}
    body = next(s for s in data["snippets"] if s["language"] == "js")
    assert body == {
        "id": f"{SITES}/hugo/content/workers-ai/get-started.md::_run-model.md:_binding-note.md:g1::1",
        "page": f"{SITES}/hugo/content/workers-ai/get-started.md",
        "line": 12,
        "group": "_run-model.md:_binding-note.md:g1",
        "label": None,
        "language": "js",
        "kind": "worker",
        "status": "runnable",
        "runner": "worker",
        "reason": None,
        "partial": f"{SITES}/hugo/content/workers/_partials/_binding-note.md:11",
    }
    assert [d["severity"] for d in data["diagnostics"]] == ["warning", "info"]


def test_list_of_nothing_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "no/such/folder"]) == 2
    assert "no pages found" in capsys.readouterr().err
