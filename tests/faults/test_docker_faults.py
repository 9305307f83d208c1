"""Faults of the engine, not of the snippet, under the docker executor: the mock sidecar dies, an image
vanishes, the engine goes away. The affected snippet is an `error` naming the cause, those before it are
unaffected, and nothing waits past its timeout. The shared engine itself is never stopped: the engine
"goes away" behind a relay of its socket that the test closes."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from docker import DockerClient
from run.docker_support import engine_client  # tests/ is the root of the test packages

from faults.conftest import TIMEOUT_S, jobs, run
from harness.model import Status
from harness.run.docker.engine import reap
from harness.run.docker.executor import DockerExecutor
from harness.run.docker.images import image_for

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def engine() -> Iterator[DockerClient]:
    yield from engine_client()


def test_the_sidecar_dying_mid_run_is_an_error_of_the_snippets_it_left_without_answers(
        engine: DockerClient) -> None:
    first, late, printing = jobs()
    with DockerExecutor() as executor:
        assert run(first, executor).status is Status.PASSED
        sidecar = engine.containers.list(filters={"label": [f"org.harness.run={executor.labels.run_id}",
                                                            "org.harness.role=mock"]})[0]
        threading.Timer(1.5, sidecar.kill).start()  # during `late`'s sleep
        started = time.monotonic()
        during = run(late, executor)
        after = run(printing, executor)
        assert time.monotonic() - started < TIMEOUT_S
        with contextlib.suppress(Exception):  # leaving says the sidecar died: that is the point
            executor.__exit__(None, None, None)
    assert during.status is Status.ERROR and "sidecar" in during.reason, during
    assert after.status is Status.ERROR and "sidecar" in after.reason, after
    assert not engine.containers.list(all=True, filters={"label": f"org.harness.run={executor.labels.run_id}"})


def test_an_image_that_vanishes_mid_run_is_an_error_naming_it(engine: DockerClient) -> None:
    first, _, printing = jobs()
    source = image_for("python", engine)
    assert source is not None, "no current python runner image (make images)"
    copy = f"harness-faults-python:{uuid.uuid4().hex[:8]}"
    engine.images.get(source).tag(copy)
    try:
        with DockerExecutor(image_overrides={"python": copy}) as executor:
            assert run(printing, executor).status is Status.PASSED
            engine.images.remove(copy)
            after = [run(job, executor) for job in (first, printing, first)]
    finally:
        with contextlib.suppress(Exception):
            engine.images.remove(copy)
    # a container made ready ahead, before the image went, may still run one snippet; then none can
    assert all(result.status in (Status.PASSED, Status.ERROR) for result in after), after
    gone = after[-1]
    assert gone.status is Status.ERROR and copy in gone.reason, gone


class SocketRelay:
    """Relays a unix socket of its own to the engine's; `close` is the engine going away."""

    def __init__(self, path: Path, target: str = "/var/run/docker.sock") -> None:
        self.path, self._target = path, target
        self._server = socket.socket(socket.AF_UNIX)
        self._server.bind(str(path))
        self._server.listen(64)
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self._server.accept()
                upstream = socket.socket(socket.AF_UNIX)
                upstream.connect(self._target)
                self._open += [client, upstream]
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._server.close()
        self.path.unlink(missing_ok=True)
        for sock in self._open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def test_the_engine_going_away_mid_run_is_an_error_and_nothing_hangs(
        engine: DockerClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, late, printing = jobs()
    relay = SocketRelay(tmp_path / "docker.sock")
    monkeypatch.setenv("DOCKER_HOST", f"unix://{relay.path}")
    executor = DockerExecutor(isolation="group").__enter__()
    run_id = executor.labels.run_id
    try:
        assert run(printing, executor).status is Status.PASSED
        threading.Timer(1.0, relay.close).start()  # during `late`'s sleep
        started = time.monotonic()
        during = run(late, executor)
        after = run(first, executor)
        assert time.monotonic() - started < TIMEOUT_S
        with contextlib.suppress(Exception):
            executor.__exit__(None, None, None)
    finally:
        relay.close()
        monkeypatch.delenv("DOCKER_HOST")
        reap(run_id, engine)  # the engine is back: what the run could not remove goes now
    for result in (during, after):
        assert result.status is Status.ERROR and ("engine" in result.reason or "sidecar" in result.reason), result
