"""`harness trend REPORT...`: coverage and failures over earlier runs, as a table and as an HTML page with
two inline SVG charts (no library, nothing fetched when it opens)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from harness.report import diff, triage
from harness.report.json_report import load_run

WIDTH, HEIGHT, PAD = 880, 220, 44
"""The size of one chart and the room left for its axis labels, in px."""


@dataclass(frozen=True)
class Point:
    """One run of the trend."""

    label: str
    """What names the run on the x axis: the report's file name without `.json`."""
    blocks: int
    ran: int
    failed: int
    """Blocks failed, and blocks the harness failed on."""
    percent: float
    """Share of blocks that ran."""


def point(path: Path) -> Point:
    """The figures of one JSON report."""
    cover = triage.coverage(load_run(diff.load(path)))
    label = path.stem if path.stem not in ("run", "report") else f"{path.parent.name}/{path.stem}"
    return Point(label, cover.blocks, cover.ran, cover.failed + cover.error, cover.percent)


def table(points: list[Point]) -> str:
    """The trend as text, one run a line, oldest first."""
    width = max([len(p.label) for p in points] + [3])
    lines = [f"{'RUN':<{width}}  BLOCKS  RAN  COVERAGE  FAILED"]
    lines += [f"{p.label:<{width}}  {p.blocks:>6}  {p.ran:>3}  {p.percent:>7.1f}%  {p.failed:>6}" for p in points]
    return "\n".join(lines) + "\n"


def _x(i: int, n: int) -> float:
    return PAD + (WIDTH - 2 * PAD) * (i + 0.5) / n


def _chart(title: str, points: list[Point], values: list[float], top: float, unit: str, bars: bool) -> str:
    n, inner = len(points), HEIGHT - 2 * PAD
    y = [HEIGHT - PAD - inner * v / top if top else HEIGHT - PAD for v in values]
    grid = "".join(f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{HEIGHT - PAD - inner * k / 4:.1f}" '
                   f'y2="{HEIGHT - PAD - inner * k / 4:.1f}" stroke="#e1e4e8"/>'
                   f'<text x="{PAD - 6}" y="{HEIGHT - PAD - inner * k / 4 + 4:.1f}" text-anchor="end">'
                   f"{top * k / 4:.0f}{unit}</text>" for k in range(5))
    labels = "".join(f'<text x="{_x(i, n):.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle">{escape(p.label[-18:])}'
                     "</text>" for i, p in enumerate(points))
    if bars:
        step = (WIDTH - 2 * PAD) / n
        marks = "".join(f'<rect class="bar" x="{_x(i, n) - step * 0.3:.1f}" y="{y[i]:.1f}" width="{step * 0.6:.1f}" '
                        f'height="{HEIGHT - PAD - y[i]:.1f}" fill="#c62828"><title>{escape(p.label)}: {values[i]:g}'
                        f"{unit}</title></rect>" for i, p in enumerate(points))
    else:
        path = " ".join(f"{_x(i, n):.1f},{y[i]:.1f}" for i in range(n))
        marks = (f'<polyline points="{path}" fill="none" stroke="#0b57d0" stroke-width="2.5"/>'
                 + "".join(f'<circle class="dot" cx="{_x(i, n):.1f}" cy="{y[i]:.1f}" r="4" fill="#0b57d0">'
                           f"<title>{escape(p.label)}: {values[i]:.1f}{unit}</title></circle>"
                           for i, p in enumerate(points)))
    return (f'<figure><figcaption>{escape(title)}</figcaption><svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}" role="img" aria-label="{escape(title)}" font-size="11" fill="#57606a">'
            f"{grid}{marks}{labels}</svg></figure>")


def render(points: list[Point]) -> str:
    """The trend page: coverage as a line, failed blocks as bars, then the table."""
    most = max([p.failed for p in points] + [1])
    top = float(most if most <= 4 else -(-most // 4) * 4)
    rows = "".join(f"<tr><td>{escape(p.label)}</td><td>{p.blocks}</td><td>{p.ran}</td><td>{p.percent:.1f}%</td>"
                   f"<td>{p.failed}</td></tr>" for p in points)
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Docs snippets: trend</title><style>"
            "body{font:14px system-ui,sans-serif;margin:24px;color:#1d2129}"
            "figcaption{font-weight:600;margin:12px 0 4px}"
            "table{border-collapse:collapse}td,th{border:1px solid #d0d4d9;padding:3px 8px;text-align:right}"
            "td:first-child{text-align:left}</style></head><body>"
            f"<h1>Docs snippets: the last {len(points)} runs</h1>"
            + _chart("Coverage: share of blocks that ran", points, [p.percent for p in points], 100.0, "%", False)
            + _chart("Failed blocks", points, [float(p.failed) for p in points], top, "", True)
            + "<table><tr><th>run</th><th>blocks</th><th>ran</th><th>coverage</th><th>failed</th></tr>"
            + rows + "</table></body></html>\n")


def cmd_trend(args: argparse.Namespace) -> int:
    """Prints the trend of the reports given (oldest first) and writes the chart page when asked."""
    try:
        points = [point(Path(name)) for name in args.reports][-args.last:]
    except (OSError, ValueError, KeyError) as error:
        print(f"harness: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(table(points))
    if args.html:
        out = Path(args.html)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(points), encoding="utf-8")
        print(f"trend chart: {out}", file=sys.stderr)
    return 0


def add_trend_command(subparsers: Any) -> None:
    """Registers `harness trend` on the CLI's subparsers."""
    trend = subparsers.add_parser("trend", help="coverage and failures over earlier JSON reports, as a table and "
                                  "a chart (--html)")
    trend.add_argument("reports", nargs="+", metavar="REPORT.json", help="JSON reports, oldest first")
    trend.add_argument("--html", metavar="FILE", help="write the chart page to FILE")
    trend.add_argument("--last", type=int, default=30, metavar="N", help="only the last N runs (default 30)")
    trend.set_defaults(func=cmd_trend)
