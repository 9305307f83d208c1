"""The plain data that flows between the stages: extract -> run -> check -> report.

Every type here is a frozen dataclass. A stage takes these from the stage before it and
never reaches back into that stage's code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad a finding is; `error` fails the run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Status(StrEnum):
    """The verdict on one snippet."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERROR = "error"  # the harness itself failed, not the snippet


@dataclass(frozen=True)
class Page:
    """One documentation page as read from disk."""

    path: str
    """The path as given by the user (or found below a folder they gave); used in every message."""
    front_matter: Mapping[str, Any]
    """The parsed YAML (or TOML) front matter; empty when the page has none or it is broken."""
    front_matter_text: str
    """The page's first lines, through the end of its front matter ("" when it has none): what
    pointing at a documented value needs. The rest of the page lives on in its snippets only, so a
    plan of many pages does not hold every page's text."""
    front_matter_line: int = 1
    """The line where the front matter starts (for findings about documented params and model)."""

    @property
    def model_id(self) -> str | None:
        """The documented model id, normalized to start with `@` (`cf/x` -> `@cf/x`)."""
        model = self.front_matter.get("model")
        raw = model.get("id") if isinstance(model, Mapping) else None
        if not isinstance(raw, str) or not raw.strip():
            return None
        raw = raw.strip()
        return raw if raw.startswith("@") else "@" + raw

    @property
    def documented_params(self) -> tuple[str, ...] | None:
        """Names of `model.params` in front matter, or None when the page documents none."""
        model = self.front_matter.get("model")
        params = model.get("params") if isinstance(model, Mapping) else None
        if not isinstance(params, list):
            return None
        return tuple(str(p["name"]) for p in params if isinstance(p, Mapping) and "name" in p)


@dataclass(frozen=True)
class Snippet:
    """One fenced example, ready to run."""

    id: str
    """Stable id `<page>::<group>::<tab label or index>`; survives edits that move lines."""
    page: str
    """Path of the page it comes from (same string as `Page.path`)."""
    group: str
    """Tab group on the page: `g1`, `g2`, ... in page order; a fence outside tabs is a group of its own."""
    label: str | None
    """The tab label (`python`), or None for a fence outside tabs."""
    language: str
    """Normalized language: `ts`, `js`, `py`, `sh`, or the fence's own word when not runnable."""
    code: str
    """The code to run: prompts stripped and declared placeholders replaced, nothing else changed."""
    line: int
    """1-based page line of the first line of code (the line after the opening fence)."""
    info: str = ""
    """The whole fence info string (`ts title="x"`)."""
    source: str = ""
    """The code exactly as it stands on the page."""
    fence_line: int = 0
    """1-based page line of the opening fence."""
    skip_reason: str | None = None
    """Why this snippet is not run (`not runnable: json`, `empty block`), or None to run it."""
    expected_output: str | None = None
    """Output shown on the page after the commands of a prompted shell block, if any."""
    options: Mapping[str, str] = field(default_factory=dict)
    """Options from the fence info string and harness annotations (`timeout`, `xfail`, ...)."""

    @property
    def where(self) -> str:
        """`page.md:LINE [label]`, the prefix of every message about this snippet."""
        label = f" [{self.label}]" if self.label else ""
        return f"{self.page}:{self.line}{label}"


@dataclass(frozen=True)
class Diagnostic:
    """A problem found while reading a page (bad front matter, unclosed tab, ...)."""

    page: str
    line: int
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Extraction:
    """What one page yields: the page, its snippets, and what was wrong with it."""

    page: Page
    snippets: tuple[Snippet, ...]
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class RecordedRequest:
    """One request that reached the mock, with the answer it got."""

    snippet_id: str | None
    """The snippet that sent it (None when it came from outside any snippet)."""
    via: str
    """`rest` (HTTP to api.cloudflare.com), `binding` (Worker `env.AI`), `origin` (any other host:
    its simulated origin answered), or `blocked` (a malformed proxy target, refused)."""
    method: str
    url: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    json: Any = None
    """The parsed JSON body, or None when the body is not JSON. For `binding` it is the model
    inputs (the second argument of `env.AI.run`), so both doors are checked alike."""
    model: str | None = None
    status: int = 0
    """The HTTP status the mock answered (for `binding`: 200, or the status of the error thrown)."""
    response_content_type: str = ""
    error: str | None = None
    """The mock's error message when it answered with an error."""
    seq: int = 0
    """Order of arrival within the run."""
    body_size: int | None = None
    """The body's length in bytes once `body` itself was let go (a checked snippet's evidence keeps the
    parsed `json`, not the raw bytes); None while `body` is whole."""
    at: float = 0.0
    """When the mock recorded it (seconds since the epoch): a page session tells its blocks' requests
    apart by the time each block ran (`harness.sessions_run`)."""

    @property
    def size(self) -> int:
        """The length of the body as sent, whether `body` is still held or not."""
        return len(self.body) if self.body_size is None else self.body_size

    def header(self, name: str) -> str | None:
        """The first value of header `name` (case-insensitive), or None."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


@dataclass(frozen=True)
class HttpResponse:
    """What a Worker's `fetch` handler answered to the harness's `GET /`."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


@dataclass(frozen=True)
class Evidence:
    """Everything collected while running one snippet."""

    snippet: Snippet
    runner: str
    exit_code: int | None
    stdout: str
    stderr: str
    duration_s: float
    requests: tuple[RecordedRequest, ...] = ()
    response: HttpResponse | None = None
    """For Worker snippets: the answer of the `fetch` handler."""
    timed_out: bool = False
    infra_error: str | None = None
    """Set when the harness (not the snippet) failed: runner missing, mock down, ..."""
    executor: str = "local"
    output_truncated: bool = False


@dataclass(frozen=True)
class Finding:
    """One verdict of one rule about one snippet (or a whole page when `snippet_id` is None)."""

    rule: str
    """Rule code, e.g. `REQ003`."""
    name: str
    """Rule name, e.g. `wrong-model`."""
    severity: Severity
    message: str
    """Starts with `page.md:LINE [label]`; says what was expected and what was seen."""
    page: str
    line: int
    snippet_id: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    """Machine-readable facts (expected, actual, key, ...)."""


@dataclass(frozen=True)
class SnippetResult:
    """The final word on one snippet: its evidence and findings, and the status they give."""

    snippet: Snippet
    status: Status
    evidence: Evidence | None
    findings: tuple[Finding, ...]
    reason: str = ""
    """For skipped or error: why."""
    attempts: int = 1
    """How many times it ran (more than 1 with `--retries`)."""
    flaky: bool = False
    """It failed, then passed on a retry: reported apart from failures."""
    cached: bool = False
    """Taken from the result cache: the snippet and everything it depends on were unchanged."""
    session: tuple[int, ...] = ()
    """The page lines of the blocks of the page session it belongs to, itself included (empty: it ran
    alone); see `harness.sessions_run`."""

    @property
    def session_note(self) -> str:
        """`page session, lines 12..40` for a block of a page session, else "": what reports say of it."""
        return f"page session, lines {self.session[0]}..{self.session[-1]}" if self.session else ""


@dataclass(frozen=True)
class RunResult:
    """A whole run."""

    results: Sequence[SnippetResult]
    """Every snippet's result, in page order (after a run: read from its spool, `harness.spool`)."""
    page_findings: tuple[Finding, ...]
    """Findings about pages rather than snippets (parse errors and the like)."""
    pages: tuple[str, ...]
    duration_s: float
    executor: str = "local"
    jobs: int = 1
