"""Patterns met on docs pages the harness had never seen (fixtures/pages/unseen/, our own pages)."""

from __future__ import annotations

from harness.extract import bindings

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


def test_a_handler_body_fragment_names_what_a_handler_would_still_lack(fixture_page: Extract) -> None:
    page = UNSEEN / "kv-reference-signatures.md"
    by_line = {s.line: s for s in fixture_page("unseen/kv-reference-signatures.md").snippets}
    # `env` is the fetch handler's parameter: what keeps the block from running is the name it never defines
    assert by_line[line_of(page, "env.SETTINGS.get(settingName)")].skip_reason == (
        "fragment: uses `settingName`, never defined on this page")
    assert by_line[line_of(page, "await SETTINGS.put(")].skip_reason == (
        "fragment: uses `SETTINGS`, `settingName` and `remark`, never defined on this page")
    assert by_line[line_of(page, "export default {")].skip_reason is None


def test_values_left_out_with_an_ellipsis_make_a_fragment_not_a_syntax_error(fixture_page: Extract) -> None:
    page = UNSEEN / "vectors-left-out.md"
    by_line = {s.line: s for s in fixture_page("unseen/vectors-left-out.md").snippets}
    assert by_line[line_of(page, "const songs")].skip_reason == (
        "fragment: code left out with `...` (line 2 of the block)")
    assert by_line[line_of(page, "const nearest")].skip_reason == (
        "fragment: code left out with `...` (line 1 of the block)")
    spread = by_line[line_of(page, "const merged")]
    assert spread.skip_reason is None and spread.options["kind"] == "script"
