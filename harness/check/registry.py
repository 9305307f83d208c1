"""Every rule, registered in one place, and the function that applies them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from harness.check import execution, requests, streaming
from harness.check.base import Rule, SnippetCheck, SnippetContext
from harness.model import Diagnostic, Evidence, Finding, Page, Severity

PAGE_PARSE = Rule("DOC001", "page-parse", Severity.ERROR,
                  "The page could not be read as written: a broken example is hidden from the harness.")

SNIPPET_RULES: tuple[tuple[Rule, SnippetCheck], ...] = (
    (execution.EXIT_NONZERO, execution.check_exit),
    (execution.WORKER_CRASH, execution.check_worker_response),
    (execution.OUTPUT_CUT, execution.check_output_cut),
    (requests.NO_REQUEST, requests.check_sent_request),
    (requests.ERROR_ANSWER, requests.check_answers),
    (requests.WRONG_MODEL, requests.check_model),
    (requests.UNDOCUMENTED_PARAM, requests.check_params),
    (requests.JSON_CONTENT_TYPE, requests.check_content_type),
    (streaming.STREAM_FORMAT, streaming.check_stream),
)

ALL_RULES: tuple[Rule, ...] = (
    PAGE_PARSE, execution.TIMEOUT, requests.NO_MOCK, *(rule for rule, _ in SNIPPET_RULES),
)


def check_snippet(page: Page, evidence: Evidence) -> list[Finding]:
    """Every per-snippet rule's findings for one run snippet, in rule order."""
    ctx = SnippetContext(page=page, evidence=evidence)
    return [found for _, check in SNIPPET_RULES for found in check(ctx)]


def check_pages(diagnostics: Iterable[Diagnostic]) -> list[Finding]:
    """Findings for what was wrong with the pages themselves."""
    return [
        Finding(rule=PAGE_PARSE.code, name=PAGE_PARSE.name, severity=d.severity,
                message=str(d), page=d.page, line=d.line)
        for d in diagnostics
    ]


def rules_by_code() -> Mapping[str, Rule]:
    return {rule.code: rule for rule in ALL_RULES}
