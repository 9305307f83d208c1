"""Reaping, unit by unit: what belongs to a dead run goes, what belongs to a live one stays, and a pid
that was reused by another process does not make a dead run look alive."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.run.lifecycle import OWNER_FILE, RUN_ENV, Owner, RunFootprint, marker_of, reap_dead_runs, start_time
from harness.run.local.process import base_env


def _owner(run_id: str, pid: int, started: str) -> Owner:
    return Owner(run_id, os.uname().nodename, pid, started)


def _folder(base: Path, owner: Owner) -> Path:
    folder = base / f"harness-run-{owner.run_id}"
    folder.mkdir()
    (folder / OWNER_FILE).write_text(json.dumps({"run_id": owner.run_id, "host": owner.host, "pid": owner.pid,
                                                 "started": owner.started}))
    return folder


@pytest.fixture
def sleepers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        proc.kill()
        proc.wait()


def _sleeper(marker: str, sleepers: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(["sleep", "60"], env={**os.environ, RUN_ENV: marker}, start_new_session=True)
    sleepers.append(proc)
    return proc


def test_a_dead_runs_processes_and_folder_go_and_a_live_runs_stay(
        tmp_path: Path, sleepers: list[subprocess.Popen[bytes]]) -> None:
    me = start_time(os.getpid())
    assert me is not None
    dead = _owner("deadrun00001", os.getpid(), "1")  # our pid, another start time: a reused pid
    live = _owner("liverun00001", os.getpid(), me)
    dead_folder, live_folder = _folder(tmp_path, dead), _folder(tmp_path, live)
    orphan, kept = _sleeper(dead.marker, sleepers), _sleeper(live.marker, sleepers)

    reaped = reap_dead_runs(tmp_path)

    assert orphan.wait(5) == -9
    assert kept.poll() is None
    assert not dead_folder.exists() and live_folder.exists()
    assert reaped.folders == 1 and reaped.processes >= 1


def test_a_folder_being_made_right_now_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "harness-run-startingnow1").mkdir()  # no owner.json yet: a run is starting
    assert reap_dead_runs(tmp_path).folders == 0
    assert (tmp_path / "harness-run-startingnow1").is_dir()


def test_a_footprint_marks_what_it_starts_and_ends_it(tmp_path: Path) -> None:
    with RunFootprint(tmp_path) as footprint:
        assert os.environ[RUN_ENV] == footprint.owner.marker
        # started as the executors start one: the marker given in its environment (`base_env`)
        child = subprocess.Popen(["sleep", "60"], start_new_session=True, env=base_env(footprint.folder))
        assert footprint.folder.is_dir()
        carried = marker_of(child.pid)
    try:
        assert child.wait(5) == -9
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail(f"not ended; it carried {carried!r}, the run's marker is {footprint.owner.marker!r}")
    assert not footprint.folder.exists()
    assert RUN_ENV not in os.environ
