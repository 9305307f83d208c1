"""What the reports say first: skip kinds, causes, language columns, the docs root, failure groups."""

from __future__ import annotations

from harness.model import Evidence, Finding, RunResult, Severity, Snippet, SnippetResult, Status
from harness.report import triage


def _result(language: str, status: Status = Status.SKIPPED, reason: str = "", label: str | None = None,
            runner: str | None = None) -> SnippetResult:
    snippet = Snippet(id="p.md::g1::x", page="p.md", group="g1", label=label, language=language, code="x", line=3)
    evidence = Evidence(snippet, runner, 0, "", "", 0.1) if runner else None
    return SnippetResult(snippet, status, evidence, (), reason=reason)


def test_skip_kinds_drop_particulars_so_like_reasons_count_together() -> None:
    assert triage.skip_kind("fragment: uses `env`, never defined") == "fragment: uses …, never defined"
    assert triage.skip_kind("fragment: uses `a`, `b` and `c`, never defined") == "fragment: uses …, never defined"
    assert triage.skip_kind("not runnable: json") == triage.skip_kind("not runnable: toml")
    assert triage.skip_kind("not runnable: Pages Function (`onRequestGet`); the harness runs no Pages project") == \
        "not runnable: Pages Function; the harness runs no Pages project"
    assert triage.skip_kind("empty block") == "empty block"


def test_cause_is_the_message_without_where_or_line_numbers() -> None:
    found = Finding("REQ003", "wrong-model", Severity.ERROR,
                    "docs/a.md:65 [streaming] calls model X, but the page documents Y (line 5)", "docs/a.md", 65)
    assert triage.cause(found) == "calls model X, but the page documents Y"


def test_columns_follow_the_runner_then_the_language() -> None:
    assert triage.column(_result("ts", Status.PASSED, runner="worker")) == "worker"
    assert triage.column(_result("ts", reason="fragment: uses `env`, never defined")) == "worker"
    assert triage.column(_result("js", reason="fragment: `return` outside a function")) == "node"
    assert triage.column(_result("py")) == "python"
    assert triage.column(_result("sh", label="curl")) == "shell"
    assert triage.column(_result("json")) == "other"


def test_docs_root_is_the_common_folder_of_the_inputs() -> None:
    pages = ["../steering/corpus/a/x.md", "../steering/corpus/b/c/y.md"]
    root = triage.docs_root(pages)
    assert root == "../steering/corpus"
    assert [triage.relative(p, root) for p in pages] == ["a/x.md", "b/c/y.md"]
    assert triage.docs_root(["docs/one.md"]) == "docs" and triage.relative("docs/one.md", "docs") == "one.md"
    assert triage.docs_root([]) == ""


def test_failure_groups_put_the_commonest_rule_first_and_harness_errors_under_their_own_rule() -> None:
    def failed(page: str, rule: str, text: str) -> SnippetResult:
        snippet = Snippet(id=f"{page}::g1::a", page=page, group="g1", label=None, language="py", code="", line=2)
        found = Finding(rule, rule.lower(), Severity.ERROR, f"{page}:2 {text}", page, 2)
        return SnippetResult(snippet, Status.FAILED, None, (found,))

    broken = _result("py", Status.ERROR, reason="runner missing")
    run = RunResult((failed("a.md", "RUN001", "exited 1"), failed("b.md", "REQ006", "no mock: x"),
                     failed("c.md", "REQ006", "no mock: y"), failed("d.md", "REQ006", "no mock: x"), broken),
                    (), ("a.md", "b.md", "c.md", "d.md", "p.md"), 1.0)
    groups = triage.failure_groups(run)
    assert [(g.rule, g.cause, g.where) for g in groups] == [
        ("REQ006", "no mock: x", ("b.md:2", "d.md:2")), ("REQ006", "no mock: y", ("c.md:2",)),
        ("HARNESS", "runner missing", ("p.md:3",)), ("RUN001", "exited 1", ("a.md:2",))]
    cover = triage.coverage(run)
    assert (cover.ran, cover.failed, cover.error, cover.percent) == (4, 4, 1, 80.0)
