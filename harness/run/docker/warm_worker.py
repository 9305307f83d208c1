"""Warm Worker servers in docker (`--isolation group` and `run`): Worker snippets run as with the local
executor's default (`harness.run.local.warm_worker`: one workerd, a fresh isolate per snippet), each server in
a container of the worker image.

The container has the sandbox of a warm container (`warm_container.start_idle`: the non-root user,
read-only root, the mock's network namespace, the limits); in it one standing `docker exec -i` over the
engine's API (so a remote engine works the same) runs `serve.mjs`, with the mock's URL and the run's CA
as a cold Worker launch has them, and its own files (workerd's config, a socket) on the work volume.
A job carries the snippet's code and gets the Worker's answer back in its answer, so nothing goes in
or out of the container per snippet but the two JSON lines. What a snippet can reach is its isolate:
it writes no file and starts no process of the container's, so containers are shared by all groups.
A server that timed out or died is removed with its container; the next snippet gets a fresh one.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from docker import DockerClient
from docker.models.containers import Container
from docker.models.volumes import Volume

from harness.model import HttpResponse
from harness.run.base import Launch, Outcome
from harness.run.common import parse_response
from harness.run.docker.engine import RunLabels, remove_quietly
from harness.run.docker.exec_stream import ExecStream, split_frames
from harness.run.docker.sandbox import USER, WORKDIR, Limits, Namespace
from harness.run.docker.warm_container import start_idle
from harness.run.local.helper_process import JsonLinesHelper, Message
from harness.run.local.warm_worker import START_TIMEOUT_S, ServerPool, WarmWorkerServer

LOG_LIMIT = 8000
"""Characters of a server's stderr kept for error messages."""


class _ContainerServer(JsonLinesHelper):
    """`serve.mjs` in a container of its own, over one `docker exec -i`; removing the container stops it."""

    def __init__(self, client: DockerClient, image: str, namespace: Namespace, labels: RunLabels, limits: Limits,
                 argv: list[str], env: dict[str, str], on_message: Callable[[Message], None],
                 on_end: Callable[[], None]) -> None:
        super().__init__(f"warm Worker server ({image})", START_TIMEOUT_S, on_message, on_end)
        self._client, self._image, self._namespace, self._labels = client, image, namespace, labels
        self._limits, self._argv, self._env = limits, argv, env
        self._container: Container | None = None
        self._volume: Volume | None = None
        self._stream: ExecStream | None = None
        self._log = ""

    def _open(self) -> None:
        self._container, self._volume, _ = start_idle(self._client, self._image, self._namespace, self._labels,
                                                      self._limits)
        env = {"HOME": WORKDIR, "LANG": "C.UTF-8", "TMPDIR": "/tmp", **self._env, "HARNESS_WARM_DIR": WORKDIR}
        self._stream = ExecStream(self._client, self._container.id, self._argv, user=USER, workdir=WORKDIR,
                                  environment=env)
        self._stream.socket.settimeout(None)  # idle between jobs for as long as the run lasts; `_close` ends it

    def _close(self) -> None:
        stream, container, volume = self._stream, self._container, self._volume
        self._stream, self._container, self._volume = None, None, None
        if stream is not None:
            stream.close()  # wakes the reader thread
        remove_quietly(container, volume)  # workerd and the server go with the container

    def _write(self, data: bytes) -> None:
        if self._stream is None:
            raise OSError("stopped")
        self._stream.socket.sendall(data)

    def log_tail(self) -> str:
        return self._log[-2000:].strip()

    def _lines(self) -> Iterator[bytes]:
        """stdout's lines, from the engine's framed streams; stderr goes to the log."""
        assert self._stream is not None
        sock, buffer, pending = self._stream.socket, b"", b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                frames, buffer = split_frames(buffer + chunk)
                for stream, data in frames:
                    if stream == 2:
                        self._log = (self._log + data.decode("utf-8", errors="replace"))[-LOG_LIMIT:]
                        continue
                    *lines, pending = (pending + data).split(b"\n")
                    yield from lines


class DockerWarmWorkers(ServerPool):
    """The warm Worker servers of a docker run, each in a container of `image()` (asked when one starts)."""

    def __init__(self, client: DockerClient, image: Callable[[], str], namespace: Namespace, labels: RunLabels,
                 limits: Limits, runners_dir: Path) -> None:
        super().__init__(self._server)
        self._client, self._image, self._namespace, self._labels = client, image, namespace, labels
        self._limits, self._argv = limits, ["node", str(runners_dir / "worker" / "serve.mjs")]

    def _server(self, env: dict[str, str]) -> WarmWorkerServer:
        def open_helper(on_message: Callable[[Message], None], on_end: Callable[[], None]) -> JsonLinesHelper:
            return _ContainerServer(self._client, self._image(), self._namespace, self._labels, self._limits,
                                    self._argv, env, on_message, on_end)

        return WarmWorkerServer(env, open_helper)

    def execute(self, launch: Launch, timeout_s: float) -> Outcome:
        """Runs a launch of the `worker` runner (`node run.mjs {workdir}/<entry> ...`) on a warm server,
        its code inline."""
        name = launch.argv[2].removeprefix("{workdir}/")
        job = {"source": launch.files[name].decode("utf-8", errors="replace"), "name": name,
               "loader": "ts" if name.endswith(".ts") else "js"}
        return self.run(launch, job, timeout_s, self._limits.output_bytes, _inline_response)


def _inline_response(answer: dict[str, Any]) -> HttpResponse | None:
    """The Worker's answer as serve.mjs sends it inline (the shape of run.mjs's result file)."""
    response = answer.get("response")
    return None if response is None else parse_response(json.dumps(response).encode())
