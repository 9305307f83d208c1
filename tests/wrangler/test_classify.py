"""Which shell blocks the wrangler runtime runs, and the precise reasons for the ones it leaves out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.extract.classify import classify
from harness.extract.page import extract_page
from harness.extract.placeholders import DEFAULT_PLACEHOLDERS
from harness.generated_values import generated_id
from harness.runtimes.registry import runtime_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("code", [
    "npx wrangler d1 execute db --remote --command \"SELECT 1\"\n",
    "wrangler kv namespace create SETTINGS\n",
    "npx -y wrangler@latest deploy\n",
    "npm create cloudflare@latest hello-ai -- --type=hello-world\n",
    "npm install hono\n",
    "cd hello-ai\n",
    "npx wrangler dev\n",  # the runner starts it, asks it once, stops it (runners/wrangler/dev.mjs)
    "npx wrangler pages dev public\n",
    "npm run dev\n",
    "yarn create cloudflare hello\n",  # yarn's and pnpm's tabs run on the same offline shims
    "pnpm create cloudflare@latest hello\n",
    "pnpm add hono\n",
    "yarn\n",
])
def test_wrangler_tooling_runs_on_the_wrangler_runtime_with_a_token(code: str) -> None:
    found = classify(code, "sh", DEFAULT_PLACEHOLDERS)
    assert found is not None and (found.kind, found.reason) == ("wrangler", None)
    assert set(found.env) == {"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID"}


@pytest.mark.parametrize(("code", "reason"), [
    ("npx wrangler login\n", "`wrangler login` signs in through a browser"),
    ("npx wrangler dev --remote\n", "`wrangler dev --remote` runs the Worker on Cloudflare's network"),
    ("npx wrangler tail\n", "`wrangler tail` streams a deployed Worker's logs until stopped"),
    ("bun create cloudflare hello\n", "the harness runs npm, yarn and pnpm, not bun (the page's npm tab runs)"),
])
def test_what_stays_out_says_precisely_why(code: str, reason: str) -> None:
    found = classify(code, "sh", DEFAULT_PLACEHOLDERS)
    assert found is not None and found.reason is not None and reason in found.reason


def test_plain_curl_stays_on_the_shell_runtime() -> None:
    found = classify("curl https://api.cloudflare.com/client/v4/user\n", "sh", DEFAULT_PLACEHOLDERS)
    assert found is not None and found.kind == "shell"


def test_each_wrangler_block_gets_the_pages_project_as_it_stands_at_that_block() -> None:
    extraction = extract_page(ROOT / "fixtures/wrangler/d1-tutorial.md", "d1-tutorial.md")
    blocks = {s.line: s for s in extraction.snippets}
    first = json.loads(blocks[10].options["project"])  # before any configuration: the page's, and C3's code
    assert sorted(first["files"]) == ["package.json", "src/index.js", "wrangler.json"]
    assert "Hello World" in first["files"]["src/index.js"]
    deploy = json.loads(blocks[63].options["project"])
    config = json.loads(deploy["files"]["wrangler.json"])
    assert config["name"] == "notes-api" and config["main"] == "src/index.js"
    # the id the reader pastes from `d1 create`: the id the mock answers with the newest database
    assert config["d1_databases"] == [{"binding": "DB", "database_name": "notes-db",
                                       "database_id": generated_id("{database_id}")}]
    assert "env.DB.prepare" in deploy["files"]["src/index.js"]
    assert deploy["files"]["seed.sql"].startswith("INSERT INTO notes")
    assert runtime_for(blocks[63]) is not None and runtime_for(blocks[63]).name == "wrangler"  # type: ignore[union-attr]


def test_a_block_that_enters_the_folder_c3_made_gets_the_project_there(tmp_path: Path) -> None:
    page = tmp_path / "tutorial.md"
    page.write_text("# T\n\n```sh\nnpm create cloudflare@latest hello-ai\n```\n\n"
                    "```sh\ncd hello-ai\nnpx wrangler deploy\n```\n")
    create, enter = extract_page(page, "tutorial.md").snippets
    assert json.loads(create.options["project"]) == {"dir": "", "files": {}}
    project = json.loads(enter.options["project"])
    assert project["dir"] == "hello-ai" and json.loads(project["files"]["wrangler.json"])["name"] == "hello-ai"
