"""Which blocks start a dev server, and which later blocks call it (and so run with it in the background)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.extract.dev_sessions import DEV_SERVER_OPTION
from harness.extract.page import extract_page
from harness.extract.shell_wrangler import starts_dev_server
from harness.run.common import infra_said
from harness.runtimes.wrangler import dev_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("command", "starts"), [
    ("npx wrangler dev", True), ("wrangler pages dev public", True), ("npm run dev", True), ("yarn dev", True),
    ("pnpm run start", True), ("npx wrangler deploy", False), ("npm run deploy", False), ("npm install", False),
])
def test_what_starts_a_dev_server(command: str, starts: bool) -> None:
    assert starts_dev_server(tuple(command.split())) is starts


def test_curl_to_localhost_after_wrangler_dev_runs_with_that_dev_server() -> None:
    blocks = {s.line: s for s in extract_page(ROOT / "fixtures/devserver/notes-dev.md", "notes-dev.md").snippets}
    for line in (41, 45):
        call = blocks[line]
        assert (call.skip_reason, call.options["kind"]) == (None, "wrangler")
        assert json.loads(call.options[DEV_SERVER_OPTION]) == {"line": 35, "code": "npx wrangler dev\n"}
        assert call.options["project"] == blocks[35].options["project"]  # the dev server's Worker
    env, files = dev_env(blocks[45])
    assert env["HARNESS_DEV_LINE"] == "35" and files[".harness-dev-block.sh"] == b"npx wrangler dev\n"
    assert "localhost" in env["NO_PROXY"]
    # the dev-server block itself is sent the request the harness sends a Worker of that code
    request = json.loads(dev_env(blocks[35])[0]["HARNESS_DEV_REQUEST"])
    assert request["method"] == "POST" and json.loads(request["body"])
    assert DEV_SERVER_OPTION not in blocks[35].options and dev_env(blocks[8]) == ({}, {})


def test_a_local_call_without_a_dev_server_on_the_page_keeps_its_reason(tmp_path: Path) -> None:
    page = tmp_path / "cron.md"
    page.write_text("# Cron\n\nRun `wrangler dev`, then:\n\n```sh\ncurl http://localhost:8787/__scheduled\n```\n")
    [call] = extract_page(page, "cron.md").snippets
    assert call.skip_reason is not None and call.skip_reason.startswith("not runnable: calls a local dev server")
    assert DEV_SERVER_OPTION not in call.options


def test_a_runner_names_the_harness_fault_only_with_its_exit_status_and_mark() -> None:
    said = "harness-infra: wrangler dev: port 8787 is in use by another program on this machine\n"
    assert infra_said(75, said) == "runner: wrangler dev: port 8787 is in use by another program on this machine"
    assert infra_said(1, said) is None and infra_said(75, "✘ [ERROR] Build failed\n") is None


def test_a_dev_server_whose_worker_binds_ai_says_it_needs_cloudflare(tmp_path: Path) -> None:
    page = tmp_path / "ai.md"
    page.write_text('# AI\n\n```toml title="wrangler.toml"\nname = "ai"\nmain = "src/index.js"\n\n'
                    '[ai]\nbinding = "AI"\n```\n\n```sh\nnpx wrangler dev\n```\n\n```sh\ncurl http://localhost:8787/\n```\n')
    dev, call = [s for s in extract_page(page, "ai.md").snippets if s.language == "sh"]
    assert dev.skip_reason is not None and "`env.AI` binding through a remote preview session" in dev.skip_reason
    assert call.skip_reason is not None and call.skip_reason.startswith("not runnable: calls a local dev server")


def test_pages_dev_with_an_ai_flag_says_it_needs_cloudflare(tmp_path: Path) -> None:
    page = tmp_path / "pages.md"
    page.write_text("# Pages\n\n```sh\nnpx wrangler pages dev --ai=AI\n```\n\n"
                    "```sh\nnpx wrangler pages dev --kv=KV\n```\n")
    ai, kv = extract_page(page, "pages.md").snippets
    assert ai.skip_reason is not None and "`env.AI` binding through a remote preview session" in ai.skip_reason
    assert kv.skip_reason is None
