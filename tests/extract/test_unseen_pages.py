"""Patterns met on docs pages the harness had never seen (fixtures/pages/unseen/, our own pages)."""

from __future__ import annotations

from harness.extract import bindings
from harness.extract.worker_program import RAN_AS_OPTION, Piece, assemble

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


def test_an_illustration_that_declares_the_handlers_names_again_runs_in_a_block_of_its_own(
        fixture_page: Extract) -> None:
    page = UNSEEN / "durable-stub-illustrations.md"
    by_line = {s.line: s for s in fixture_page("unseen/durable-stub-illustrations.md").snippets}
    worker = line_of(page, 'import { DurableObject }')
    illustration = by_line[line_of(page, "const id = ", nth=2)]
    assert illustration.skip_reason is None and illustration.options["kind"] == "worker"
    assert illustration.options[RAN_AS_OPTION] == (
        f"with line {worker} of the page, in a block of its own in the fetch handler of line {worker} "
        "(both declare `id` and `stub`)")
    program = illustration.code.splitlines()
    opening = program.index("    {")
    assert program[opening + 1:opening + 4] == illustration.source.splitlines()
    assert program[opening + 4] == "    }"
    # the handler's own lines follow the block, unchanged
    assert program[opening + 5].strip() == 'const id = env.TALLY.idFromName("visits");'


def test_bodies_that_declare_other_names_go_straight_into_the_handler() -> None:
    base = Piece('export default {\n  async fetch(request, env) {\n    const a = 1;\n    return new Response(a);\n'
                 '  },\n};\n', 1)
    program = assemble(base, False, [], [Piece("const b = 2;\n", 10)])
    assert program is not None and program.scoped == ()
    assert "    {" not in program.code and program.code.index("const b") < program.code.index("const a")
    clashing = assemble(base, False, [], [Piece("const [a, c] = [1, 2];\n", 10)])
    assert clashing is not None and clashing.scoped == ("a",)


def test_a_handler_body_fragment_names_what_a_handler_would_still_lack(fixture_page: Extract) -> None:
    page = UNSEEN / "kv-reference-signatures.md"
    by_line = {s.line: s for s in fixture_page("unseen/kv-reference-signatures.md").snippets}
    # `env` is the fetch handler's parameter: what keeps the block from running is the name it never defines
    assert by_line[line_of(page, "env.SETTINGS.get(settingName)")].skip_reason == (
        "fragment: uses `settingName`, never defined on this page")
    assert by_line[line_of(page, "await SETTINGS.put(")].skip_reason == (
        "fragment: uses `SETTINGS`, `settingName` and `remark`, never defined on this page")
    assert by_line[line_of(page, "export default {")].skip_reason is None
