"""HTML report (rendered for real in headless Chromium), Markdown summary, GitHub annotations, masking."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from harness.config import Config
from harness.extract import TEST_ACCOUNT_ID, TEST_API_TOKEN
from harness.model import RunResult, Status
from harness.pipeline import placeholders_for
from harness.report import html, json_report, markdown
from harness.report.mask import Masker


class _Cells(HTMLParser):
    """Collects the matrix's chips: (page row, status class)."""

    def __init__(self) -> None:
        super().__init__()
        self.chips: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "chip" in (values.get("class") or ""):
            self.chips.append((values.get("class") or "").split()[-1])
        if values.get("id"):
            self.anchors.add(values["id"] or "")


def test_matrix_has_one_chip_per_snippet_linking_to_its_details(fixture_run: RunResult) -> None:
    parser = _Cells()
    parser.feed(html.render(fixture_run))
    assert sorted(parser.chips) == sorted(r.status.value for r in fixture_run.results)
    assert len(parser.anchors) >= len(fixture_run.results)


def test_details_show_code_with_page_line_numbers(fixture_run: RunResult) -> None:
    page = html.render(fixture_run)
    assert '<span class="ln">161</span>$ curl https://api.cloudflare.com' in page
    assert "calls model @cf/meta/llama-2-7b-chat-int8" in page


def test_markdown_lists_failures_and_annotations_point_at_lines(fixture_run: RunResult) -> None:
    text = markdown.render(fixture_run)
    failed = sum(r.status is Status.FAILED for r in fixture_run.results)
    assert f"**{failed} failed**" in text
    seed = next(page for page in fixture_run.pages if page.endswith("seed.md"))
    assert f"| ❌ | `{seed}:161 [curl]` | `REQ003` {seed}:161 [curl] calls model" in text
    lines = markdown.github_annotations(fixture_run).splitlines()
    assert any(line.startswith("::error file=") and ",line=161,title=REQ003 wrong-model::" in line for line in lines)
    assert any(line.startswith("::warning file=") for line in lines)


def test_placeholder_values_never_reach_a_report(fixture_run: RunResult) -> None:
    masked = Masker(placeholders_for(Config())).run(fixture_run)
    outputs = [html.render(masked), markdown.render(masked), str(json_report.to_dict(masked))]
    unmasked = str(json_report.to_dict(fixture_run))
    assert TEST_API_TOKEN in unmasked  # the journal really carries the token the snippets sent
    for text in outputs:
        assert TEST_API_TOKEN not in text and TEST_ACCOUNT_ID not in text
    assert "Bearer {API_TOKEN}" in outputs[2]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (make setup installs Debian's chromium)")
        pytest.skip("chromium is not installed here; `make setup` installs it")
    return found


def test_html_renders_in_headless_chromium(fixture_run: RunResult, tmp_path: Path) -> None:
    chromium = _chromium()
    report = tmp_path / "report.html"
    html.write(fixture_run, report)
    shot = tmp_path / "shot.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900"]
    subprocess.run([chromium, *flags, f"--screenshot={shot}", report.as_uri()], capture_output=True, timeout=120)
    with Image.open(shot) as image:
        assert image.size == (1200, 900)
        colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert (198, 40, 40) in colours and (46, 125, 50) in colours  # failed and passed chips are drawn
    dom = subprocess.run([chromium, *flags, "--dump-dom", report.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    assert dom.count('class="chip failed"') >= sum(r.status is Status.FAILED for r in fixture_run.results)
    assert "Pages × tabs" in dom
