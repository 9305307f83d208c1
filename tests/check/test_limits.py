"""RUN006 sandbox-limit: memory, processes and disk space, from the exit status and stderr."""

from __future__ import annotations

import pytest

from harness.check.base import SnippetContext
from harness.check.limits import check_limits
from harness.model import Page, Severity

from .conftest import make_evidence


def limits_of(page: Page, **facts: object) -> list[str]:
    return [f.message for f in check_limits(SnippetContext(page=page, evidence=make_evidence(**facts)))]


@pytest.mark.parametrize(("facts", "message"), [
    ({"exit_code": 137, "stderr": "Killed\n"},
     "ran out of memory: killed by SIGKILL (exit 137) before its time limit"),
    ({"exit_code": 134, "stderr": "<--- JS stacktrace --->\nFATAL ERROR: Reached heap limit Allocation failed - "
                                  "JavaScript heap out of memory\n 1: 0xb7 node::Abort() [node]\nAborted\n"},
     "ran out of memory: FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"),
    ({"exit_code": 0, "stderr": "/work/snippet.sh: fork: retry: Resource temporarily unavailable\n" * 3},
     "ran out of processes (fork refused at the process limit): "
     "/work/snippet.sh: fork: retry: Resource temporarily unavailable"),
    ({"exit_code": 0, "stderr": "head: error writing 'standard output': No space left on device\n"},
     "ran out of disk space: head: error writing 'standard output': No space left on device"),
])
def test_each_limit_is_named_with_its_sign(page: Page, facts: dict[str, object], message: str) -> None:
    assert limits_of(page, **facts) == [f"docs/model.md:20 [python] {message}"]


def test_memory_is_named_once_when_both_signs_show(page: Page) -> None:
    assert len(limits_of(page, exit_code=-9, stderr="MemoryError\n")) == 1


def test_a_timeout_kill_or_a_plain_failure_is_no_limit(page: Page) -> None:
    assert limits_of(page, exit_code=137, timed_out=True) == []
    assert limits_of(page, exit_code=1, stderr="KeyError: 'result'\n") == []
    assert limits_of(page, exit_code=0, stderr="") == []


def test_it_is_an_error(page: Page) -> None:
    [found] = check_limits(SnippetContext(page=page, evidence=make_evidence(exit_code=137)))
    assert (found.rule, found.name, found.severity) == ("RUN006", "sandbox-limit", Severity.ERROR)
