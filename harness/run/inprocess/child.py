"""The warm interpreter of the `inprocess` executor, which forks the snippets (each then runs as `script` says).

Started once per run with the Python runner's own interpreter (so snippets import the runner's
pinned `requests` and `httpx`); the harness's packages come after the runner's on `sys.path`. It
routes both clients to the in-process mock, answers rounds of requests through each so the lazy
imports are done and the bytecode on their path specialized (`warm_up`), freezes the heap (the
collector off until each child), then forks one child per snippet (ahead of time: see `Zygote`).
Single-threaded, so forking is safe.

Protocol, one JSON object a line. Out on the original stdout: `{"ready": true}` once, then
`{"spare": pid, "fifo": path}` from each spare once it is warm and waits on its named pipe; `{"pid":
pid, "exit": code, "journal": {...}}` from a child as it ends and `{"pid": pid, "exit": code}` from
the zygote when it reaps any child (a negative code: killed by that signal); the first `exit` of a
child is its status. In: one line into a spare's named pipe, its job `{"snippet": key, "argv":
[script, ...], "workdir": dir, "meta": prefix, "env": {...}}`; the zygote's stdin only says by its
end that the run is over. The child writes `<meta>.stdout` and `<meta>.stderr`, and its journal
(its requests, as `entry_to_dict`) to `<meta>.journal.json` when it does not come with its exit
report; never into the snippet's work dir.
"""

from __future__ import annotations

import contextlib
import gc
import io
import itertools
import json
import os
import select
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Any

from harness.mock.inprocess import InProcessMock, config_from_json
from harness.mock.journal import entry_to_dict
from harness.run.inprocess.clients import routed_to
from harness.run.inprocess.script import child, send_exit, stream_identity

WARM_MODEL = "@cf/meta/llama-3-8b-instruct"
WARM_ROUNDS = 20
"""Rounds of requests through each client in the zygote before it forks (see `warm_up`)."""
WARM_BUDGET_S = 0.5
"""At most this long spent on rounds after the first."""
SPARES = 8
"""Children forked ahead. A spare takes a fork and a warm request (about 8 ms of CPU) before it can take a
job, 30-45 ms on a busy 2-core machine, about three snippets' time: with 4, a Python-only run at -j 1 had
one ready at a hand-over (median) and one snippet in 7-10 waited for one (up to 35 ms); with 8, one in
50-100. Each ready spare holds about 5 MB of its own (the pages its warm request copied)."""


WARM_ENV = {"HTTPS_PROXY": "http://warm:x@127.0.0.1:9", "HTTP_PROXY": "http://warm:x@127.0.0.1:9", "NO_PROXY": ""}
"""What a snippet's environment routes through (`proxy_env`), so that warming takes the same paths."""


def warm_request(mock: InProcessMock, client: str = "requests") -> None:
    """One call of a model as a docs snippet makes it (authenticated, a valid body, the answer read
    as JSON), through `client`, already routed to `mock`; the journal left empty. No snippet is
    claimed, so only a scenario for every page and tab applies (its latency delays the warming)."""
    url = f"https://api.cloudflare.com/client/v4/accounts/{mock.config.account_id}/ai/run/{WARM_MODEL}"
    headers = {"Authorization": f"Bearer {mock.config.api_token}"}
    body = {"messages": [{"role": "system", "content": "warm"}, {"role": "user", "content": "warm"}]}
    if client == "httpx":
        import httpx

        answer: Any = httpx.post(url, headers=headers, json=body)
    else:
        import requests

        answer = requests.post(url, headers=headers, json=body, timeout=10)
    print(answer.status_code, answer.json(), file=io.StringIO())
    json.dumps([entry_to_dict(entry) for entry in mock.journal.all()])  # as a child's exit report does
    mock.journal.clear()


def warm_up(mock: InProcessMock, rounds: int = WARM_ROUNDS, budget_s: float = WARM_BUDGET_S) -> None:
    """Requests through each client, so that nothing is imported lazily later: one round at least, then
    more until `rounds` or `budget_s` is spent (a scenario's latency spends it). Repeated so that the
    interpreter specializes the bytecode on that path (3.11's quickening, after some calls) here, once:
    each child then runs it specialized (about a third less CPU a request) instead of specializing,
    and writing over, its own copy-on-write copy of it."""
    deadline = time.monotonic() + budget_s
    for done in range(max(1, rounds)):
        if done and time.monotonic() > deadline:
            return
        warm_request(mock, "requests")
        warm_request(mock, "httpx")


@dataclass
class _Child:
    pid: int
    fifo: str
    """The named pipe its job comes through (removed when the child is reaped)."""
    taken_fd: int
    """Ends (EOF) when the child has its job or is gone; -1 once seen."""


class Zygote:
    """Forks children ahead of time and reaps them; the jobs go from the executor straight to them.

    It keeps `spares` children that have no job yet, each the leader of a session of its own (as a local
    snippet's process is): the scheduler then weighs a woken spare as a group of its own (autogroups),
    not behind the zygote and the spares warming beside it, which on a busy machine cut the wait between
    a job's hand-over and its start from ~10-30 ms to ~0.2-4 ms. Each warms itself with one request as a
    snippet makes it (making its own event loop and copying the memory pages that touches), opens its
    named pipe under `jobs_dir` and says so on the protocol stream (`{"spare": pid, "fifo": path}`); the
    executor writes one job into the pipe of a spare it was told of. Neither the fork nor the zygote is
    on a job's way, and a job never pays for those first touches. A spare is forked anew when a child
    that had a job has been reaped (its job's end, not its start: a fork slows what runs beside it). A
    child reports its own exit status (and its journal, when short) on the protocol stream before it
    exits (one write of at most `PIPE_BUF`, so whole: `send_exit`); the zygote reports every child it
    reaps (`{"pid": pid, "exit": code}`), which is the only report of a child killed before it could
    (the executor keeps the first report of a child).
    """

    def __init__(self, mock: InProcessMock, search_path: list[str], out_fd: int, jobs_dir: str,
                 spares: int = SPARES) -> None:
        self.mock, self.search_path, self.out_fd, self.jobs_dir = mock, search_path, out_fd, jobs_dir
        self.spares = spares
        self.children: dict[int, _Child] = {}
        """pidfd -> child"""
        self._numbers = itertools.count(1)
        self.lifeline, self._lifeline_end = os.pipe()
        """Its write end is the zygote's only: a spare reads its end when the zygote is gone."""

    def send(self, message: dict[str, Any]) -> None:
        report(self.out_fd, message)

    def fork_spare(self) -> None:
        fifo = os.path.join(self.jobs_dir, f"spare-{os.getpid()}-{next(self._numbers)}")
        os.mkfifo(fifo, 0o600)
        taken_read, taken_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(taken_read)
            self._become_child(fifo, taken_write)
        os.close(taken_write)
        self.children[os.pidfd_open(pid)] = _Child(pid, fifo, taken_read)

    def _become_child(self, fifo: str, taken_fd: int) -> None:
        status = 70
        try:
            gc.enable()  # off in the zygote (see `main`): a snippet's interpreter collects as any does
            os.setsid()  # a session (so an autogroup of the scheduler's) of its own, as a local snippet's
            for fd in [self._lifeline_end, *self.children,
                       *(c.taken_fd for c in self.children.values() if c.taken_fd >= 0)]:
                os.close(fd)
            protocol = stream_identity(self.out_fd)
            os.environ.update(WARM_ENV)
            warm_request(self.mock)
            line = wait_for_job(fifo, self.out_fd, self.lifeline)
            os.close(self.lifeline)
            if not line:
                status = 0
                return
            job = json.loads(line)
            os.close(taken_fd)
            status, journal = child(job, self.mock, self.search_path)
            send_exit(self.out_fd, protocol, status, journal, job["meta"])
        except BaseException:  # a fault of the harness in the child: on its stderr (or the zygote's log)
            traceback.print_exc()
        finally:
            os._exit(status)

    def top_up(self) -> None:
        while sum(1 for c in self.children.values() if c.taken_fd >= 0) < self.spares:
            self.fork_spare()

    def taken(self, fd: int) -> None:
        os.close(fd)
        for spare in self.children.values():
            if spare.taken_fd == fd:
                spare.taken_fd = -1

    def reap(self, pidfd: int) -> None:
        gone = self.children.pop(pidfd)
        os.close(pidfd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(gone.fifo)
        _, status = os.waitpid(gone.pid, 0)
        self.send({"pid": gone.pid, "exit": os.waitstatus_to_exitcode(status)})
        if gone.taken_fd >= 0:  # a spare that died before its job (its fault is in the log)
            os.close(gone.taken_fd)
        self.top_up()

    def serve(self) -> None:
        """Until the executor closes the zygote's stdin."""
        self.top_up()
        while True:
            taken = [c.taken_fd for c in self.children.values() if c.taken_fd >= 0]
            ready, _, _ = select.select([0, *self.children, *taken], [], [])
            ended = [fd for fd in ready if fd in self.children]  # sorted out before any fd is closed or made
            for fd in ready:
                if fd in taken:
                    self.taken(fd)
            for fd in ended:
                self.reap(fd)
            if 0 in ready and not os.read(0, 1 << 16):
                return

    def stop(self) -> None:
        """Removes the spares' pipes; the spares leave as the zygote's end of the lifeline closes."""
        os.close(self._lifeline_end)
        for spare in self.children.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(spare.fifo)


def wait_for_job(fifo: str, out_fd: int, lifeline: int) -> bytes:
    """In a spare: opens its pipe (read and write, so that it never reads an end), says so, and
    reads the one line the executor writes there; empty when the zygote is gone first (`lifeline`)."""
    jobs = os.open(fifo, os.O_RDWR)
    report(out_fd, {"spare": os.getpid(), "fifo": fifo})
    ready, _, _ = select.select([jobs, lifeline], [], [])
    data = b""
    while jobs in ready and not data.endswith(b"\n"):
        data += os.read(jobs, 1 << 16)
    os.close(jobs)
    return data


def report(out_fd: int, message: dict[str, Any]) -> None:
    """One protocol message, in one write (short, so never interleaved with another process's)."""
    os.write(out_fd, (json.dumps(message) + "\n").encode())


def main(config: str, jobs_dir: str, extra_paths: list[str]) -> None:
    """Entry point: the mock is built from `config` (`config_to_json`); the spares' named pipes go
    in `jobs_dir`; `extra_paths` (the harness's packages) were appended to `sys.path` by the caller,
    who also turned the cyclic garbage collector off first thing: it stays off in the zygote, and the
    heap is frozen as it is before the first fork, so that the children's writes copy fewer pages and
    their allocations do not land in holes a collection left all over the shared pages (fork, a
    request and the snippet cost about a fifth less CPU in each child)."""
    search_path = [p for p in sys.path if p not in extra_paths]
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # stray prints never reach the protocol stream
    mock = InProcessMock(config_from_json(config))
    routing = routed_to(mock)  # entered for the zygote's life (kept referenced): every child is born routed
    routing.__enter__()
    warm_up(mock)
    mock.close()  # its event loop is not for children
    gc.freeze()  # with the collector off since the boot (no freed holes in the heap), as the gc docs advise
    zygote = Zygote(mock, search_path, out_fd, jobs_dir)
    zygote.send({"ready": True})
    try:
        zygote.serve()
    finally:
        zygote.stop()
