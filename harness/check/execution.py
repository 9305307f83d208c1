"""Did the snippet run? Exit status, time-outs, a Worker that crashed, output that was cut."""

from __future__ import annotations

import re
from collections.abc import Iterator

from harness.check.base import Rule, SnippetContext, finding, shorten
from harness.check.deliberate import answers_on_purpose
from harness.extract.worker_program import combined_error_line
from harness.model import Finding, Severity, Snippet
from harness.worker_request import requests_for

EXIT_NONZERO = Rule("RUN001", "exit-nonzero", Severity.ERROR,
                    "A reader who copies the snippet sees it fail.")
TIMEOUT = Rule("RUN002", "timeout", Severity.ERROR,
               "The snippet did not finish in time and was killed.")
WORKER_CRASH = Rule("RUN003", "worker-error-response", Severity.ERROR,
                    "The Worker's fetch handler threw or answered 5xx to the request it was given (not a 5xx its "
                    "code sets on every answer, as a sample of changing the status does).")
OUTPUT_CUT = Rule("RUN004", "output-truncated", Severity.WARNING,
                  "The snippet printed more than the harness keeps; later output was dropped.")


_NOISE = re.compile(r"^(Node\.js v[\d.]+|\s*[\^~]+\s*|\s+at .*|\s*)$")
_TOOL_ERROR = re.compile(r"^\s*✘ \[ERROR\] (.+)$", re.MULTILINE)
"""wrangler's (and esbuild's) error line: the first says what went wrong, before its log-file footer."""
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_OBJECT_END = re.compile(r"^\s*[}\])]+[,;]?\s*$")
_ERROR_HEAD = re.compile(r"^\s*(?:Uncaught )?[A-Za-z_][\w.]*(?:Error|Exception)(?: \[\w+\])?: \S")
"""`NotFoundError: 404 status code`, `TypeError [ERR_X]: ...`: the line that names what was thrown."""
_CURL_LEAD = re.compile(r"^curl: \(\d+\) .*:\s*$")
"""curl's error that goes on in the next line (the URL it could not parse, under it a caret)."""
_BASH_AT = re.compile(r"^\S*/snippet\.sh: line (\d+): ")
"""bash's prefix on an error of the script the shell and wrangler runners write (`snippet.sh`, the block's
code as it runs): `/tmp/harness-run-…/harness-shell-…/snippet.sh: line 8: `."""


def error_line(stderr: str) -> str:
    """The line of stderr that says what went wrong: the last one that is not a stack frame, a caret
    marker (`^`) or Node's closing version banner (Python's exception and curl's error stay last)."""
    tool_errors = [m.group(0).strip() for m in _TOOL_ERROR.finditer(_ANSI.sub("", stderr))]
    if tool_errors:  # `Build failed with 1 error:` is followed by that error
        return " ".join(tool_errors[:2]) if tool_errors[0].endswith(":") else tool_errors[0]
    lines = stderr.strip().splitlines()
    for at in range(len(lines) - 1, -1, -1):
        if _NOISE.match(lines[at]):
            continue
        if _OBJECT_END.match(lines[at]):  # Node prints a thrown error's own fields after it: `{ status: 404 ... }`
            head = next((line for line in reversed(lines[:at]) if _ERROR_HEAD.match(line)), None)
            if head is not None:
                return head.strip()
        if at and _CURL_LEAD.match(lines[at - 1]):  # `curl: (3) nested brace in URL position 73:` then the URL
            return f"{lines[at - 1].strip()} {lines[at].strip()}"
        return lines[at].strip()
    return lines[-1] if lines else ""


def check_exit(ctx: SnippetContext) -> Iterator[Finding]:
    ev = ctx.evidence
    if ev.infra_error is not None:
        return
    if ev.timed_out:
        yield finding(TIMEOUT, ev.snippet, f"did not finish within its time limit ({ev.duration_s:.1f} s) "
                      "and was killed", duration_s=ev.duration_s)
    elif ev.exit_code not in (0, None):
        tail = shorten(error_line(ev.stderr)) if ev.stderr.strip() else "(no stderr)"
        line, tail = combined_error_line(ev.snippet, tail)
        line, tail = _script_line(ev.snippet, line, tail)
        yield finding(EXIT_NONZERO, ev.snippet, f"exited with status {ev.exit_code}: {tail}", line=line,
                      expected=0, actual=ev.exit_code)


def _script_line(snippet: Snippet, line: int | None, tail: str) -> tuple[int | None, str]:
    """bash's `…/snippet.sh: line N:` said as the page line it is (the block's code line N, when the page
    shows the code as it ran), else as `line N of the block:`; the work folder's path says nothing."""
    at = _BASH_AT.match(tail)
    if at is None:
        return line, tail
    number, said = int(at[1]), tail[at.end():]
    code, shown = snippet.code.splitlines(), snippet.source.splitlines()
    header = len(shown) - len(code)  # a `---` header in the fence, which `Snippet.line` counts
    # line for line as shown (placeholders are replaced within their line), unless lines were left out
    # (`$ ` prompts keep only the commands): then the shown lines beyond the code are no `---` header
    as_shown = header == 0 or (header >= 2 and shown[0].strip() == shown[header - 1].strip() == "---")
    if line is None and as_shown and 1 <= number <= len(code):
        page_line = snippet.line + header + number - 1
        return page_line, f"line {page_line}: {said}"
    return line, f"line {number} of the block: {said}"


_RUNTIME_FRAME = re.compile(r"\s*at [^\n()]*\((?:file://)?[^)\n]*/node_modules/(?:miniflare|wrangler)/[^)\n]*\)")
"""A stack frame inside the simulator (`at async Object.fetch (file:///…/miniflare/…/entry.worker.js:4661:22)`),
which Miniflare's error page appends to the Worker's error: it says nothing about the page."""


def check_worker_response(ctx: SnippetContext) -> Iterator[Finding]:
    response = ctx.evidence.response
    if response is not None and response.status >= 500 and not answers_on_purpose(ctx.snippet.code, response.status):
        body = shorten(_RUNTIME_FRAME.sub("", response.body.decode("utf-8", errors="replace")))
        sent = requests_for(ctx.snippet)[0]
        yield finding(WORKER_CRASH, ctx.snippet,
                      f"the Worker answered {response.status} to {sent.method} {sent.path}: {body}",
                      actual=response.status)


def check_output_cut(ctx: SnippetContext) -> Iterator[Finding]:
    if ctx.evidence.output_truncated:
        yield finding(OUTPUT_CUT, ctx.snippet, "printed more output than the harness keeps; the rest was dropped")
