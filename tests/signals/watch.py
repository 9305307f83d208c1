"""`harness run` as a CI job runs it, signalled from outside, and what it leaves on the machine afterwards.

Each run gets a temp dir of its own (`TMPDIR`), so what it leaves is told apart from what other runs on
the machine are doing: a leftover process is one whose environment or working dir names that dir (every
process of a run has it: the snippets' work dirs and the warm servers' dirs are under it) or whose
environment carries the run's marker; a leftover container or volume carries the run's pid as a label.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures" / "signals"
QUICK = (PAGES / "a-quick.md", PAGES / "c-after.md")
"""Five snippets that each end at once."""
AFTER = (PAGES / "c-after.md",)
"""Two of them (Python and shell, no npm package needed): the run that follows another."""
ALL = (*QUICK, PAGES / "b-slow.md")
"""Those and three that take 20 s each (python, node, shell)."""
WORKER = (PAGES / "d-worker.md",)
"""A Worker that answers after 20 s."""
REPORTS = {"json": "report.json", "junit": "report.xml", "html": "report.html", "markdown": "report.md"}
START_S = 60.0
"""Bound on the harness's start (imports, extraction) on a loaded 2-core machine."""
PID_LABEL = "org.harness.pid"


@dataclass
class Watched:
    """One `harness run` in its own temp dir."""

    proc: subprocess.Popen[bytes]
    tmp: Path
    out: Path
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, text: str, timeout_s: float = START_S) -> None:
        """Until the run has printed `text` on stderr (its progress, its messages)."""
        deadline = time.monotonic() + timeout_s
        while text not in self.stderr():
            assert self.proc.poll() is None, f"the run ended before {text!r}:\n{self.stderr()}"
            assert time.monotonic() < deadline, f"no {text!r} within {timeout_s} s:\n{self.stderr()}"
            time.sleep(0.05)

    def wait_started(self) -> None:
        """Until the run has opened its folder (it handles signals from then on)."""
        deadline = time.monotonic() + START_S
        while not any(self.tmp.glob("harness-run-*/owner.json")):
            assert self.proc.poll() is None, f"the run ended before it started:\n{self.stderr()}"
            assert time.monotonic() < deadline, "the run did not start in time"
            time.sleep(0.02)

    def wait_in_flight(self, what: str, timeout_s: float = START_S) -> None:
        """Until a process of this run whose command line or working dir has `what` runs."""
        deadline = time.monotonic() + timeout_s
        while not any(what in _cmdline(pid) or what in _cwd(pid) for pid in processes_naming(self.tmp)):
            assert self.proc.poll() is None, f"the run ended before {what!r} ran:\n{self.stderr()}"
            assert time.monotonic() < deadline, f"{what!r} did not run within {timeout_s} s"
            time.sleep(0.05)

    def send(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def end(self, timeout_s: float) -> tuple[int, float]:
        """The exit code, and how long it took from now."""
        started = time.monotonic()
        try:
            code = self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"the run did not end within {timeout_s} s:\n{self.stderr()}") from None
        return code, time.monotonic() - started

    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.out / REPORTS["json"]).read_text())
        return data

    def statuses(self) -> dict[str, tuple[str, str]]:
        """Snippet id -> (status, reason), from the JSON report."""
        return {s["id"]: (s["status"], s["reason"]) for s in self.report()["snippets"]}


def start(tmp_path: Path, pages: tuple[Path, ...], executor: str, *extra: str, name: str = "run",
          tmp: Path | None = None) -> Watched:
    """`harness run PAGES -j 2 --executor EXECUTOR` with every report asked for, in a temp dir of its own
    (or in `tmp`, another run's)."""
    out = tmp_path / f"{name}-out"
    if tmp is None:
        tmp = tmp_path / f"{name}-tmp"
        tmp.mkdir()
    out.mkdir()
    log = tmp_path / f"{name}.stderr"
    argv = [sys.executable, "-m", "harness.launch", "run", *map(str, pages), "-j", "2", "--executor", executor,
            "--no-cache", *extra]
    for flag, file in REPORTS.items():
        argv += [f"--{flag}", str(out / file)]
    env = {**os.environ, "TMPDIR": str(tmp)}
    env.pop("HARNESS_RUN", None)
    with log.open("wb") as stderr:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                start_new_session=True)
    return Watched(proc, tmp, out, log)


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _cwd(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return ""


def _cmdline(pid: int) -> str:
    return _read(f"/proc/{pid}/cmdline").replace(b"\0", b" ").decode(errors="replace")


def processes_naming(tmp: Path) -> list[int]:
    """Live processes (not zombies) whose environment, command line or working dir names `tmp`."""
    found = []
    needle = str(tmp).encode()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        stat = _read(f"/proc/{entry.name}/stat")
        if not stat or stat.rsplit(b")", 1)[1].split()[0] == b"Z":
            continue
        try:
            cwd = os.readlink(f"/proc/{entry.name}/cwd").encode()
        except OSError:
            cwd = b""
        if needle in _read(f"/proc/{entry.name}/environ") or needle in _read(f"/proc/{entry.name}/cmdline") \
                or cwd.startswith(needle):
            found.append(int(entry.name))
    return found


def leftovers(run: Watched) -> dict[str, list[str]]:
    """What the run left: processes, files in its temp dir, and (when an engine answers) containers and volumes."""
    left = {
        "processes": [f"{pid}: {_cmdline(pid)}" for pid in processes_naming(run.tmp)],
        "files": sorted(str(p.relative_to(run.tmp)) for p in run.tmp.iterdir()),
    }
    engine = _engine()
    if engine is not None:
        selector = {"label": f"{PID_LABEL}={run.pid}"}
        left["containers"] = [c.name or "" for c in engine.containers.list(all=True, filters=selector)]
        left["volumes"] = [v.name or "" for v in engine.volumes.list(filters=selector)]
        engine.close()
    return left


def nothing_left(run: Watched) -> None:
    left = leftovers(run)
    assert not any(left.values()), f"the run left {left}\n{run.stderr()}"


def _engine() -> Any:
    try:
        import docker

        client = docker.from_env(timeout=10)
        client.ping()
    except Exception:  # no engine: nothing of an engine to leave
        return None
    return client


def every_report_written(run: Watched) -> None:
    """The four reports exist and the JSON one counts every snippet."""
    for file in REPORTS.values():
        assert (run.out / file).stat().st_size > 0, f"no {file}:\n{run.stderr()}"
    summary = run.report()["summary"]
    assert summary["snippets"] == summary["passed"] + summary["failed"] + summary["skipped"] + summary["error"]


def kill_all(run: Watched) -> None:
    """Test clean-up: whatever a failed test left of its run goes."""
    if run.proc.poll() is None:
        run.proc.kill()
        run.proc.wait()
    for pid in processes_naming(run.tmp):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
