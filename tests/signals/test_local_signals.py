"""SIGINT and SIGTERM to `harness run` with the executors that run snippets on this machine, at several
points of a run: every process ends, the temp dir is empty, the reports say what finished and mark the
rest "not run: interrupted", and the exit code names the signal."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import pytest

from signals.watch import ALL, QUICK, WORKER, Watched, every_report_written, nothing_left

INTERRUPTED = ("skipped", "not run: interrupted")
SLOW_S = 20.0
"""How long each slow snippet would take: a run stopped in flight ends well before."""


def _wait_quick_ones(run: Watched) -> None:
    """Until the five quick snippets have run (the slow ones take 20 s) and the slow Python one runs."""
    run.wait_for("[5/8]")
    run.wait_in_flight("harness-python-")


def _quick_ones_passed(run: Watched) -> None:
    statuses = run.statuses()
    assert all(status == ("passed", "") if "b-slow.md" not in sid else status == INTERRUPTED
               for sid, status in statuses.items()), statuses
    assert run.report()["summary"]["skipped"] == 3


def test_sigint_while_the_harness_loads_is_held_and_still_gives_every_report(
        harness_run: Callable[..., Watched]) -> None:
    run = harness_run(ALL, "local")
    time.sleep(0.5)  # the interpreter is up; the harness's imports take a second or more
    run.send(signal.SIGINT)
    code, _ = run.end(60)
    assert code == 130, run.stderr()
    assert set(run.statuses().values()) == {INTERRUPTED}
    every_report_written(run)
    nothing_left(run)


def test_sigterm_during_extraction_runs_nothing_and_reports_everything_as_interrupted(
        harness_run: Callable[..., Watched]) -> None:
    run = harness_run(ALL, "local")
    run.wait_started()
    run.send(signal.SIGTERM)
    code, took = run.end(30)
    assert code == 143, run.stderr()
    assert set(run.statuses().values()) == {INTERRUPTED}
    assert run.report()["summary"]["skipped"] == 8
    every_report_written(run)
    nothing_left(run)


@pytest.mark.parametrize(("executor", "signum", "code"), [
    ("local", signal.SIGINT, 130),
    ("local", signal.SIGTERM, 143),
    ("inprocess", signal.SIGTERM, 143),
])
def test_a_signal_with_snippets_in_flight_stops_them_and_reports_what_finished(
        harness_run: Callable[..., Watched], executor: str, signum: int, code: int) -> None:
    run = harness_run(ALL, executor)
    _wait_quick_ones(run)
    run.send(signum)
    exit_code, took = run.end(15)
    assert exit_code == code, run.stderr()
    assert took < SLOW_S / 2
    _quick_ones_passed(run)
    assert "not run: interrupted" in (run.out / "report.md").read_text()
    every_report_written(run)
    nothing_left(run)


def test_warm_worker_servers_and_workerd_end_with_the_run(harness_run: Callable[..., Watched]) -> None:
    run = harness_run(WORKER, "local")  # the Worker runs on a warm server (workerd)
    run.wait_in_flight("workerd")
    run.send(signal.SIGTERM)
    exit_code, _ = run.end(15)
    assert exit_code == 143, run.stderr()
    assert set(run.statuses().values()) == {INTERRUPTED}
    nothing_left(run)


def test_a_second_signal_while_cleaning_up_still_leaves_nothing(harness_run: Callable[..., Watched]) -> None:
    run = harness_run(ALL, "local")
    _wait_quick_ones(run)
    run.send(signal.SIGTERM)
    time.sleep(0.05)  # sent together, the kernel would deliver SIGINT (the lower number) first
    run.send(signal.SIGINT)
    exit_code, took = run.end(15)
    assert exit_code == 143, run.stderr()  # the first signal names the exit
    assert took < SLOW_S / 2
    _quick_ones_passed(run)
    nothing_left(run)


def test_a_signal_while_the_reports_are_written_keeps_every_result(harness_run: Callable[..., Watched]) -> None:
    run = harness_run(QUICK, "local")
    run.wait_for("[5/5]")  # every snippet has run: the run judges and writes its reports
    run.send(signal.SIGINT)
    exit_code, _ = run.end(15)
    assert exit_code == 130, run.stderr()
    assert all(status == ("passed", "") for status in run.statuses().values()), run.statuses()
    every_report_written(run)
    nothing_left(run)
