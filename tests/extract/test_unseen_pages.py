"""Patterns met on docs pages the harness had never seen (fixtures/pages/unseen/, our own pages)."""

from __future__ import annotations

from harness.extract import bindings
from harness.model import Snippet

from .support import PAGES, Extract, line_of

UNSEEN = PAGES / "unseen"


def test_a_your_name_the_page_configuration_binds_is_the_binding_not_a_placeholder(fixture_page: Extract) -> None:
    page = UNSEEN / "binding-named-your.mdx"
    extraction = fixture_page("unseen/binding-named-your.mdx")
    by_line = {s.line: s for s in extraction.snippets}
    declared = by_line[line_of(page, "interface Env {")]
    assert declared.skip_reason is None
    assert "env.YOUR_SIGNUPS.send(" in declared.code  # the name is kept as shown
    assert bindings.decode(declared.options[bindings.BINDINGS_OPTION]) == [
        {"name": "YOUR_SIGNUPS", "queue": "signup-events", "type": "queue"}]
    undeclared = by_line[line_of(page, "env.YOUR_AUDIT_LOG") - 2]
    assert undeclared.skip_reason == "not runnable: placeholder `YOUR_AUDIT_LOG` has no value"
    warnings = [d.message for d in extraction.diagnostics if "left unreplaced" in d.message]
    assert warnings == ["placeholder `YOUR_AUDIT_LOG` left unreplaced: give it a value in the placeholders of "
                        "[tool.harness] (snippet not run)"]


def _block_at(fixture_page: Extract, name: str, text: str) -> Snippet:
    """The snippet of `fixtures/pages/unseen/<name>` whose first code line holds `text`."""
    line = line_of(UNSEEN / name, text)
    return next(s for s in fixture_page(f"unseen/{name}").snippets if s.line == line)


def test_a_handler_body_fragment_names_what_a_handler_would_still_lack(fixture_page: Extract) -> None:
    def reason(text: str) -> str | None:
        return _block_at(fixture_page, "kv-reference-signatures.md", text).skip_reason

    # `env` is the fetch handler's parameter: what keeps the block from running is the name it never defines
    assert reason("env.SETTINGS.get(settingName)") == "fragment: uses `settingName`, never defined on this page"
    assert reason("await SETTINGS.put(") == (
        "fragment: uses `SETTINGS`, `settingName` and `remark`, never defined on this page")
    assert reason("export default {") is None


def test_values_left_out_with_an_ellipsis_make_a_fragment_not_a_syntax_error(fixture_page: Extract) -> None:
    left_out = [_block_at(fixture_page, "vectors-left-out.md", text).skip_reason
                for text in ("const songs", "const nearest")]
    assert left_out == ["fragment: code left out with `...` (line 2 of the block)",
                        "fragment: code left out with `...` (line 1 of the block)"]
    spread = _block_at(fixture_page, "vectors-left-out.md", "const merged")
    assert spread.skip_reason is None and spread.options["kind"] == "script"


def test_an_install_of_a_package_the_runner_lacks_is_not_run_and_says_which(fixture_page: Extract) -> None:
    assert _block_at(fixture_page, "npm-packages.md", "npm install hono").skip_reason is None
    assert _block_at(fixture_page, "npm-packages.md", "yarn add -D").skip_reason == (
        "not runnable: installs npm packages `@acme/csv-stream` and `left-pad`, which the harness does not have "
        "for wrangler projects (offline: add it to runners/wrangler/package.json)")


def test_a_script_that_needs_a_global_node_lacks_is_browser_or_worker_code(fixture_page: Extract) -> None:
    assert _block_at(fixture_page, "live-scores-socket.md", "const scores").skip_reason == (
        "fragment: browser or Worker code: uses `WebSocket`, which Node.js 20 (the harness's runner for a script) "
        "does not define")
    own = _block_at(fixture_page, "live-scores-socket.md", "class WebSocket")  # defines the name itself: it runs
    assert own.skip_reason is None and own.options["kind"] == "script"


def test_an_untitled_toml_block_in_wranglers_sections_is_the_pages_configuration(fixture_page: Extract) -> None:
    worker = _block_at(fixture_page, "untitled-toml-config.md", "export default {")
    assert worker.skip_reason is None
    config_line = line_of(UNSEEN / "untitled-toml-config.md", 'name = "orders"')
    where = f"fixtures/pages/unseen/untitled-toml-config.md:{config_line}"
    assert worker.options[bindings.BINDINGS_FROM_OPTION] == where
    declared = {b["name"]: b["type"] for b in bindings.decode(worker.options[bindings.BINDINGS_OPTION])}
    assert declared == {"YOUR_ORDERS": "queue", "RECEIPTS": "kv_namespace"}
