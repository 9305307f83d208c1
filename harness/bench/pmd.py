"""pytest-markdown-docs on the same Python-only pages, for comparison with the `inprocess` executor.

It is one of the project's dev dependencies and runs with the harness's own interpreter when that
has it; else it is installed in a throwaway virtual environment under the temp folder, where a
`.pth` file makes the harness's own packages importable. Either way a `conftest.py` can route
`requests` and `httpx` to the same in-process mock the executor uses (no sockets either way).
pytest-markdown-docs runs every block in the pytest process, one after the other.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import harness

VERSION = "0.9.2"
VENV = Path(tempfile.gettempdir()) / "harness-bench-pmd"
DURATIONS = "pmd-durations.json"
"""Each test's time at full precision, written there by `CONFTEST` (the JUnit report rounds to 1 ms)."""
CONFTEST = '''"""Routes requests and httpx to the harness's in-process mock for the whole session, and keeps
each test's time (setup, call and teardown, as the JUnit report adds them) at full precision."""
import json
from pathlib import Path

from harness.mock.inprocess import InProcessMock
from harness.run.inprocess.clients import routed_to

_ROUTE = routed_to(InProcessMock())
_ROUTE.__enter__()
_TIMES = {}


def pytest_runtest_logreport(report):
    _TIMES[report.nodeid] = _TIMES.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    (Path(__file__).parent / "pmd-durations.json").write_text(json.dumps(list(_TIMES.values())))
'''


def ensure_venv(venv: Path = VENV) -> Path:
    """This interpreter when it has pytest-markdown-docs (the dev extras), else the throwaway
    environment's Python, made (and pytest-markdown-docs installed) when missing."""
    if importlib.util.find_spec("pytest_markdown_docs") is not None:
        return Path(sys.executable)
    python = venv / "bin" / "python"
    if not (venv / f".pmd-{VERSION}").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"pytest-markdown-docs=={VERSION}"],
                       check=True, capture_output=True, timeout=600)
        paths = [p for p in sys.path if p.endswith("site-packages")] + [str(Path(harness.__file__).parents[1])]
        site = next((venv / "lib").glob("python*/site-packages"))
        (site / "harness-bench.pth").write_text("\n".join(paths) + "\n")
        (venv / f".pmd-{VERSION}").touch()
    return python


def junit_outcomes(report: Path) -> tuple[list[float], int]:
    """Each test's time in a JUnit report, and how many failed (a `failure` or `error` element;
    `properties` and captured output are not failures)."""
    cases = list(ET.parse(report).getroot().iter("testcase"))
    failed = sum(1 for case in cases if case.find("failure") is not None or case.find("error") is not None)
    return [float(case.get("time", 0)) for case in cases], failed


def run_pmd(pages: Path, python: Path) -> dict[str, Any]:
    """Runs pytest-markdown-docs over `pages`: wall time of the pytest process and each test's time
    (setup, call and teardown: the JUnit report's, from the conftest at full precision)."""
    (pages / "conftest.py").write_text(CONFTEST)
    (pages / "pytest.ini").write_text("[pytest]\n")
    report, precise = pages / "pmd-junit.xml", pages / DURATIONS
    precise.unlink(missing_ok=True)  # a previous round's
    started = time.monotonic()
    done = subprocess.run([str(python), "-m", "pytest", "--markdown-docs", "-q", "-p", "no:harness",
                           "-p", "no:cacheprovider", f"--junitxml={report}", "--rootdir", str(pages), str(pages)],
                          cwd=pages, capture_output=True, text=True, timeout=1800)
    wall = time.monotonic() - started
    times, failures = junit_outcomes(report)
    if precise.exists():  # the same times as the report's, unrounded
        times = [float(t) for t in json.loads(precise.read_text())]
    return {"wall_s": wall, "tests": len(times), "failed": failures, "durations": times,
            "median_s": statistics.median(times) if times else None, "exit_code": done.returncode,
            "tail": done.stdout[-500:] if done.returncode else ""}
