"""A Workflow binding gets the class the page exports; Workers AI under another name than `AI` is the
same mock binding; a handler body whose answer is the harness's is not judged as a stream."""

from __future__ import annotations

import json

from harness.extract.page import extract_page
from harness.extract.worker_program import HARNESS_ANSWER_OPTION
from harness.model import Snippet
from harness.runtimes.worker_bindings import simulated

from .support import REPO, line_of

STAND_IN = REPO / "fixtures" / "standin"


def snippets(name: str) -> list[Snippet]:
    return list(extract_page(STAND_IN / name, f"fixtures/standin/{name}").snippets)


def test_a_workflow_binding_gets_the_class_an_earlier_block_exports() -> None:
    page = STAND_IN / "workflow.md"
    _config, flow, creates, waits = snippets("workflow.md")
    assert flow.skip_reason is not None  # the class alone: nothing to send a request to
    for worker in (creates, waits):
        assert worker.skip_reason is None
        assert "export class GreetingWorkflow extends WorkflowEntrypoint" in worker.code
        assert worker.options["ran_as"].endswith(f"with line {flow.line} of the page")
        assert simulated(worker) == [
            {"type": "workflow", "name": "GREETING_WORKFLOW", "class_name": "GreetingWorkflow"}]
    assert creates.options["ran_as"].startswith("as the body of a fetch handler")
    assert creates.options["bindings_from"] == f"fixtures/standin/workflow.md:{line_of(page, '```jsonc') + 1}"


def test_workers_ai_under_the_pages_own_name_is_bound() -> None:
    _config, named = snippets("ai-binding-name.md")
    assert named.skip_reason is None
    assert simulated(named) == [{"type": "ai", "name": "WORKERS_AI"}]
    (lower,) = snippets("ai-binding-lower.md")
    assert lower.skip_reason is None and json.loads(lower.options["bindings"]) == [{"type": "ai", "name": "ai"}]
    assert lower.options[HARNESS_ANSWER_OPTION] == "1"  # the body returns nothing: the 204 is the harness's
    assert HARNESS_ANSWER_OPTION not in named.options


def test_a_workflow_class_alone_runs_when_it_needs_no_params_and_does_not_sleep() -> None:
    _config, runs, fails, sleeps = snippets("workflow-alone.md")
    for alone in (runs, fails):
        assert alone.skip_reason is None
        assert json.loads(alone.options["bindings"]) == [
            {"type": "workflow", "name": "CLEANUP", "class_name": "CleanupWorkflow"}]  # the configuration's name
        assert "const { status, output, error } = await instance.status();" in alone.code
        assert alone.options["ran_as"].startswith("as the class of Workflow `CLEANUP` (the page's wrangler "
                                                  "configuration): the harness's Worker started an instance")
    assert sleeps.skip_reason == ("not runnable: Workflow `CleanupWorkflow` calls `step.sleep`, and the harness "
                                  "does not wait for a Workflow's sleeps or events")
    _config, reads_params, *_ = snippets("workflow.md")
    assert reads_params.skip_reason == (
        "fragment: Workflow `GreetingWorkflow` reads its `event.payload`, which only the Worker that starts it gives "
        "(`create({ params })`); the harness does not make params up")
