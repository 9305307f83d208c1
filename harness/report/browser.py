"""Headless Chromium (Debian's, driven by Playwright; no browser is downloaded) for looking at a report as
a reader would: the browser tests and `make screenshot` use it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.errors import HarnessError

ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync")
"""Flags that keep Chromium offline and quiet in a container."""


def chromium_path() -> str | None:
    """The system Chromium (`CHROMIUM` in the environment wins), or None when there is none."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        found = name and shutil.which(name)
        if found:
            return found
    return None


@contextmanager
def browser() -> Iterator[Any]:
    """A Playwright `Browser` on the system Chromium, closed on exit."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise HarnessError("no chromium found: `make setup` installs Debian's chromium")
    with sync_playwright() as driver:
        opened = driver.chromium.launch(executable_path=path, args=list(ARGS))
        try:
            yield opened
        finally:
            opened.close()


def open_report(opened: Any, report: Path, width: int = 1400, height: int = 1000, fragment: str = "") -> Any:
    """A new page showing `report` (with `#fragment`), once its script has drawn it."""
    page = opened.new_page(viewport={"width": width, "height": height})
    page.goto(report.resolve().as_uri() + (f"#{fragment}" if fragment else ""))
    page.wait_for_selector("body[data-ready]", timeout=60_000)
    return page


def screenshot(report: Path, png: Path, width: int = 1400, height: int = 1000) -> None:
    """Writes what a reader sees first of `report` to `png`."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with browser() as opened:
        open_report(opened, report, width, height).screenshot(path=str(png))
