"""The JSON report: every snippet with its evidence and findings; the input of `harness diff`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from harness.model import (
    Evidence,
    Finding,
    HttpResponse,
    RecordedRequest,
    RunResult,
    Severity,
    Snippet,
    SnippetResult,
    Status,
)

FORMAT_VERSION = 1


def summary(run: RunResult) -> dict[str, Any]:
    """Counts by status and by severity, and the run's settings."""
    statuses = Counter(r.status.value for r in run.results)
    severities = Counter(f.severity.value for f in _all_findings(run))
    return {
        "flaky": sum(r.flaky for r in run.results),
        "cached": sum(r.cached for r in run.results),
        "snippets": len(run.results),
        "pages": len(run.pages),
        **{status: statuses.get(status, 0) for status in ("passed", "failed", "skipped", "error")},
        "findings": {sev: severities.get(sev, 0) for sev in ("error", "warning", "info")},
        "page_findings": len(run.page_findings),
        "duration_s": round(run.duration_s, 3),
        "executor": run.executor,
        "jobs": run.jobs,
    }


def _all_findings(run: RunResult) -> list[Finding]:
    return [f for r in run.results for f in r.findings] + list(run.page_findings)


def request_dict(request: RecordedRequest) -> dict[str, Any]:
    return {
        "via": request.via, "method": request.method, "url": request.url, "path": request.path,
        "model": request.model, "headers": dict(request.headers), "json": request.json,
        "body_bytes": request.size, "status": request.status,
        "response_content_type": request.response_content_type, "error": request.error,
    }


def finding_dict(found: Finding) -> dict[str, Any]:
    return {
        "rule": found.rule, "name": found.name, "severity": found.severity.value, "message": found.message,
        "page": found.page, "line": found.line, "details": dict(found.details),
    }


def snippet_dict(result: SnippetResult) -> dict[str, Any]:
    s, ev = result.snippet, result.evidence
    return {
        "id": s.id, "page": s.page, "line": s.line, "group": s.group, "label": s.label,
        "language": s.language, "runner": ev.runner if ev else None, "status": result.status.value,
        "reason": result.reason, "flaky": result.flaky, "attempts": result.attempts, "cached": result.cached,
        "exit_code": ev.exit_code if ev else None,
        "duration_s": round(ev.duration_s, 3) if ev else None,
        "timed_out": ev.timed_out if ev else False,
        "stdout": ev.stdout if ev else "", "stderr": ev.stderr if ev else "",
        "response": None if not ev or not ev.response else {
            "status": ev.response.status, "headers": dict(ev.response.headers),
            "body": ev.response.body.decode("utf-8", errors="replace"),
        },
        "requests": [request_dict(r) for r in ev.requests] if ev else [],
        "findings": [finding_dict(f) for f in result.findings],
        "code": s.code,
    }


def to_dict(run: RunResult) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "summary": summary(run),
        "pages": list(run.pages),
        "page_findings": [finding_dict(f) for f in run.page_findings],
        "snippets": [snippet_dict(r) for r in run.results],
    }


def write(run: RunResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_dict(run), indent=2, default=str) + "\n")


def _finding(data: dict[str, Any], snippet_id: str | None) -> Finding:
    return Finding(rule=data["rule"], name=data.get("name", ""), severity=Severity(data["severity"]),
                   message=data["message"], page=data["page"], line=int(data["line"]), snippet_id=snippet_id,
                   details=data.get("details", {}))


def _result(data: dict[str, Any]) -> SnippetResult:
    snippet = Snippet(id=data["id"], page=data["page"], group=data["group"], label=data["label"],
                      language=data["language"], code=data.get("code", ""), line=int(data["line"]),
                      source=data.get("code", ""))
    evidence = None
    if data.get("runner"):
        requests = tuple(RecordedRequest(
            snippet_id=data["id"], via=r["via"], method=r["method"], url=r["url"], path=r["path"],
            headers=tuple(r["headers"].items()), body=b"", json=r["json"], model=r["model"], status=r["status"],
            response_content_type=r.get("response_content_type", ""), error=r.get("error"),
            body_size=r.get("body_bytes"),
        ) for r in data["requests"])
        answer = data.get("response")
        response = answer and HttpResponse(answer["status"], tuple(answer["headers"].items()), answer["body"].encode())
        evidence = Evidence(snippet=snippet, runner=data["runner"], exit_code=data["exit_code"], stdout=data["stdout"],
                            stderr=data["stderr"], duration_s=data["duration_s"] or 0.0, requests=requests,
                            response=response, timed_out=data.get("timed_out", False))
    return SnippetResult(snippet=snippet, status=Status(data["status"]), evidence=evidence,
                         findings=tuple(_finding(f, data["id"]) for f in data["findings"]), reason=data["reason"],
                         attempts=data.get("attempts", 1), flaky=data.get("flaky", False),
                         cached=data.get("cached", False))


def load_run(data: dict[str, Any]) -> RunResult:
    """A `RunResult` read back from a JSON report (request bodies are kept as parsed JSON only)."""
    summary_ = data["summary"]
    return RunResult(results=tuple(_result(s) for s in data["snippets"]),
                     page_findings=tuple(_finding(f, None) for f in data.get("page_findings", [])),
                     pages=tuple(data.get("pages", [])), duration_s=float(summary_.get("duration_s", 0.0)),
                     executor=summary_.get("executor", "local"), jobs=int(summary_.get("jobs", 1)))


def merge(runs: list[RunResult]) -> RunResult:
    """Shards' results as one run: pages and snippets in page order, durations added."""
    results = sorted((r for run in runs for r in run.results), key=lambda r: (r.snippet.page, r.snippet.line))
    return RunResult(results=tuple(results), page_findings=tuple(f for run in runs for f in run.page_findings),
                     pages=tuple(sorted({p for run in runs for p in run.pages})),
                     duration_s=sum(run.duration_s for run in runs), executor=runs[0].executor if runs else "local",
                     jobs=max((run.jobs for run in runs), default=1))
