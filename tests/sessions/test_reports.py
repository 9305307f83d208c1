"""Reports show each block of a page session at its own line and say it ran in one; JSON round-trips."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from harness.report import console, html, json_report, junit, markdown

from .test_fixtures import run


def test_every_report_says_which_blocks_ran_in_a_session() -> None:
    by_line, _ = run("local")
    data = json.loads(json.dumps({"format": 1, "summary": {}, "snippets": list(by_line.values())}))
    loaded = json_report.load_run(data)
    by_place = {(r.snippet.page.rsplit("/", 1)[-1], r.snippet.line): r for r in loaded.results}
    failing = by_place[("failing.md", 20)]
    assert failing.session == (10, 20, 27, 34) and failing.session_note == "page session, lines 10..34"
    assert by_place[("off.md", 14)].session == ()
    again = json_report.load_run(json_report.to_dict(loaded))
    assert again.results == loaded.results  # the session field survives a write and a read

    text = console.render(loaded)
    row = next(line for line in text.splitlines() if "failing.md" in line and " 27 " in line)
    assert "skipped (page session, lines 10..34)" in row
    cases = ET.fromstring(ET.tostring(junit.to_xml(loaded).getroot()))
    case = {c.get("line"): c for c in cases.iter("testcase") if c.get("file", "").endswith("failing.md")}
    assert case["20"].findtext("system-out", "").startswith("[ran in a page session, lines 10..34]\n")
    assert case["27"].find("skipped").get("message") == (  # type: ignore[union-attr]
        "not run: depends on line 20, which failed (page session, lines 10..34)")
    assert "`fixtures/sessions/failing.md:20` (page session, lines 10..34)" in markdown.render(loaded)
    blocks = [b for b in html.data(loaded)["blocks"] if b["l"] == 20 and b.get("se")]
    assert [b["se"] for b in blocks] == ["page session, lines 10..34"]
