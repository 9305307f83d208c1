"""What every report of a run says first: the figures, coverage by skip reason, failures grouped by rule
and cause, the language column of a block and the docs root its pages are shown relative to."""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass

from harness.model import Finding, RunResult, Severity, SnippetResult, Status

COLUMNS = ("python", "node", "worker", "shell", "other")
"""The language columns of the matrix, in order: the runner a block goes to, `other` for data and prose."""

_WORKERISH = re.compile(r"worker|binding|pages function|wrangler|\benv\b", re.IGNORECASE)
_TICKED = re.compile(r"`[^`]*`")
_PAREN = re.compile(r"\s*\([^()]*\)")
_LONE_WORD = re.compile(r"^not runnable: [\w.+-]*$")
_WHERE = re.compile(r"^\S+:\d+(?: \[[^\]]*\])?:? ")
_LINE_REF = re.compile(r"\s*\(line \d+\)")
_LIST = re.compile(r"…(?:(?:, | and )…)+")


def column(result: SnippetResult) -> str:
    """The block's language column: its runner when it ran, else judged by language (js/ts that speaks of
    Workers, bindings or `env` under `worker`), `other` for what no runner takes (json, toml, text)."""
    if result.evidence is not None and result.evidence.runner in COLUMNS:
        return result.evidence.runner
    language = result.snippet.language
    if language == "py":
        return "python"
    if language == "sh":
        return "shell"
    if language in ("js", "ts"):
        hint = f"{result.reason} {result.snippet.label or ''}"
        return "worker" if _WORKERISH.search(hint) else "node"
    return "other"


def skip_kind(reason: str) -> str:
    """A skip reason without its particulars, so that like reasons count together:
    "fragment: uses `env`, never defined" -> "fragment: uses …, never defined"."""
    if _LONE_WORD.match(reason):
        return "not runnable: data or prose (json, toml, text…)"
    return _LIST.sub("…", _PAREN.sub("", _TICKED.sub("…", reason))).strip() or "no reason given"


def cause(found: Finding) -> str:
    """What went wrong, without where: the message less its `page.md:LINE [tab]` prefix and line numbers."""
    return _LINE_REF.sub("", _WHERE.sub("", found.message, count=1))


def docs_root(pages: list[str]) -> str:
    """The folder every page of the run lies under (what the reports show paths relative to)."""
    if not pages:
        return ""
    folders = [os.path.dirname(p) or "." for p in pages]
    try:
        return os.path.commonpath(folders)
    except ValueError:  # absolute and relative paths mixed
        return ""


def relative(page: str, root: str) -> str:
    """`page` relative to the docs root (as given when it does not lie under it)."""
    if not root or root == ".":
        return page
    path = os.path.relpath(page, root)
    return page if path.startswith("..") else path


@dataclass(frozen=True)
class Coverage:
    """How many blocks ran and how: the figures of the header and of the PR comment."""

    blocks: int
    """Every block found."""
    passed: int
    failed: int
    error: int
    """Blocks the harness itself failed on."""
    skipped: int
    skip_kinds: tuple[tuple[str, int], ...]
    """Skipped blocks by `skip_kind`, the commonest first."""

    @property
    def ran(self) -> int:
        """Blocks that ran (passed or failed)."""
        return self.passed + self.failed

    @property
    def percent(self) -> float:
        """The share of blocks that ran, in percent (0 for an empty run)."""
        return 100.0 * self.ran / self.blocks if self.blocks else 0.0


def coverage(run: RunResult) -> Coverage:
    """The run's `Coverage`."""
    statuses = Counter(r.status for r in run.results)
    kinds = Counter(skip_kind(r.reason) for r in run.results if r.status is Status.SKIPPED)
    return Coverage(len(run.results), statuses[Status.PASSED], statuses[Status.FAILED], statuses[Status.ERROR],
                    statuses[Status.SKIPPED], tuple(kinds.most_common()))


@dataclass(frozen=True)
class Group:
    """Findings of one rule and one cause: one line of a triage list."""

    rule: str
    name: str
    cause: str
    where: tuple[str, ...]
    """`page.md:LINE [tab]` of each block it was found in, in run order."""


def failure_groups(run: RunResult, severity: Severity = Severity.ERROR) -> list[Group]:
    """Findings of `severity` grouped by rule, then cause; the rules with most findings first, and the
    harness's own failures (status error) as rule `HARNESS`."""
    found: dict[tuple[str, str, str], list[str]] = {}
    for result in run.results:
        for finding in result.findings:
            if finding.severity is severity:
                found.setdefault((finding.rule, finding.name, cause(finding)), []).append(result.snippet.where)
        if result.status is Status.ERROR and severity is Severity.ERROR:
            found.setdefault(("HARNESS", "harness-error", result.reason), []).append(result.snippet.where)
    per_rule = Counter[str]()
    for (rule, _, _), where in found.items():
        per_rule[rule] += len(where)
    ordered = sorted(found.items(), key=lambda item: (-per_rule[item[0][0]], item[0][0], -len(item[1])))
    return [Group(rule, name, text, tuple(where)) for (rule, name, text), where in ordered]
