"""The JSON report: every snippet with its evidence and findings; the input of `harness diff`."""

from __future__ import annotations

import base64
import json
import textwrap
from collections import Counter
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from harness.model import (
    Evidence,
    Finding,
    HttpResponse,
    RecordedRequest,
    RunResult,
    Snippet,
    SnippetResult,
)
from harness.serialize import dump, load

FORMAT_VERSION = 1


def summary(run: RunResult) -> dict[str, Any]:
    """Counts by status and by severity, and the run's settings (one pass over the results)."""
    statuses: Counter[str] = Counter()
    severities = Counter(f.severity.value for f in run.page_findings)
    flaky = cached = 0
    for r in run.results:
        statuses[r.status.value] += 1
        severities.update(f.severity.value for f in r.findings)
        flaky, cached = flaky + r.flaky, cached + r.cached
    return {
        "flaky": flaky,
        "cached": cached,
        "snippets": len(run.results),
        "pages": len(run.pages),
        **{status: statuses.get(status, 0) for status in ("passed", "failed", "skipped", "error")},
        "findings": {sev: severities.get(sev, 0) for sev in ("error", "warning", "info")},
        "page_findings": len(run.page_findings),
        "duration_s": round(run.duration_s, 3),
        "executor": run.executor,
        "jobs": run.jobs,
    }


_REQUEST_AS_IS = ("via", "method", "url", "path", "model", "json", "status", "response_content_type", "error")
_SUBJECT = ("snippet", "requests", "response")
"""Evidence fields written in their own shape (the snippet is the result's own)."""


def request_dict(request: RecordedRequest) -> dict[str, Any]:
    """One request as the report shows it: headers as a mapping (`header_list` too when that loses some),
    and the body's size; the body itself is not written (a checked run has let it go)."""
    data = {key: value for key, value in dump(request).items() if key not in ("headers", "body", "body_size")}
    data.update(headers=dict(request.headers), body_bytes=request.size)
    if len(data["headers"]) != len(request.headers):
        data["header_list"] = [list(pair) for pair in request.headers]
    return data


def _response_dict(response: HttpResponse) -> dict[str, Any]:
    data: dict[str, Any] = {"status": response.status, "headers": dict(response.headers),
                            "body": response.body.decode("utf-8", errors="replace")}
    if len(data["headers"]) != len(response.headers):
        data["header_list"] = [list(pair) for pair in response.headers]
    if data["body"].encode() != response.body:
        data["body_b64"] = base64.b64encode(response.body).decode("ascii")
    return data


def finding_dict(found: Finding) -> dict[str, Any]:
    data: dict[str, Any] = dump(found)
    return data


_NO_EVIDENCE: dict[str, Any] = {"runner": None, "exit_code": None, "duration_s": None, "timed_out": False, "stdout": "",
                "stderr": "", "response": None, "requests": []}


def snippet_dict(result: SnippetResult) -> dict[str, Any]:
    """One snippet: its own fields, its evidence's and its result's side by side (every field of each,
    written by `harness.serialize`, so a new one is carried without an edit here)."""
    ev = result.evidence
    data: dict[str, Any] = dump(result.snippet)
    data.update({k: v for k, v in dump(result).items() if k not in ("snippet", "evidence", "findings")})
    if ev is None:
        data.update(_NO_EVIDENCE)
    else:
        data.update({k: v for k, v in dump(ev).items() if k not in _SUBJECT})
        data["response"] = _response_dict(ev.response) if ev.response else None
        data["requests"] = [request_dict(r) for r in ev.requests]
    data["findings"] = [finding_dict(f) for f in result.findings]
    if data["source"] == data["code"]:
        del data["source"]  # read back as the code, as reports before it was written did
    return data


def to_dict(run: RunResult) -> dict[str, Any]:
    return {**_head(run), "snippets": [snippet_dict(r) for r in run.results]}


def _head(run: RunResult) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "summary": summary(run),
        "duration_s": run.duration_s,
        "pages": list(run.pages),
        "page_findings": [finding_dict(f) for f in run.page_findings],
    }


dump_run = to_dict


def write(run: RunResult, path: Path) -> None:
    """Writes `json.dumps(to_dict(run), indent=2)` (the same bytes), one snippet at a time: the
    results stream from the run's spool and none is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = json.dumps({**_head(run), "snippets": []}, indent=2, default=str)
    with path.open("w", encoding="utf-8") as out:
        if not run.results:
            out.write(head + "\n")
            return
        out.write(head.removesuffix("[]\n}") + "[")
        for index, result in enumerate(run.results):
            text = json.dumps(snippet_dict(result), indent=2, default=str)
            out.write(("\n" if index == 0 else ",\n") + textwrap.indent(text, "    "))
        out.write("\n  ]\n}\n")


def _fields(cls: type[Any], data: dict[str, Any], *left_out: str) -> dict[str, Any]:
    return {f.name: data[f.name] for f in fields(cls) if f.name in data and f.name not in left_out}


def _finding(data: dict[str, Any], snippet_id: str | None) -> Finding:
    return load(Finding, {"name": "", "snippet_id": snippet_id, **data})


def _request(data: dict[str, Any], snippet_id: str) -> RecordedRequest:
    values = {"snippet_id": snippet_id, **_fields(RecordedRequest, data, "headers", "body", "body_size")}
    read = load(RecordedRequest, {**values, "headers": [], "body": {"b64": ""}})
    pairs = data.get("header_list") or list(data["headers"].items())
    return replace(read, headers=tuple((str(k), str(v)) for k, v in pairs), body_size=data.get("body_bytes"))


def _response(data: dict[str, Any] | None) -> HttpResponse | None:
    if data is None:
        return None
    body = base64.b64decode(data["body_b64"]) if "body_b64" in data else data["body"].encode()
    pairs = data.get("header_list") or list(data["headers"].items())
    return HttpResponse(data["status"], tuple((str(k), str(v)) for k, v in pairs), body)


def _result(data: dict[str, Any]) -> SnippetResult:
    snippet = load(Snippet, {"source": data.get("code", ""), "code": "", **_fields(Snippet, data)})
    evidence = None
    if data.get("runner") is not None:
        values = {"duration_s": 0.0, **_fields(Evidence, data, *_SUBJECT)}
        values["duration_s"] = values["duration_s"] or 0.0
        evidence = replace(load(Evidence, {**values, "snippet": dump(snippet)}), snippet=snippet,
                           requests=tuple(_request(r, snippet.id) for r in data["requests"]),
                           response=_response(data.get("response")))
    values = _fields(SnippetResult, data, "snippet", "evidence", "findings")
    return replace(load(SnippetResult, {**values, "snippet": dump(snippet), "evidence": None, "findings": []}),
                   snippet=snippet, evidence=evidence,
                   findings=tuple(_finding(f, snippet.id) for f in data["findings"]))


def load_run(data: dict[str, Any]) -> RunResult:
    """A `RunResult` read back from a JSON report: what `to_dict` wrote, whole (request bodies are
    written as their size only), or an older report with the fields it has."""
    summary_ = data["summary"]
    return RunResult(results=tuple(_result(s) for s in data["snippets"]),
                     page_findings=tuple(_finding(f, None) for f in data.get("page_findings", [])),
                     pages=tuple(data.get("pages", [])),
                     duration_s=float(data.get("duration_s", summary_.get("duration_s", 0.0))),
                     executor=summary_.get("executor", "local"), jobs=int(summary_.get("jobs", 1)))


def merge(runs: list[RunResult]) -> RunResult:
    """Shards' results as one run: pages and snippets in page order, durations added."""
    results = sorted((r for run in runs for r in run.results), key=lambda r: (r.snippet.page, r.snippet.line))
    return RunResult(results=tuple(results), page_findings=tuple(f for run in runs for f in run.page_findings),
                     pages=tuple(sorted({p for run in runs for p in run.pages})),
                     duration_s=sum(run.duration_s for run in runs), executor=runs[0].executor if runs else "local",
                     jobs=max((run.jobs for run in runs), default=1))
