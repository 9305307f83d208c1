"""The HTML report: one self-contained file, a matrix of pages x tabs coloured by status, and for
each snippet its code with page line numbers, the requests it sent, the answers, its output and findings."""

from __future__ import annotations

import json
from collections import Counter
from html import escape
from pathlib import Path

from harness.model import RunResult, SnippetResult
from harness.report.json_report import summary

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2129}
h1{font-size:20px} h2{font-size:16px;margin-top:32px}
table.matrix{border-collapse:collapse} .matrix th,.matrix td{border:1px solid #d0d4d9;padding:4px 8px}
.matrix th{background:#f3f4f6;text-align:left} .matrix td.page{font-family:monospace}
a.chip{display:inline-block;min-width:56px;padding:2px 6px;margin:1px;border-radius:4px;color:#fff;
 text-decoration:none;font-size:12px;text-align:center}
a.chip.dot{min-width:0;width:12px;height:12px;padding:0;border-radius:3px}
.passed{background:#2e7d32}.failed{background:#c62828}.skipped{background:#8a8f98}.error{background:#6a1b9a}
.summary span{margin-right:16px}
section.snippet{border:1px solid #d0d4d9;border-radius:6px;padding:8px 12px;margin:12px 0}
section.snippet h3{font-size:14px;margin:4px 0}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
pre.code .ln{color:#8a8f98;user-select:none;display:inline-block;width:4em}
ul.findings li.error{color:#c62828} ul.findings li.warning{color:#a15c00} ul.findings li.info{color:#555}
"""


def _anchor(result: SnippetResult) -> str:
    return "s-" + "".join(c if c.isalnum() else "-" for c in result.snippet.id)


def _chip(result: SnippetResult, compact: bool = False) -> str:
    """A link to the snippet's details, coloured by status; `compact` draws a small square (for cells
    holding many snippets) with the status in its tooltip."""
    status = result.status.value
    title = escape(f"{result.snippet.where}: {status}" + (f" ({result.reason})" if result.reason else ""))
    kind = "chip dot" if compact else "chip"
    return f'<a class="{kind} {status}" href="#{_anchor(result)}" title="{title}">{"" if compact else status}</a>'


def matrix(run: RunResult) -> str:
    """Rows are pages, columns are tab labels, the most used first (so a big tree's common tabs come
    first and rare labels trail off to the right)."""
    uses = Counter(r.snippet.label or "(no tab)" for r in run.results)
    labels = [label for label, _ in sorted(uses.items(), key=lambda item: (-item[1], item[0]))]
    rows = []
    for page in dict.fromkeys(r.snippet.page for r in run.results):
        cells = []
        for label in labels:
            here = [r for r in run.results if r.snippet.page == page and (r.snippet.label or "(no tab)") == label]
            chips = [_chip(r, compact=len(here) > 2) for r in here]
            cells.append(f"<td>{''.join(chips)}</td>")
        rows.append(f'<tr><td class="page">{escape(page)}</td>{"".join(cells)}</tr>')
    head = "".join(f"<th>{escape(label)}</th>" for label in labels)
    return f'<table class="matrix"><tr><th>page</th>{head}</tr>{"".join(rows)}</table>'


def _code(result: SnippetResult) -> str:
    source = result.snippet.source or result.snippet.code
    lines = [f'<span class="ln">{result.snippet.line + i}</span>{escape(text)}'
             for i, text in enumerate(source.splitlines())]
    return '<pre class="code">' + "\n".join(lines) + "</pre>"


def _detail(result: SnippetResult) -> str:
    s, ev = result.snippet, result.evidence
    parts = [f'<section class="snippet" id="{_anchor(result)}">',
             f'<h3><span class="chip {result.status.value}">{result.status.value}</span> {escape(s.where)} '
             f'<small>{escape(s.language)}{" via " + escape(ev.runner) if ev else ""}</small></h3>']
    if result.reason:
        parts.append(f"<p>{escape(result.reason)}</p>")
    if result.findings:
        items = "".join(f'<li class="{f.severity.value}">{escape(f.severity.value)} {escape(f.rule)} '
                        f"{escape(f.message)}</li>" for f in result.findings)
        parts.append(f'<ul class="findings">{items}</ul>')
    parts.append(_code(result))
    if ev:
        for req in ev.requests:
            body = json.dumps(req.json, indent=2) if req.json is not None else f"({req.size} bytes)"
            headers = "\n".join(f"{k}: {v}" for k, v in req.headers)
            parts.append(f"<details><summary>{escape(req.via)} {escape(req.method)} {escape(req.path or req.url)} "
                         f"→ {req.status}</summary><pre>{escape(headers)}\n\n{escape(body)}</pre>"
                         f"{'<p>' + escape(req.error) + '</p>' if req.error else ''}</details>")
        if ev.response is not None:
            text = ev.response.body.decode("utf-8", errors="replace")[:4000]
            parts.append(f"<details><summary>Worker answer {ev.response.status}</summary><pre>{escape(text)}</pre>"
                         "</details>")
        for name, text in (("stdout", ev.stdout), ("stderr", ev.stderr)):
            if text.strip():
                parts.append(f"<details><summary>{name}</summary><pre>{escape(text[-8000:])}</pre></details>")
    parts.append("</section>")
    return "".join(parts)


def render(run: RunResult) -> str:
    counts = summary(run)
    stats = "".join(f"<span>{escape(k)}: <b>{counts[k]}</b></span>"
                    for k in ("pages", "snippets", "passed", "failed", "skipped", "error"))
    page_problems = "".join(f'<li class="{f.severity.value}">{escape(f.message)}</li>' for f in run.page_findings)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>docs-snippet harness report</title>"
        f"<style>{STYLE}</style></head><body><h1>docs-snippet harness</h1>"
        f'<p class="summary">{stats}</p><h2>Pages × tabs</h2>{matrix(run)}'
        + (f'<h2>Page problems</h2><ul class="findings">{page_problems}</ul>' if page_problems else "")
        + "<h2>Snippets</h2>" + "".join(_detail(r) for r in run.results) + "</body></html>\n"
    )


def write(run: RunResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(run))
