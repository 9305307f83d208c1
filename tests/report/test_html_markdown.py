"""HTML report data and file (drawn in a real browser by test_browser.py), Markdown summary against a
baseline, GitHub annotations, masking."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from harness.config import Config
from harness.extract import TEST_ACCOUNT_ID, TEST_API_TOKEN
from harness.model import RunResult, Status
from harness.pipeline import placeholders_for
from harness.report import html, json_report, markdown, triage
from harness.report.mask import Masker


def _blob(page: str) -> dict[str, object]:
    found = re.search(r'<script id="data" type="application/octet-stream">([^<]*)</script>', page)
    assert found, "the report holds its data blob"
    return html.unpack(found.group(1))


def test_report_data_has_every_block_with_its_language_column_and_relative_page(fixture_run: RunResult) -> None:
    data = html.data(fixture_run)
    blocks = data["blocks"]
    assert sorted(b["s"] for b in blocks) == sorted(r.status.value for r in fixture_run.results)
    assert {b["c"] for b in blocks} <= set(triage.COLUMNS) and {"python", "node", "worker", "shell"} <= {
        b["c"] for b in blocks}
    assert all(not p.startswith(("/", "..")) for p in data["pages"])
    assert "seed.md" in data["pages"] and data["root"].endswith("fixtures/pages")
    seed = next(b for b in blocks if data["pages"][b["p"]] == "seed.md" and b["l"] == 161)
    assert seed["t"] == "curl" and seed["c"] == "shell" and seed["code"].startswith("$ curl https://api.cloudflare.com")
    finding = next(f for f in seed["f"] if f["r"] == "REQ003")
    assert finding["e"] == "@cf/mistral/mistral-7b-instruct-v0.1" and finding["a"] == "@cf/meta/llama-2-7b-chat-int8"
    assert finding["c"].startswith("calls model @cf/meta/llama-2-7b-chat-int8")
    skipped = [b for b in blocks if b["s"] == "skipped"]
    assert skipped and all(b["r"] and b["k"] for b in skipped)
    assert data["rules"]["REQ003"]["count"] == 5


def test_report_is_one_self_contained_file(fixture_run: RunResult, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    html.write(fixture_run, out)
    page = out.read_text()
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(src|href)=["']https?:""", page)
    assert _blob(page) == html.data(fixture_run)


def test_markdown_without_baseline_lists_failures_then_coverage_and_skip_reasons(fixture_run: RunResult) -> None:
    text = markdown.render(fixture_run)
    failed = sum(r.status is Status.FAILED for r in fixture_run.results)
    assert f"### {failed} failed blocks to fix" in text
    seed = next(page for page in fixture_run.pages if page.endswith("seed.md"))
    assert f"| ❌ | `{seed}:161 [curl]` | `REQ003` {seed}:161 [curl] calls model" in text
    cover = triage.coverage(fixture_run)
    assert f"**{cover.ran} of {cover.blocks} blocks ran ({cover.percent:.1f}%)**" in text
    assert text.index("failed blocks to fix") < text.index("### Coverage") < text.index("| not run | why |")
    top_kind, top_count = cover.skip_kinds[0]
    assert f"| {top_count} | {top_kind} |" in text


def test_markdown_against_a_baseline_leads_with_new_failures_then_fixed(fixture_run: RunResult) -> None:
    now = json_report.to_dict(fixture_run)
    baseline = copy.deepcopy(now)
    by_id = {s["id"]: s for s in baseline["snippets"]}
    failing = [s for s in now["snippets"] if s["status"] == "failed"]
    passing = [s for s in now["snippets"] if s["status"] == "passed"]
    by_id[failing[0]["id"]]["status"] = "passed"  # newly failing now
    by_id[passing[0]["id"]]["status"] = "failed"  # fixed now
    by_id[passing[1]["id"]]["status"] = "skipped"  # one more block runs now
    text = markdown.render(fixture_run, baseline)
    assert text.index("### 1 new failure") < text.index("### 1 fixed") < text.index("still failing")
    assert text.index("still failing") < text.index("### Coverage")
    new_where = next(r.snippet.where for r in fixture_run.results if r.snippet.id == failing[0]["id"])
    fixed_where = next(r.snippet.where for r in fixture_run.results if r.snippet.id == passing[0]["id"])
    assert f"| ❌ | `{new_where}` |" in text.split("### 1 fixed")[0]
    assert f"- `{fixed_where}`" in text
    blocks = len(fixture_run.results)
    assert f"Against the baseline: +1 blocks ran (+{100 / blocks:.1f} pp), +0 failed, +0 blocks in all." in text


def test_markdown_write_reads_the_baseline_file(fixture_run: RunResult, tmp_path: Path) -> None:
    json_report.write(fixture_run, tmp_path / "old.json")
    markdown.write(fixture_run, tmp_path / "summary.md", baseline=tmp_path / "old.json")
    text = (tmp_path / "summary.md").read_text()
    assert "### No new failures" in text and "+0 blocks ran (+0.0 pp)" in text


def test_annotations_point_at_lines(fixture_run: RunResult) -> None:
    lines = markdown.github_annotations(fixture_run).splitlines()
    assert any(line.startswith("::error file=") and ",line=161,title=REQ003 wrong-model::" in line for line in lines)
    assert any(line.startswith("::warning file=") for line in lines)


def test_placeholder_values_never_reach_a_report(fixture_run: RunResult) -> None:
    masked = Masker(placeholders_for(Config())).run(fixture_run)
    page = html.render(masked)
    outputs = [page, str(_blob(page)), markdown.render(masked), str(json_report.to_dict(masked))]
    unmasked = str(json_report.to_dict(fixture_run))
    assert TEST_API_TOKEN in unmasked  # the journal really carries the token the snippets sent
    assert TEST_API_TOKEN in str(_blob(html.render(fixture_run)))  # the blob would carry it, unmasked
    for text in outputs:
        assert TEST_API_TOKEN not in text and TEST_ACCOUNT_ID not in text
    assert "Bearer {API_TOKEN}" in outputs[3] and "Bearer {API_TOKEN}" in outputs[1]
