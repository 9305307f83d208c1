"""JUnit XML: one testsuite per page, one testcase per snippet, findings as failure messages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from harness.model import RunResult, Severity, SnippetResult, Status


def _testcase(result: SnippetResult) -> ET.Element:
    s = result.snippet
    case = ET.Element("testcase", {
        "classname": s.page, "name": f"{s.group}::{s.label or s.line}",
        "file": s.page, "line": str(s.line),
        "time": f"{result.evidence.duration_s:.3f}" if result.evidence else "0",
    })
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    if result.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", {"message": result.reason + (f" ({result.session_note})" if result.session
                                                                    else "")})
    elif result.status is Status.ERROR:
        ET.SubElement(case, "error", {"message": result.reason, "type": "harness"}).text = result.reason
    elif errors:
        text = "\n".join(f"{f.rule} {f.message}" for f in result.findings)
        ET.SubElement(case, "failure", {"message": errors[0].message, "type": errors[0].rule}).text = text
    if result.evidence:
        session = f"[ran in a {result.session_note}]\n" if result.session else ""  # the schema has no other place
        ET.SubElement(case, "system-out").text = session + result.evidence.stdout
        ET.SubElement(case, "system-err").text = result.evidence.stderr
    return case


def to_xml(run: RunResult) -> ET.ElementTree:
    root = ET.Element("testsuites", {"name": "docs-snippet harness", "time": f"{run.duration_s:.3f}"})
    by_page: dict[str, list[int]] = defaultdict(list)  # positions: one page's results in memory at a time
    for index, result in enumerate(run.results):
        by_page[result.snippet.page].append(index)
    for page, positions in by_page.items():
        results = [run.results[i] for i in positions]
        suite = ET.SubElement(root, "testsuite", {
            "name": page, "tests": str(len(results)),
            "failures": str(sum(r.status is Status.FAILED for r in results)),
            "errors": str(sum(r.status is Status.ERROR for r in results)),
            "skipped": str(sum(r.status is Status.SKIPPED for r in results)),
            "time": f"{sum(r.evidence.duration_s for r in results if r.evidence):.3f}",
        })
        suite.extend(_testcase(r) for r in results)
    for found in run.page_findings:
        page_suite = next((s for s in root if s.get("name") == found.page), None)
        if page_suite is None:
            page_suite = ET.SubElement(root, "testsuite", {"name": found.page, "tests": "0", "failures": "0",
                                                           "errors": "0"})
        case = ET.SubElement(page_suite, "testcase", {"classname": found.page, "name": f"page::{found.line}",
                                                 "file": found.page})
        if found.line > 0:
            case.set("line", str(found.line))
        if found.severity is Severity.ERROR:
            ET.SubElement(case, "failure", {"message": found.message, "type": found.rule}).text = found.message
            page_suite.set("failures", str(int(page_suite.get("failures", "0")) + 1))
        page_suite.set("tests", str(int(page_suite.get("tests", "0")) + 1))
    for totals in ("tests", "failures", "errors"):
        root.set(totals, str(sum(int(s.get(totals, "0")) for s in root)))
    return ET.ElementTree(root)


def write(run: RunResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = to_xml(run)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
