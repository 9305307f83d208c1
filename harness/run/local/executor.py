"""The local executor: each snippet is a process on this machine, the mock a thread of the harness."""

from __future__ import annotations

import socket
import tempfile
from dataclasses import replace
from pathlib import Path

from harness.errors import HarnessError
from harness.mock.server import MockConfig, MockServer
from harness.model import RecordedRequest
from harness.route import Route
from harness.run.base import Launch, Outcome, Runner
from harness.run.common import OUTPUT_LIMIT
from harness.run.executor_kind import ExecutorKind, ExecutorSettings
from harness.run.local.node_spares import SPARES, NodeSpares
from harness.run.local.process import run_process
from harness.run.local.warm_worker import WarmWorkers

MOCK_GONE = "the mock stopped during the run: the snippet's requests had no answer (harness fault)"


class LocalExecutor:
    """Runs snippets as local processes against an in-process mock on 127.0.0.1."""

    name = "local"

    def __init__(self, runners_dir: Path, config: MockConfig | None = None,
                 output_limit: int = OUTPUT_LIMIT, warm_workers: bool = False, node_spares: int = SPARES) -> None:
        """`warm_workers`: Worker snippets run on warm servers (one workerd for many snippets, a fresh
        isolate each; see `harness.run.local.warm_worker`) instead of one Miniflare process each.
        `node_spares`: Node processes started ahead, each to run one Node snippet
        (`harness.run.local.node_spares`); 0 starts every Node snippet's process at its turn."""
        self.runners_dir = runners_dir
        self._config = config or MockConfig()
        self._output_limit = output_limit
        self._mock: MockServer | None = None
        self._warm: WarmWorkers | None = None
        self.node_spares = NodeSpares(runners_dir, output_limit, node_spares)
        if warm_workers:
            self._warm = WarmWorkers(runners_dir)

    def __enter__(self) -> LocalExecutor:
        try:
            self._mock = MockServer(self._config).__enter__()
        except Exception as error:  # any start-up failure is the harness's, not a snippet's
            raise HarnessError(f"the Workers AI mock did not start: {error}") from error
        return self

    def __exit__(self, *exc: object) -> None:
        self.node_spares.close()
        if self._warm is not None:
            self._warm.close()
        if self._mock is not None:
            self._mock.__exit__(None, None, None)
            self._mock = None

    @property
    def mock(self) -> MockServer:
        if self._mock is None:
            raise HarnessError("the local executor is not started (use it as a context manager)")
        return self._mock

    def route(self, snippet_id: str) -> Route:
        return self.mock.route(snippet_id)

    def execute(self, runner: Runner, launch: Launch, timeout_s: float) -> Outcome:
        """Runs `launch` in a fresh temp dir. What is not the snippet's doing is its infrastructure error:
        a mock that is not running (before) or stopped (during), or a temp dir that cannot be laid out
        (a full disk)."""
        if not self._mock_answers():
            return Outcome(None, "", "", 0.0, infra_error=MOCK_GONE)
        try:
            with tempfile.TemporaryDirectory(prefix=f"harness-{runner.name}-") as tmp:
                if self._warm is not None and runner.warm_server and self._warm.serves(launch):
                    outcome = self._warm.execute(launch, Path(tmp), timeout_s, self._output_limit)
                elif self.node_spares.serves(launch):
                    outcome = self.node_spares.execute(launch, Path(tmp), timeout_s)
                else:
                    outcome = run_process(launch, Path(tmp), timeout_s, self._output_limit)
        except OSError as error:
            return Outcome(None, "", "", 0.0, infra_error=f"cannot lay out the snippet's work dir: {error}")
        if not self._mock_answers():
            return replace(outcome, infra_error=MOCK_GONE)
        return outcome

    def _mock_answers(self) -> bool:
        """Whether the mock still accepts connections (a probe of its proxy port; a dead mock refuses)."""
        mock = self.mock
        try:
            socket.create_connection((mock.host, mock.proxy_port or 0), timeout=2).close()
        except OSError:
            return False
        return True

    def requests_of(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        return self.mock.journal.for_snippet(snippet_id)

    def take_requests(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        """`requests_of`, and the mock forgets them (see `Executor.take_requests`)."""
        return self.mock.journal.take(snippet_id)


def make_local(settings: ExecutorSettings) -> LocalExecutor:
    return LocalExecutor(settings.runners_dir, settings.mock, warm_workers=settings.warm_workers)


LOCAL = ExecutorKind("local", make_local)
