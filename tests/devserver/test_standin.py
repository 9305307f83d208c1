"""Calls to a local dev server on pages with no block that starts one: linked to the `wrangler dev` the
harness starts for them (the page's Worker, said in "Ran as"), or given the precise reason they are not run."""

from __future__ import annotations

import json
import re
from pathlib import Path

from harness.extract import dev_standin
from harness.extract.dev_sessions import DEV_SERVER_OPTION
from harness.extract.page import extract_page
from harness.extract.worker_program import RAN_AS_OPTION
from harness.model import Snippet
from harness.runtimes.wrangler import dev_env

ROOT = Path(__file__).resolve().parents[2]
WRANGLER = ROOT / "runners/wrangler/node_modules"


def _blocks(path: Path) -> dict[int, Snippet]:
    return {s.line: s for s in extract_page(path, path.name).snippets}


def test_curl_to_the_scheduled_handler_calls_the_page_worker_served_by_wrangler_dev() -> None:
    blocks = _blocks(ROOT / "fixtures/devstandin/cron-local.md")
    for line in (28, 34):
        call = blocks[line]
        assert (call.skip_reason, call.options["kind"]) == (None, "wrangler")
        assert json.loads(call.options[DEV_SERVER_OPTION]) == {"line": 10, "code": "npx wrangler dev\n",
                                                               "standin": True}
        assert call.options[RAN_AS_OPTION] == ("after `npx wrangler dev` serving the Worker of line 10 as "
                                               "`src/index.js`, started by the harness: the page has no block "
                                               "that starts it")
        files = json.loads(call.options["project"])["files"]
        assert files["src/index.js"] == blocks[10].code
        assert json.loads(files["wrangler.json"])["triggers"] == {"crons": ["0 3 * * *"]}  # the page's config
        assert call.options["timeout"] == "70"  # its own 30 s, the server's start, a wait for the port
    env, sent = dev_env(blocks[28])
    assert env["HARNESS_DEV_STANDIN"] == "1" and env["HARNESS_DEV_LINE"] == "10"
    assert sent == {".harness-dev-block.sh": b"npx wrangler dev\n"}


def test_format_json_of_the_scheduled_handler_is_a_version_gap_of_the_harness() -> None:
    block = _blocks(ROOT / "fixtures/devstandin/cron-local.md")[40]
    assert RAN_AS_OPTION not in block.options and DEV_SERVER_OPTION not in block.options  # it does not run
    gap = block.skip_reason
    assert gap is not None and gap.startswith("not runnable: version gap of the harness, not a page defect: ")
    assert "`/cdn-cgi/handler/scheduled?format=json` with the outcome as text" in gap
    assert dev_standin.version_gap('curl "http://localhost:8787/cdn-cgi/handler/scheduled?cron=*&format=json"')
    assert dev_standin.version_gap('curl "http://localhost:8787/cdn-cgi/handler/scheduled?format=jsonl"') is None
    assert dev_standin.version_gap('curl "http://localhost:8787/cdn-cgi/handler/scheduled"') is None


def test_the_gap_is_the_pinned_miniflares_own() -> None:
    """The runner's wrangler and the Miniflare it serves with are the versions the reason names, and that
    Miniflare's scheduled handler answers no JSON (when they are upgraded, the gap must be reviewed)."""
    wrangler = json.loads((WRANGLER / "wrangler/package.json").read_text())["version"]
    miniflare = json.loads((WRANGLER / "miniflare/package.json").read_text())["version"]
    assert f"wrangler {wrangler} (Miniflare {miniflare})" == dev_standin.MINIFLARE
    entry = (WRANGLER / "miniflare/dist/src/workers/core/entry.worker.js").read_text()
    handler = re.search(r"async function handleScheduled\(.*?\n}\n", entry, re.DOTALL)
    assert handler is not None and "scheduledTime" in handler.group(0)
    assert "format" not in handler.group(0) and "Response.json" not in handler.group(0)


def test_a_fetch_worker_is_served_for_the_calls_after_it() -> None:
    blocks = _blocks(ROOT / "fixtures/devstandin/greet-local.md")
    for line in (22, 29):
        assert blocks[line].skip_reason is None
        assert "the Worker of line 8 as `src/index.ts`" in blocks[line].options[RAN_AS_OPTION]
    assert (blocks[22].expected_output or '').strip() == '{"greeting":"hello ada"}'  # its shape is checked


def _page(tmp_path: Path, text: str) -> list[Snippet]:
    page = tmp_path / "page.md"
    page.write_text(text)
    return list(extract_page(page, "page.md").snippets)


WORKER = "```js\nexport default { fetch() { return new Response('hi'); } };\n```\n\n"


def test_the_port_the_configuration_names_is_served_and_no_other(tmp_path: Path) -> None:
    config = '```jsonc title="wrangler.jsonc"\n{ "dev": { "port": 8788 } }\n```\n\n'
    *_, call = _page(tmp_path, f"# W\n\n{config}{WORKER}```sh\ncurl http://127.0.0.1:8788/\n```\n")
    assert json.loads(call.options[DEV_SERVER_OPTION])["code"] == "npx wrangler dev --port 8788\n"
    assert call.options[RAN_AS_OPTION].startswith("after `npx wrangler dev --port 8788` serving the Worker of line 8")
    *_, other = _page(tmp_path, f"# W\n\n{WORKER}```sh\ncurl http://localhost:3000/\n```\n")
    assert other.skip_reason is not None and DEV_SERVER_OPTION not in other.options
    assert other.skip_reason.endswith(", on port 3000; `wrangler dev` serves the page's Worker on 8787")


def test_a_project_npm_create_makes_is_served_when_the_page_shows_no_worker_code(tmp_path: Path) -> None:
    *_, call = _page(tmp_path, "# H\n\n```sh\nnpm create cloudflare@latest hi -- --framework hono\n```\n\n"
                               "Run `npx wrangler dev` in it.\n\n```sh\ncurl http://localhost:8787\n```\n")
    assert call.skip_reason is None
    assert json.loads(call.options[DEV_SERVER_OPTION])["code"] == \
        "npm create cloudflare@latest hi -- --framework hono\ncd hi\nnpx wrangler dev\n"
    assert "serving the project line 4 creates (`hi`, C3's template as `runners/wrangler/c3.mjs`" in \
        call.options[RAN_AS_OPTION]


def test_a_call_after_a_remote_dev_server_says_why_neither_runs(tmp_path: Path) -> None:
    blocks = _page(tmp_path, '# R\n\n```toml title="wrangler.toml"\nname = "r"\nmain = "src/index.js"\n\n'
                             '[[vectorize]]\nbinding = "INDEX"\nindex_name = "i"\n```\n\n'
                             f"{WORKER}```sh\nnpx wrangler dev --remote\n```\n\n```sh\ncurl http://localhost:8787/\n```\n")
    reason = blocks[-1].skip_reason
    assert reason is not None and reason.startswith("not runnable: calls a local dev server")
    assert "line 17 starts it, and is not run (`wrangler dev --remote` runs the Worker on Cloudflare's " \
        "network" in reason
    assert "a local `wrangler dev` in its place would not serve it either: `wrangler dev` serves the Worker's " \
        "Vectorize binding through a remote preview session" in reason


def test_a_worker_with_a_remote_only_binding_is_not_served(tmp_path: Path) -> None:
    call = _page(tmp_path, '# A\n\n```toml title="wrangler.toml"\nname = "a"\n\n[ai]\nbinding = "AI"\n```\n\n'
                           f"{WORKER}```sh\ncurl http://localhost:8787/\n```\n")[-1]
    assert call.skip_reason is not None and call.skip_reason.startswith("not runnable: calls a local dev server")
    assert "`env.AI` binding through a remote preview session" in call.skip_reason
    assert DEV_SERVER_OPTION not in call.options


def test_a_worker_that_is_not_run_is_not_served(tmp_path: Path) -> None:
    call = _page(tmp_path, "# P\n\n```python\nfrom workers import WorkerEntrypoint\n\nclass Default(WorkerEntrypoint):"
                           "\n    async def fetch(self, request):\n        return Response('hi')\n```\n\n"
                           "```sh\ncurl http://localhost:8787/\n```\n")[-1]
    assert call.skip_reason is not None and DEV_SERVER_OPTION not in call.options
    assert "no block before it shows the Worker that server serves" in call.skip_reason


def test_the_gap_holds_after_the_pages_own_dev_block_too(tmp_path: Path) -> None:
    dev, call = _page(tmp_path, f"# C\n\n{WORKER}```sh\nnpx wrangler dev\n```\n\n"
                                "```sh\ncurl 'http://localhost:8787/cdn-cgi/handler/scheduled?format=json'\n```\n")[1:]
    assert dev.skip_reason is None and DEV_SERVER_OPTION not in call.options
    assert call.skip_reason is not None and "version gap of the harness" in call.skip_reason
