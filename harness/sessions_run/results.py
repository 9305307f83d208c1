"""A session driver's report, read back: what each cell did, and which requests it sent.

The drivers run cells one after the other and say when each started and ended; the mock stamps every
request with the time it recorded it. A request belongs to the last cell that had started by then,
so a client made in one cell and used in a later one (an `OpenAI()` of the first cell) is counted for
the cell that used it, and a request answered after its cell ended (a stream left unread) for that
cell still.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass

from harness.errors import HarnessError
from harness.model import RecordedRequest


@dataclass(frozen=True)
class CellReport:
    """What the driver said about one cell."""

    index: int
    """Its position in the launch (0-based)."""
    start: float
    """When it started, seconds since the epoch."""
    end: float
    exit_code: int
    """0, 1 for a Python exception, or the status it exited with."""
    stdout: str
    stderr: str
    truncated: bool = False
    """Its output was cut at the driver's limit."""


def _python_line(payload: str) -> CellReport:
    data = json.loads(payload)
    return CellReport(int(data["cell"]), float(data["start"]), float(data["end"]), int(data["exit"]),
                      str(data["stdout"]), str(data["stderr"]), bool(data.get("truncated")))


def _text(field: str) -> str:
    return base64.b64decode(field[1:]).decode("utf-8", errors="replace")


def _shell_line(payload: str) -> CellReport:
    cell, start, end, exit_code, out, err, cut = payload.split(" ")
    return CellReport(int(cell) - 1, float(start), float(end), int(exit_code), _text(out), _text(err), cut == "1")


def parse_reports(runner: str, stdout: str, mark: str) -> tuple[list[CellReport], str]:
    """The cells' reports among the driver's stdout lines, and whatever else it printed (nothing,
    unless the driver itself failed). A report that does not parse is the harness's fault."""
    reports: list[CellReport] = []
    other: list[str] = []
    for line in stdout.splitlines():
        if not line.startswith(mark + " "):
            other.append(line)
            continue
        try:
            reports.append((_python_line if runner == "python" else _shell_line)(line[len(mark) + 1 :]))
        except (ValueError, KeyError, TypeError, binascii.Error) as error:
            raise HarnessError(f"the {runner} session driver wrote a report that does not parse: {error}") from error
    return reports, "\n".join(other)


def attribute(requests: Sequence[RecordedRequest], starts: Sequence[float]) -> list[list[RecordedRequest]]:
    """`requests` split among cells that started at `starts` (ascending): each to the last cell that
    had started when it was recorded (the first cell for one recorded before any)."""
    split: list[list[RecordedRequest]] = [[] for _ in starts]
    for request in requests:
        index = max(bisect.bisect_right(starts, request.at) - 1, 0)
        split[index].append(request)
    return split
