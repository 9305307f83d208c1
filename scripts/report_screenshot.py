"""`make screenshot`: runs the fixture pages, writes their HTML report and a picture of it (docs/report.png,
shown in the README). Usage: report_screenshot.py [PAGES] [PNG]."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from harness.config import Config
from harness.pipeline import RunOptions, execute, placeholders_for, plan
from harness.report import browser, html
from harness.report.mask import Masker
from harness.run.local.executor import LocalExecutor

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    pages = argv[0] if argv else str(ROOT / "fixtures" / "pages")
    png = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "report.png"
    options = RunOptions(jobs=2)
    with LocalExecutor(options.runners_dir) as executor:
        run = Masker(placeholders_for(Config())).run(execute(plan([pages]), executor, options))
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.html"
        html.write(run, report)
        browser.screenshot(report, png, width=1400, height=1000)
    print(f"screenshot: {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
