"""The HTML report: one self-contained file for triage. Its figures and coverage bar, the failures grouped
by rule and cause, a matrix of pages x languages with folders that fold, filters kept in the URL and a
detail pane per block are drawn in the browser (static/report.js) from one gzipped JSON blob, so a run of
15,000 blocks stays a few MB and opens in a second."""

from __future__ import annotations

import base64
import gzip
import json
from importlib import resources
from pathlib import Path
from typing import Any

from harness.extract.worker_program import RAN_AS_OPTION
from harness.model import Finding, RunResult, SnippetResult, Status
from harness.report import triage
from harness.report.json_report import summary

TITLE = "Docs snippets report"
_TEXT_CAP = 4000
"""Characters kept of each output, body and answer (the tail of outputs, the head of the rest)."""


def _finding(found: Finding) -> dict[str, Any]:
    item: dict[str, Any] = {"r": found.rule, "n": found.name, "v": found.severity.value, "m": found.message,
                            "c": triage.cause(found)}
    if found.details.get("expected") is not None and found.details.get("actual") is not None:
        item["e"] = _text(found.details.get("expected"))
        item["a"] = _text(found.details.get("actual"))
    return item


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _block(result: SnippetResult, page: int) -> dict[str, Any]:
    s, ev = result.snippet, result.evidence
    item: dict[str, Any] = {
        "p": page, "l": s.line, "t": s.label or "", "lang": s.language, "c": triage.column(result),
        "s": result.status.value, "r": result.reason, "f": [_finding(f) for f in result.findings],
        "code": s.source or s.code, "q": [],
    }
    if result.status is Status.SKIPPED:
        item["k"] = triage.skip_kind(result.reason)
    if RAN_AS_OPTION in s.options:  # a Worker page session: the program that ran (harness/extract/worker_sessions.py)
        item.update(ra=s.code, rah=s.options[RAN_AS_OPTION])
    if result.flaky:
        item["fl"] = 1
    if result.cached:
        item["ca"] = 1
    if result.session:
        item["se"] = result.session_note
    if ev is None:
        return item
    item.update(run=ev.runner, x=ev.exit_code, d=round(ev.duration_s, 2), o=ev.stdout[-_TEXT_CAP:],
                er=ev.stderr[-_TEXT_CAP:])
    for req in ev.requests:
        body = json.dumps(req.json, indent=1, default=str) if req.json is not None else f"({req.size} bytes)"
        item["q"].append({"v": req.via, "m": req.method, "u": req.path or req.url, "mo": req.model, "s": req.status,
                          "h": "\n".join(f"{k}: {v}" for k, v in req.headers), "j": body[:_TEXT_CAP],
                          "e": req.error})
    if ev.response is not None:
        item["w"] = {"s": ev.response.status, "b": ev.response.body.decode("utf-8", errors="replace")[:_TEXT_CAP]}
    return item


def data(run: RunResult) -> dict[str, Any]:
    """Everything the page draws, as plain JSON: paths relative to the docs root, one language column per
    block, the findings with their cause, the coverage by skip reason."""
    typed = list(dict.fromkeys([*run.pages, *(r.snippet.page for r in run.results)]))
    root = triage.docs_root(typed)
    index = {page: i for i, page in enumerate(typed)}
    rules: dict[str, dict[str, Any]] = {}
    for result in run.results:
        found = [(f.rule, f.name) for f in result.findings]
        if result.status is Status.ERROR:
            found.append(("HARNESS", "harness error"))
        for rule, name in found:
            rules.setdefault(rule, {"name": name, "count": 0})["count"] += 1
    cover = triage.coverage(run)
    return {
        "title": TITLE, "root": root, "columns": list(triage.COLUMNS), "figures": summary(run),
        "coverage": {"blocks": cover.blocks, "passed": cover.passed, "failed": cover.failed, "error": cover.error,
                     "skipped": cover.skipped, "ran": cover.ran, "percent": cover.percent,
                     "skip_kinds": [list(kind) for kind in cover.skip_kinds]},
        "pages": [triage.relative(page, root) for page in typed],
        "rules": rules,
        "blocks": [_block(r, index[r.snippet.page]) for r in run.results],
        "page_findings": [{"r": f.rule, "v": f.severity.value, "m": f.message, "p": index.get(f.page, -1),
                           "l": f.line} for f in run.page_findings],
    }


def pack(payload: dict[str, Any]) -> str:
    """The blob as the page holds it: compact JSON, gzipped, base64."""
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def unpack(blob: str) -> dict[str, Any]:
    """The inverse of `pack` (for tests and tools that read a report back)."""
    loaded: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(blob)))
    return loaded


def _static(name: str) -> str:
    return resources.files("harness.report").joinpath("static", name).read_text(encoding="utf-8")


def render(run: RunResult) -> str:
    """The whole report as one HTML document: no file or network fetched when it opens."""
    page = _static("report.html")
    for mark, text in (("__CSS__", _static("report.css")), ("__JS__", _static("report.js")),
                       ("__TITLE__", TITLE), ("__DATA__", pack(data(run)))):
        page = page.replace(mark, text)
    return page


def write(run: RunResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(run), encoding="utf-8")
