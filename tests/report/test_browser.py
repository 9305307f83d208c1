"""The HTML report in a real browser (Debian's chromium, driven by Playwright): what a docs writer sees,
clicks and filters, on the fixture run, on the shared corpus and on 15,000 made-up blocks."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from harness.config import Config
from harness.model import RunResult, Status
from harness.pipeline import RunOptions, execute, placeholders_for, plan
from harness.report import browser, html, triage
from harness.report.mask import Masker
from harness.run.local.executor import LocalExecutor

from .synthetic import synthetic_run

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
GREEN, RED = (46, 125, 50), (198, 40, 40)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if browser.chromium_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (make setup installs Debian's chromium)")
        pytest.skip("chromium is not installed here; `make setup` installs it")
    with browser.browser() as opened:
        yield opened


@pytest.fixture(scope="module")
def report(fixture_run: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    html.write(Masker(placeholders_for(Config())).run(fixture_run), out)  # as `harness run --html` writes it
    return out


def _open(chromium: Any, report: Path, fragment: str = "", width: int = 1400) -> Any:
    page = chromium.new_page(viewport={"width": width, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report.resolve().as_uri() + (f"#{fragment}" if fragment else ""))
    page.wait_for_selector("body[data-ready]", timeout=60_000)
    assert errors == []
    return page


def _count(page: Any) -> str:
    return str(page.inner_text("#count"))


def test_leads_with_figures_and_failures_and_fits_1400px(chromium: Any, report: Path,
                                                        fixture_run: RunResult) -> None:
    page = _open(chromium, report)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    assert f"{len(fixture_run.results)} blocks" in page.inner_text("#figures")
    tops = [page.locator(sel).bounding_box()["y"] for sel in ("#top", "#coverage", "#failures", "#matrix")]
    assert tops == sorted(tops) and tops[2] < 400
    first = page.locator("#failures details.rule").first
    assert first.get_attribute("data-rule") == "REQ003"
    assert "REQ003 wrong-model · 5 failures" in first.inner_text()
    assert first.locator("a[data-b]").count() == 5
    legend = page.inner_text(".legend")
    assert "not run: data or prose (json, toml, text…)" in legend  # why blocks were not run, in sight
    entries = page.locator(".legend button").all_inner_texts()
    assert sum(int(e.split()[0]) for e in entries) == len(fixture_run.results)
    assert all(int(e.split()[0]) > 0 and " 0 other" not in e for e in entries)
    assert [h.strip() for h in page.locator("#mhead > div").all_inner_texts()] == [
        "page", "python", "node", "worker", "shell", "other"]


def test_clicking_a_cell_shows_code_with_page_lines_and_expected_against_actual(chromium: Any, report: Path) -> None:
    page = _open(chromium, report, "q=seed.md")  # the matrix draws only the rows in view; the seed's first
    page.locator('#mbody a.k[title^="seed.md:161 [curl]"]').click()
    pane = page.locator("#pane")
    pane.locator("h3", has_text="seed.md:161 [curl]").wait_for(state="visible")  # drawn after the click
    assert pane.is_visible() and "seed.md:161 [curl]" in pane.locator("h3").inner_text()
    assert pane.locator("pre.code .ln").first.inner_text() == "161"
    first, second = pane.locator("pre.code").inner_text().splitlines()[:2]
    assert first == "161$ curl https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/" \
        "@cf/meta/llama-2-7b-chat-int8 \\"
    assert second == "162  -X POST \\"
    expected = pane.locator("table.exp table.exp").first.inner_text()
    assert "expected\t@cf/mistral/mistral-7b-instruct-v0.1" in expected
    assert "actual\t@cf/meta/llama-2-7b-chat-int8" in expected
    assert "POST /client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-2-7b-chat-int8" in pane.inner_text()
    assert "b=" in page.evaluate("location.hash")
    page.keyboard.press("Escape")
    pane.wait_for(state="hidden")
    assert not pane.is_visible()


def test_a_block_not_run_says_why(chromium: Any, report: Path) -> None:
    page = _open(chromium, report, "status=skipped")
    page.locator("#mbody a.k.s-skipped").first.click()
    reason = page.locator("#pane .reason").inner_text()
    assert reason.startswith("Not run: ") and len(reason) > len("Not run: ") + 4


def test_a_reason_in_the_legend_filters_the_blocks_not_run_for_it(chromium: Any, report: Path,
                                                                  fixture_run: RunResult) -> None:
    page = _open(chromium, report)
    kind = "not runnable: data or prose (json, toml, text…)"
    page.locator(".legend button", has_text="data or prose").click()
    many = sum(r.status is Status.SKIPPED and triage.skip_kind(r.reason) == kind for r in fixture_run.results)
    assert _count(page) == f"{many} of {len(fixture_run.results)} blocks" and many >= 3
    skips = page.locator("#skips")
    assert skips.get_attribute("open") is not None and f"{many} × {kind}" in skips.inner_text()
    assert page.locator("#mbody a.k").count() == many == page.locator("#mbody a.k.s-skipped").count()
    assert "why=" in page.evaluate("location.hash")
    page.locator(".pill a").click()
    assert _count(page).startswith(f"{len(fixture_run.results)} of ")


def test_filter_by_rule_is_kept_in_the_url(chromium: Any, report: Path, fixture_run: RunResult) -> None:
    page = _open(chromium, report)
    page.select_option("#f-rule", "REQ003")
    assert _count(page) == f"5 of {len(fixture_run.results)} blocks"
    assert page.locator("#mbody .page").all_inner_texts() == ["seed.md"]
    assert page.locator("#mbody a.k").count() == 5 and page.locator("#mbody a.k.s-failed").count() == 5
    assert [d.get_attribute("data-rule") for d in page.locator("#failures details.rule").all()] == ["REQ003"]
    fragment = page.evaluate("location.hash")
    assert "rule=REQ003" in fragment
    again = _open(chromium, report, fragment.lstrip("#"))
    assert _count(again) == _count(page) and again.input_value("#f-rule") == "REQ003"


def test_status_language_folder_and_text_filters_and_folders_fold(chromium: Any, report: Path,
                                                                  fixture_run: RunResult) -> None:
    page = _open(chromium, report)
    page.select_option("#f-status", "failed")
    failed = sum(r.status is Status.FAILED for r in fixture_run.results)
    assert _count(page).startswith(f"{failed} of ")
    page.select_option("#f-status", "")
    page.select_option("#f-lang", "python")
    assert page.locator("#mbody a.k").count() == int(_count(page).split()[0])
    assert {c for c in page.locator("#mbody .mrow:not(.folder) > div:nth-child(2) a.k").all()} != set()
    page.select_option("#f-lang", "")
    page.select_option("#f-folder", "malformed")
    assert set(page.locator("#mbody .mrow.folder").all_inner_texts()[0].split()[1:2]) == {"malformed/"}
    page.fill("#f-q", "pyhton")
    page.wait_for_function("document.getElementById('count').textContent.startsWith('1 of')")
    assert "folder=malformed" in page.evaluate("location.hash") and "q=pyhton" in page.evaluate("location.hash")
    page.click("#clear")
    page.select_option("#f-folder", "malformed")  # only the rows on screen are drawn: bring the folder there
    folder = page.locator('#mbody .mrow.folder[data-folder="malformed"]')
    pages = page.locator("#mbody .mrow:not(.folder) .page")
    assert "unclosed-fence.md" in pages.all_inner_texts()
    folder.click()  # its seven pages fold away
    page.wait_for_function("!document.querySelector('#mbody').textContent.includes('unclosed-fence.md')")
    assert folder.inner_text().startswith("▸") and "unclosed-fence.md" not in pages.all_inner_texts()
    folder.click()
    page.wait_for_function("document.querySelector('#mbody').textContent.includes('unclosed-fence.md')")


def test_screenshot_has_the_expected_shape(chromium: Any, report: Path, tmp_path: Path) -> None:
    page = _open(chromium, report)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot))
    bar = page.locator("#coverage").bounding_box()
    rule = page.locator("#failures details.rule").first.bounding_box()
    with Image.open(shot) as image:
        assert image.size == (1400, 1000)
        rgb = image.convert("RGB")
        band = {rgb.getpixel((x, int(bar["y"] + bar["height"] / 2))) for x in range(int(bar["x"]), 1380, 4)}
        border = rgb.getpixel((int(rule["x"]) + 1, int(rule["y"] + rule["height"] / 2)))
    assert GREEN in band and RED in band  # the coverage bar shows passed and failed
    assert bar["y"] < 200 and rule["y"] < 400 and border == RED  # failures right below the header


def test_corpus_report_fits_1400px_and_leads_with_failures(chromium: Any, tmp_path: Path) -> None:
    assert CORPUS.is_dir(), f"shared corpus missing at {CORPUS}"
    options = RunOptions(jobs=2)
    with LocalExecutor(options.runners_dir) as executor:
        run = execute(plan([str(CORPUS)]), executor, options)
    out = tmp_path / "corpus.html"
    html.write(run, out)
    page = _open(chromium, out)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    assert page.inner_text(".root") == f"docs root: {CORPUS}"
    assert not any(p.startswith(("..", "/")) for p in page.locator("#mbody .mrow.folder").all_inner_texts())
    assert page.locator("#failures details.rule").count() >= 1
    assert "not run:" in page.inner_text(".legend")
    page.select_option("#f-status", "skipped")
    page.locator("#mbody a.k.s-skipped").first.click()
    assert page.locator("#pane .reason").inner_text().startswith("Not run: ")


def test_fifteen_thousand_blocks_stay_small_and_open_fast(chromium: Any, tmp_path: Path) -> None:
    out = tmp_path / "big.html"
    html.write(synthetic_run(15_000), out)
    size = out.stat().st_size
    started = time.monotonic()
    page = _open(chromium, out)
    first_render = time.monotonic() - started
    print(f"15,000 blocks: {size / 1e6:.2f} MB, first render {first_render:.2f} s")
    assert size < 5_000_000 and first_render < 10.0
    assert _count(page) == "15000 of 15000 blocks"
    assert page.locator("#mbody .mrow").count() < 200  # only the rows in view are drawn
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("[...document.querySelectorAll('#mbody .page')].some(e => e.textContent === 'page-2999.md')")
    page.select_option("#f-rule", "REQ003")
    assert _count(page) == "1500 of 15000 blocks"
