"""JUnit XML: valid against the schema CI tools read, one testcase per snippet."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import xmlschema

from harness.model import RunResult, Status
from harness.report import junit

SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("junit.xsd"))


def test_valid_against_the_schema(fixture_run: RunResult, tmp_path: Path) -> None:
    out = tmp_path / "junit.xml"
    junit.write(fixture_run, out)
    SCHEMA.validate(str(out))


def test_one_testcase_per_snippet_and_findings_as_failures(fixture_run: RunResult, tmp_path: Path) -> None:
    root = junit.to_xml(fixture_run).getroot()
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    curl = cases[(next(p for p in fixture_run.pages if p.endswith("seed.md")), "g1::curl")]
    failure = curl.find("failure")
    assert failure is not None and failure.get("type") == "REQ003"
    assert "REQ005" in (failure.text or "") and curl.get("line") == "161"
    snippet_cases = [c for c in root.iter("testcase") if not c.get("name", "").startswith("page::")]
    assert len(snippet_cases) == len(fixture_run.results)
    assert int(root.get("failures", "0")) >= sum(r.status is Status.FAILED for r in fixture_run.results)


def test_page_problems_are_failures_of_their_page(fixture_run: RunResult) -> None:
    root = junit.to_xml(fixture_run).getroot()
    page_cases = [c for c in root.iter("testcase") if c.get("name", "").startswith("page::")]
    messages = [c.find("failure").get("message", "") for c in page_cases if c.find("failure") is not None]
    assert any("unclosed code fence" in m for m in messages)
    assert ET.tostring(root).count(b"<skipped") == sum(r.status is Status.SKIPPED for r in fixture_run.results)
