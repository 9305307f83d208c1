"""Every rule, registered in one place, and the functions that apply them.

Per-snippet rules read one snippet's evidence; group rules compare the tabs of one group; page
rules weigh all the examples of a page against what the page documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from harness.check import (
    contract,
    execution,
    handler_calls,
    limits,
    origins,
    page,
    parity,
    requests,
    response,
    stand_ins,
    streaming,
    supplied,
    typescript,
    workflows,
)
from harness.check.base import Rule, SnippetCheck, SnippetContext
from harness.model import Diagnostic, Evidence, Finding, Page, Severity

PAGE_PARSE = Rule("DOC001", "page-parse", Severity.ERROR,
                  "The page could not be read as written: a broken example is hidden from the harness.")
XPASS = Rule("RUN005", "unexpected-pass", Severity.ERROR,
             "A snippet marked xfail passed: the mark is stale and hides nothing any more.")

SNIPPET_RULES: tuple[tuple[Rule, SnippetCheck], ...] = (
    (execution.EXIT_NONZERO, execution.check_exit),
    (execution.WORKER_CRASH, execution.check_worker_response),
    (execution.OUTPUT_CUT, execution.check_output_cut),
    (handler_calls.RETURNED_NO_RESPONSE, handler_calls.check_returned),
    (limits.SANDBOX_LIMIT, limits.check_limits),
    (requests.NO_REQUEST, requests.check_sent_request),
    (requests.ERROR_ANSWER, requests.check_answers),
    (requests.WRONG_MODEL, requests.check_model),
    (requests.UNDOCUMENTED_PARAM, requests.check_params),
    (requests.JSON_CONTENT_TYPE, requests.check_content_type),
    (origins.ORIGIN_HOSTS, origins.check_origins),
    (supplied.D1_TABLES, supplied.check_d1_tables),
    (supplied.READER_FILES, supplied.check_reader_files),
    (stand_ins.STAND_IN, stand_ins.check_stand_ins),
    (workflows.WORKFLOW_ERRORED, workflows.check_workflows),
    *((rule, contract.check_contract) for rule in contract.RULES[:1]),
    (streaming.STREAM_FORMAT, streaming.check_stream),
    (response.PRINTS_NOTHING, response.check_prints),
    (response.OUTPUT_SHAPE, response.check_expected_output),
    (page.ABOVE_LIMIT, lambda ctx: page.check_limits(ctx.page, ctx.evidence)),
    (page.STREAM_TAB_NOT_STREAMING, lambda ctx: page.check_streaming_tab(ctx.evidence)),
)

GroupCheck = Callable[[Sequence[Evidence]], Iterable[Finding]]
PageCheck = Callable[[Page, Sequence[Evidence]], Iterable[Finding]]

GROUP_RULES: tuple[tuple[Rule, GroupCheck], ...] = ((parity.TAB_PARITY, parity.check_group),)
PAGE_RULES: tuple[tuple[Rule, PageCheck], ...] = ((page.PARAM_NEVER_SENT, page.check_params_sent),)

ALL_RULES: tuple[Rule, ...] = (
    PAGE_PARSE, execution.TIMEOUT, requests.NO_MOCK, XPASS, typescript.TYPE_ERROR, *contract.RULES[1:],
    *(rule for rule, _ in SNIPPET_RULES), *(rule for rule, _ in GROUP_RULES), *(rule for rule, _ in PAGE_RULES),
)


def check_snippet(page_: Page, evidence: Evidence) -> list[Finding]:
    """Every per-snippet rule's findings for one run snippet, in rule order."""
    ctx = SnippetContext(page=page_, evidence=evidence)
    return [found for _, check in SNIPPET_RULES for found in check(ctx)]


def check_groups(evidences: Sequence[Evidence]) -> list[Finding]:
    """Group rules over the evidence of one page, group by group."""
    groups: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidences:
        groups[ev.snippet.group].append(ev)
    return [found for members in groups.values() for _, check in GROUP_RULES for found in check(members)]


def check_page(page_: Page, evidences: Sequence[Evidence]) -> list[Finding]:
    return [found for _, check in PAGE_RULES for found in check(page_, evidences)]


def check_pages(diagnostics: Iterable[Diagnostic]) -> list[Finding]:
    """Findings for what was wrong with the pages themselves."""
    return [
        Finding(rule=PAGE_PARSE.code, name=PAGE_PARSE.name, severity=d.severity,
                message=str(d), page=d.page, line=d.line)
        for d in diagnostics
    ]


def rules_by_code() -> Mapping[str, Rule]:
    return {rule.code: rule for rule in ALL_RULES}
