"""A run's footprint on this machine, so that nothing outlives it: one folder, one marker, reaping.

`harness run` opens a `RunFootprint`. It makes a folder `<tmp>/harness-run-<id>` that every temporary
folder of the run goes under (it is the harness's temp dir, `TMPDIR` and `tempfile.tempdir`, while the
run lasts), with `owner.json` in it (host, pid and the pid's start time), and it sets
`HARNESS_RUN=<id>.<pid>.<start>` in the environment, which every process the executors start carries
(`harness.run.local.process.base_env`). Leaving kills every process that carries the marker or descends
from the harness, and removes the folder.

A run killed with SIGKILL leaves all that behind; the next run reaps it when it opens (`reap_dead_runs`):
processes whose marker names an owner that is gone, folders whose `owner.json` does, and the containers
and volumes of the docker runs noted in such a folder (`note_engine_run`). An owner is "gone" when no
process has its pid, or one does but started at another time (a reused pid); a run whose owner lives
is never touched, so two runs at once on one machine leave each other alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

RUN_ENV = "HARNESS_RUN"
"""The variable that marks every process of a run: `<run id>.<owner pid>.<owner start time>`."""
FOLDER_PREFIX = "harness-run-"
OWNER_FILE = "owner.json"
ENGINE_NOTES = "engine-runs"
"""A folder of the run dir with one empty file per docker run id (`note_engine_run`)."""
UNOWNED_GRACE_S = 60.0
"""A run folder without `owner.json` is being made by a run starting now, unless it is older than this."""


def start_time(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, from /proc), or None if there is no such process."""
    fields = _stat_fields(pid)
    return fields[19] if fields else None


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (which may hold any byte), or none."""
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].decode("ascii", "replace").split()
    except (OSError, IndexError):
        return []


def owner_alive(pid: int, started: str) -> bool:
    """Whether the process `pid` that started at `started` still runs (not a later one with its pid)."""
    return start_time(pid) == started


@dataclass(frozen=True)
class Owner:
    """Who owns a run: the harness process on one host."""

    run_id: str
    host: str
    pid: int
    started: str
    """The pid's start time (`start_time`), which tells it from a later process given the same pid."""

    @property
    def marker(self) -> str:
        """The value of `RUN_ENV` for this run's processes."""
        return f"{self.run_id}.{self.pid}.{self.started}"

    @property
    def gone(self) -> bool:
        """Whether the owner no longer runs (always False for a run of another host: it may live there)."""
        return self.host == socket.gethostname() and not owner_alive(self.pid, self.started)

    @staticmethod
    def from_marker(marker: str) -> Owner | None:
        parts = marker.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        return Owner(parts[0], socket.gethostname(), int(parts[1]), parts[2])


def _pids() -> Iterator[int]:
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            yield int(entry.name)


def _stat(pid: int) -> tuple[str, int] | None:
    """A process's state letter and parent pid."""
    fields = _stat_fields(pid)
    return (fields[0], int(fields[1])) if fields else None


def marker_of(pid: int) -> str | None:
    """The run marker in a process's environment, if it has one (and may be read)."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None
    prefix = RUN_ENV.encode() + b"="
    for entry in environ.split(b"\0"):
        if entry.startswith(prefix):
            return entry[len(prefix):].decode(errors="replace")
    return None


def descendants(*roots: int) -> list[int]:
    """The live (not zombie) processes below `roots`."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        stat = _stat(pid)
        if stat is not None and stat[0] != "Z":
            children.setdefault(stat[1], []).append(pid)
    found, todo = [], list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_until_gone(targets: Callable[[], list[int]], rounds: int = 8) -> int:
    """SIGKILLs what `targets` names until it names nothing (a fork bomb keeps forking), at most `rounds`
    times; returns how many kills were sent."""
    sent = 0
    for _ in range(rounds):
        pids = [pid for pid in targets() if pid != os.getpid()]
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                sent += 1
        time.sleep(0.02)
    return sent


def processes_of(run_id: str) -> list[int]:
    """Live processes that carry run `run_id`'s marker."""
    return [pid for pid in _pids() if (marker := marker_of(pid)) is not None
            and marker.split(".", 1)[0] == run_id and (_stat(pid) or ("Z", 0))[0] != "Z"]


@dataclass(frozen=True)
class Reaped:
    """What `reap_dead_runs` removed."""

    processes: int
    folders: int
    engine_runs: tuple[str, ...]
    """Docker run ids whose containers and volumes were asked to go."""


def reap_dead_runs(base: Path | None = None) -> Reaped:
    """Kills the processes and removes the folders (under `base`, the temp dir by default), containers
    and volumes of runs whose owner is gone; those of live runs are left alone."""
    base = base or Path(tempfile.gettempdir())

    def orphans() -> list[int]:
        found = []
        for pid in _pids():
            marker = marker_of(pid)
            owner = Owner.from_marker(marker) if marker else None
            if owner is not None and owner.gone and (_stat(pid) or ("Z", 0))[0] != "Z":
                found.append(pid)
        return found

    killed = kill_until_gone(orphans)
    folders, engine_runs = 0, []
    for folder in base.glob(FOLDER_PREFIX + "*"):
        owner = _owner_of(folder)
        if owner is None or not owner.gone:
            continue
        engine_runs += _engine_runs(folder)
        shutil.rmtree(folder, ignore_errors=True)
        folders += 1
    if engine_runs:
        _reap_engine_runs(engine_runs)
    return Reaped(killed, folders, tuple(engine_runs))


def _owner_of(folder: Path) -> Owner | None:
    """The owner named in a run folder; a folder with none is treated as gone once it is old."""
    try:
        data = json.loads((folder / OWNER_FILE).read_text())
        return Owner(str(data["run_id"]), str(data["host"]), int(data["pid"]), str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        with contextlib.suppress(OSError):
            if time.time() - folder.stat().st_mtime > UNOWNED_GRACE_S:
                return Owner("", socket.gethostname(), 0, "")  # pid 0 never matches: gone
        return None


def _engine_runs(folder: Path) -> list[str]:
    notes = folder / ENGINE_NOTES
    return sorted(p.name for p in notes.iterdir()) if notes.is_dir() else []


def _reap_engine_runs(run_ids: list[str]) -> None:
    from harness.errors import HarnessError
    from harness.run.docker.engine import connect, reap

    with contextlib.suppress(HarnessError):
        client = connect(timeout_s=10)
        try:
            for run_id in run_ids:
                reap(run_id, client)
        finally:
            client.close()


def note_engine_run(run_id: str) -> None:
    """Notes, in the current run's folder (if a `RunFootprint` is open), a docker run id whose containers
    and volumes the reaper removes should this run be killed."""
    folder = current_folder()
    if folder is not None:
        notes = folder / ENGINE_NOTES
        notes.mkdir(exist_ok=True)
        (notes / run_id).touch()


def current_marker() -> str | None:
    """The marker of the run this process belongs to (`RUN_ENV`), if any."""
    return os.environ.get(RUN_ENV)


def current_folder() -> Path | None:
    """The folder of the run this process owns, if it opened a `RunFootprint`."""
    marker = current_marker()
    owner = Owner.from_marker(marker) if marker else None
    if owner is None or owner.pid != os.getpid():
        return None
    folder = Path(tempfile.gettempdir())
    return folder if folder.name == FOLDER_PREFIX + owner.run_id else None


class RunFootprint:
    """The run's folder and marker (see the module docstring), as a context manager; `end` is safe to
    call more than once, also from another thread (a watchdog) while the run still goes."""

    def __init__(self, base: Path | None = None) -> None:
        self.base = base or Path(tempfile.gettempdir())
        started = start_time(os.getpid()) or "0"
        self.owner = Owner(uuid.uuid4().hex[:12], socket.gethostname(), os.getpid(), started)
        self.folder = self.base / (FOLDER_PREFIX + self.owner.run_id)
        self.reaped = Reaped(0, 0, ())
        """What the start reaped of dead runs."""
        self._saved: tuple[str | None, str | None, str | None] = (None, None, None)

    def __enter__(self) -> RunFootprint:
        self.reaped = reap_dead_runs(self.base)
        self.folder.mkdir(mode=0o700)
        owner = {"run_id": self.owner.run_id, "host": self.owner.host, "pid": self.owner.pid,
                 "started": self.owner.started}
        (self.folder / OWNER_FILE).write_text(json.dumps(owner))
        self._saved = (os.environ.get(RUN_ENV), os.environ.get("TMPDIR"), tempfile.tempdir)
        os.environ[RUN_ENV] = self.owner.marker
        os.environ["TMPDIR"] = str(self.folder)
        tempfile.tempdir = str(self.folder)
        return self

    def __exit__(self, *exc: object) -> None:
        self.end()
        marker, tmpdir, tempdir = self._saved
        for name, value in ((RUN_ENV, marker), ("TMPDIR", tmpdir)):
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        tempfile.tempdir = tempdir

    def stop_processes(self) -> int:
        """Kills every process of the run: those carrying its marker (everything the harness starts
        inherits it) and all below them (one that dropped its environment); the harness stays, and so
        do other children of a process that runs the harness in-process (a test)."""
        def targets() -> list[int]:
            marked = processes_of(self.owner.run_id)
            return sorted({*marked, *descendants(*marked)})

        return kill_until_gone(targets)

    def end(self) -> None:
        """Kills the run's processes and removes its folder and the containers and volumes of its noted
        docker runs (already removed by their executor, unless it could not)."""
        self.stop_processes()
        if self.folder.is_dir() and (engine_runs := _engine_runs(self.folder)):
            _reap_engine_runs(engine_runs)
        shutil.rmtree(self.folder, ignore_errors=True)
