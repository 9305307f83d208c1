"""After a SIGKILL the next `harness run` reaps what the killed one left (its processes and its folder),
and only that: a run that is still going keeps everything of its own."""

from __future__ import annotations

import signal
from collections.abc import Callable

from signals.watch import AFTER, ALL, Watched, leftovers, nothing_left, processes_naming


def test_the_next_run_reaps_what_a_killed_run_left(harness_run: Callable[..., Watched]) -> None:
    killed = harness_run(ALL, "local", name="killed")
    killed.wait_for("[5/8]")
    killed.wait_in_flight("harness-python-")
    killed.send(signal.SIGKILL)
    killed.end(10)
    left = leftovers(killed)
    assert left["processes"] and any(name.startswith("harness-run-") for name in left["files"]), left

    following = harness_run(AFTER, "local", name="next", tmp=killed.tmp)  # the next CI job on this machine
    code, _ = following.end(60)
    assert code == 0, following.stderr()
    nothing_left(killed)


def test_two_runs_at_once_leave_each_other_alone(harness_run: Callable[..., Watched]) -> None:
    slow = harness_run(ALL, "local", name="slow")
    slow.wait_for("[5/8]")
    slow.wait_in_flight("harness-python-")
    before = set(processes_naming(slow.tmp))
    quick = harness_run(AFTER, "local", name="quick", tmp=slow.tmp)  # same machine, same temp dir
    code, _ = quick.end(60)
    assert code == 0, quick.stderr()
    assert slow.proc.poll() is None, slow.stderr()
    assert before <= set(processes_naming(slow.tmp)), "the second run killed processes of the first"
    assert len(list(slow.tmp.glob("harness-run-*"))) == 1  # the first run's folder; the second removed its own
    slow.send(signal.SIGTERM)
    code, _ = slow.end(15)
    assert code == 143, slow.stderr()
    assert all(status == ("passed", "") if "b-slow.md" not in sid else status[0] == "skipped"
               for sid, status in slow.statuses().items()), slow.statuses()
    nothing_left(slow)
