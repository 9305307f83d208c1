"""Did the snippet run into a limit of its sandbox? Memory, the process count, disk space.

Under `--executor docker` a snippet runs within memory, pids and /tmp limits (`harness.run.sandbox.Limits`);
locally the machine's own limits apply. A snippet that hits one is broken for a reader too (a fork bomb,
a leak, a file that fills the disk), and often says so only in passing: a fork bomb's shell exits 0
after `fork: retry: Resource temporarily unavailable`, a disk filler may swallow its `No space left on
device`. Each limit is named once per snippet, from the exit status and stderr.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from harness.check.base import Rule, SnippetContext, finding
from harness.model import Evidence, Finding, Severity

SANDBOX_LIMIT = Rule("RUN006", "sandbox-limit", Severity.ERROR,
                     "The snippet ran out of memory, processes or disk space: a reader's machine would too.")

KILLED = (137, -9)
"""Exit statuses of a process killed by SIGKILL (a shell's 128 + 9, or a negative signal number)."""

SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("out of memory", re.compile(r"JavaScript heap out of memory|\bMemoryError\b|Cannot allocate memory")),
    ("out of processes (fork refused at the process limit)",
     re.compile(r"fork: (retry: )?Resource temporarily unavailable|[Cc]an(no|')t fork|BlockingIOError: \[Errno 11\]")),
    ("out of disk space", re.compile(r"No space left on device|ENOSPC|Disk quota exceeded")),
)
"""What each limit leaves in stderr."""


def limits_hit(ev: Evidence) -> list[tuple[str, str]]:
    """The limits `ev` shows, each with the evidence: the stderr line, or the exit status."""
    hit = []
    if ev.exit_code in KILLED and not ev.timed_out:
        hit.append(("out of memory", f"killed by SIGKILL (exit {ev.exit_code}) before its time limit"))
    for name, sign in SIGNS:
        found = sign.search(ev.stderr)
        if found and name not in (seen for seen, _ in hit):
            line = ev.stderr[ev.stderr.rfind("\n", 0, found.start()) + 1:].split("\n", 1)[0].strip()
            hit.append((name, line[:160]))
    return hit


def check_limits(ctx: SnippetContext) -> Iterator[Finding]:
    ev = ctx.evidence
    if ev.infra_error is not None:
        return
    for name, sign in limits_hit(ev):
        yield finding(SANDBOX_LIMIT, ev.snippet, f"ran {name}: {sign}", limit=name, sign=sign)
