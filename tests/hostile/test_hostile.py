"""The hostile suite: each page of `fixtures/hostile` attacks the sandbox one way; under
`--executor docker` each must be contained (the run ends in time, the host is untouched, nothing is
left running) and reported with its own finding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import RUN_BOUND_S, SECRET_FILE, HostileRun

pytestmark = pytest.mark.docker

GRACE_S = 3.0
"""How far past its own timeout a killed snippet's duration may go."""


def _bounded(run: HostileRun, page: str, timeout_s: float) -> None:
    snippet = run.snippet(page)
    assert snippet["timed_out"] and snippet["exit_code"] is None, snippet
    assert timeout_s <= snippet["duration_s"] <= timeout_s + GRACE_S
    assert run.rules(page) == ["RUN002"]


def _message(run: HostileRun, page: str, rule: str) -> str:
    [message] = [f["message"] for f in run.snippet(page)["findings"] if f["rule"] == rule]
    assert message.startswith(f"fixtures/hostile/{page}:")
    return str(message)


def test_the_run_ends_in_time_and_leaves_nothing(hostile_run: HostileRun) -> None:
    assert hostile_run.returncode == 1  # error findings, not a harness failure (2)
    assert hostile_run.wall_s < RUN_BOUND_S
    assert hostile_run.report["summary"]["error"] == 0  # no snippet became a harness error
    assert hostile_run.report["summary"]["snippets"] == 14
    assert hostile_run.containers_left == [] and hostile_run.volumes_left == []
    assert hostile_run.processes_left == []


def test_endless_loop_is_killed_at_its_timeout(hostile_run: HostileRun) -> None:
    _bounded(hostile_run, "endless-loop.md", 4)


def test_a_process_ignoring_sigterm_is_killed_at_its_timeout(hostile_run: HostileRun) -> None:
    _bounded(hostile_run, "ignores-sigterm.md", 4)
    assert hostile_run.snippet("ignores-sigterm.md")["stdout"] == "ignoring SIGTERM\n"


def test_output_without_newline_is_kept_and_cut_at_the_timeout(hostile_run: HostileRun) -> None:
    _bounded(hostile_run, "no-newline.md", 5)
    stdout = hostile_run.snippet("no-newline.md")["stdout"]
    assert re.fullmatch(r"\.{50,}", stdout), stdout[:80]  # the unterminated line is kept, not lost


def test_a_worker_looping_in_wait_until_is_killed_at_its_timeout(hostile_run: HostileRun) -> None:
    _bounded(hostile_run, "worker-waituntil.md", 8)


def test_three_gigabytes_stop_at_the_memory_limit(hostile_run: HostileRun) -> None:
    snippet = hostile_run.snippet("memory-3gb.md")
    held = [int(mb) for mb in re.findall(r"holding (\d+) MB", snippet["stdout"])]
    assert held and max(held) <= 1024 and "got all 3 GB" not in snippet["stdout"]
    assert snippet["exit_code"] == 137 and not snippet["timed_out"]  # SIGKILL by the cgroup's OOM killer
    assert hostile_run.rules("memory-3gb.md") == ["RUN001", "RUN006"]
    assert "ran out of memory: killed by SIGKILL (exit 137)" in _message(hostile_run, "memory-3gb.md", "RUN006")
    # the host never lent the run 3 GB (the limit is 1 GB a container, 3 at a time)
    drop_kb = hostile_run.watch.start_available_kb - hostile_run.watch.min_available_kb
    assert drop_kb < 6 * 1024 * 1024


def test_node_oom_ends_the_snippet(hostile_run: HostileRun) -> None:
    snippet = hostile_run.snippet("node-oom.md")
    assert snippet["exit_code"] in (134, 137) and not snippet["timed_out"]
    assert hostile_run.rules("node-oom.md") == ["RUN001", "RUN006"]
    assert "ran out of memory: " in _message(hostile_run, "node-oom.md", "RUN006")


def test_100_mb_of_output_is_cut_at_1_mb(hostile_run: HostileRun) -> None:
    snippet = hostile_run.snippet("output-100mb.md")
    assert len(snippet["stdout"]) == 1_000_000
    assert snippet["exit_code"] == 0 and "all 100 MB written" in snippet["stderr"]
    assert hostile_run.rules("output-100mb.md") == ["RUN004"]


def test_writes_outside_the_work_dir_are_refused(hostile_run: HostileRun) -> None:
    snippet = hostile_run.snippet("write-outside.md")
    assert "WROTE" not in snippet["stdout"] and snippet["stdout"].count("refused ") == 6
    assert "work dir writable" in snippet["stdout"]
    assert "Read-only file system" in snippet["stderr"]
    assert not Path("/etc/harness-hostile").exists() and not Path("/harness-hostile").exists()


def test_the_hosts_loopback_is_out_of_reach(hostile_run: HostileRun) -> None:
    snippet = hostile_run.snippet("host-loopback.md")
    assert hostile_run.watch.knocks == []
    assert "CONNECTED" not in snippet["stdout"] and snippet["stdout"].count("refused ") == 5


def test_a_leftover_daemon_dies_with_its_container(hostile_run: HostileRun) -> None:
    snippet = hostile_run.snippet("leftover-daemon.md")
    assert snippet["stdout"] == "daemons started\n" and snippet["exit_code"] == 0
    assert snippet["duration_s"] < 5  # the run does not wait for the daemons
    assert hostile_run.processes_left == []


def test_the_hosts_files_are_not_read(hostile_run: HostileRun) -> None:
    stdout = hostile_run.snippet("read-host-files.md")["stdout"]
    assert hostile_run.secret not in stdout and f"no {SECRET_FILE}" in stdout
    assert "no /var/run/docker.sock" in stdout and "no /root/.ssh/id_rsa" in stdout
    assert stdout.rstrip().endswith("\n0")  # /harness holds the CA's certificate, no private key
    assert "PRIVATE KEY" not in stdout


def test_a_fork_bomb_is_held_by_the_pids_limit(hostile_run: HostileRun) -> None:
    snippet = hostile_run.snippet("fork-bomb.md")
    assert snippet["status"] != "skipped", "the fork bomb must run"
    assert "Resource temporarily unavailable" in snippet["stderr"]  # fork refused at the pids limit
    assert snippet["duration_s"] <= 8 + GRACE_S  # exit 0 after its sleep, or killed at its timeout
    rules = hostile_run.rules("fork-bomb.md")
    assert "RUN006" in rules and set(rules) <= {"RUN002", "RUN006"}
    assert "ran out of processes" in _message(hostile_run, "fork-bomb.md", "RUN006")
    assert hostile_run.containers_left == []


def test_a_disk_filler_is_stopped_in_tmp_and_in_its_work_dir(hostile_run: HostileRun) -> None:
    snippet = hostile_run.snippet("disk-filler.md")
    stdout = snippet["stdout"]
    assert "tmp refused more" in stdout and "No space left on device" in snippet["stderr"]
    [tmp_mb] = re.findall(r"tmp holds (\d+) MB", stdout)
    assert int(tmp_mb) <= 64
    assert hostile_run.rules("disk-filler.md") == ["RUN006"]
    assert "ran out of disk space" in _message(hostile_run, "disk-filler.md", "RUN006")
    # the work volume is capped by the engine (Limits.work_size, 512 MB): the 2 GB write is refused there
    assert "work dir refused more" in stdout
    [work_mb] = re.findall(r"work dir holds (\d+) MB", stdout)
    assert int(work_mb) <= 512
    assert hostile_run.volumes_left == []


def test_a_snippet_closing_stdout_and_stderr_is_still_heard(hostile_run: HostileRun) -> None:
    snippet = hostile_run.snippet("closes-stdio.md")
    assert snippet["stdout"] == "before closing\n" and snippet["exit_code"] == 3
    assert len(snippet["requests"]) == 1 and snippet["requests"][0]["json"] == {"prompt": "closed"}
    assert hostile_run.rules("closes-stdio.md") == ["RUN001"]
