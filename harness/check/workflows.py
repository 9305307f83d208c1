"""Did the Workflow instances a Worker started end well? They run after the Worker has answered
(`runners/worker/workflows.mjs` waits for them and says on stderr which errored): a step that threw is
the page's Workflow failing, as the reader would see it in the dashboard, even when the Worker's answer
was fine."""

from __future__ import annotations

import re
from collections.abc import Iterator

from harness.check.base import Rule, SnippetContext, finding, page_line_of
from harness.model import Finding, Severity

WORKFLOW_ERRORED = Rule("BIND002", "workflow-errored", Severity.ERROR,
                        "A Workflow instance the Worker started errored after the Worker answered.")
_ERRORED = re.compile(r"^harness: Workflow instance (\S+) of (\S+) errored: (.*)$", re.MULTILINE)
"""The line workflows.mjs writes for an instance that errored."""


def check_workflows(ctx: SnippetContext) -> Iterator[Finding]:
    response = ctx.evidence.response
    answered = response.body.decode("utf-8", errors="replace") if response is not None and response.status >= 500 \
        else ""
    for match in _ERRORED.finditer(ctx.evidence.stderr):
        _instance, binding, error = match.groups()
        if error and error in answered:
            continue  # the Worker answered that error already (RUN003 says it): one defect, said once
        yield finding(WORKFLOW_ERRORED, ctx.snippet, f"started a Workflow instance of {binding} that errored: {error}",
                      line=page_line_of(ctx.snippet, f"{binding}.create"), binding=binding, error=error)
