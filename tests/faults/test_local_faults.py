"""Faults of the machine, not of the snippet, under the local executor: the affected snippet is an
`error` that names the cause, those before it are unaffected, and nothing waits past its timeout."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from faults.conftest import ROOT, TIMEOUT_S, jobs, run
from harness.model import Status
from harness.pipeline import plan, run_job
from harness.run.lifecycle import descendants
from harness.run.local.executor import LocalExecutor
from harness.run.registry import default_runners_dir, runners

WORKER_PAGE = ROOT / "fixtures" / "faults" / "worker.md"


def test_the_mock_dying_mid_run_is_an_error_of_the_snippets_it_left_without_answers() -> None:
    first, late, printing = jobs()
    with LocalExecutor(default_runners_dir()) as executor:
        assert run(first, executor).status is Status.PASSED
        threading.Timer(1.0, executor.mock.__exit__, (None, None, None)).start()  # during `late`'s sleep
        started = time.monotonic()
        during = run(late, executor)
        after = run(printing, executor)
    assert time.monotonic() - started < TIMEOUT_S
    assert during.status is Status.ERROR and "the mock stopped" in during.reason, during
    assert after.status is Status.ERROR and "the mock stopped" in after.reason, after


@pytest.fixture
def small_tmp(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs made the temp dir of this process (root only, as CI's `make setup` is)."""
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], check=True)
    saved, tempfile.tempdir = tempfile.tempdir, str(mount)
    try:
        yield mount
    finally:
        tempfile.tempdir = saved
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_temp_dir_is_an_error_not_the_snippets_failure(small_tmp: Path) -> None:
    first, _, printing = jobs()
    with LocalExecutor(default_runners_dir()) as executor:
        assert run(printing, executor).status is Status.PASSED
        filler = small_tmp / "filler"
        with filler.open("wb") as handle, pytest.raises(OSError):
            while True:
                handle.write(b"x" * 65536)
                handle.flush()
        full = run(first, executor)
        filler.unlink()
        again = run(first, executor)
    assert full.status is Status.ERROR and "No space left on device" in full.reason, full
    assert again.status is Status.PASSED, again


def _serve_processes() -> list[int]:
    """This test's warm Worker servers (`serve.mjs` below this process)."""
    return [pid for pid in descendants(os.getpid())
            if b"serve.mjs" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def test_a_warm_server_that_stops_answering_is_an_error_and_the_next_snippet_gets_a_fresh_one() -> None:
    worker = plan([str(WORKER_PAGE)]).jobs[0]
    runner = runners(default_runners_dir())[worker.runner]
    with LocalExecutor(default_runners_dir(), warm_workers=True) as executor:
        assert run_job(worker, executor, runner, 10).status is Status.PASSED
        (server,) = _serve_processes()
        os.kill(server, signal.SIGSTOP)
        started = time.monotonic()
        hung = run_job(worker, executor, runner, 3)
        waited = time.monotonic() - started
        again = run_job(worker, executor, runner, 10)
    assert hung.status is Status.ERROR and "stopped answering: its process is stopped" in hung.reason, hung
    assert waited < 3 + 5  # its timeout, and the server's stop
    assert again.status is Status.PASSED, again
    assert server not in _serve_processes()
