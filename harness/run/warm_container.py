"""A warm container: one sandboxed container that runs many snippets, one at a time, each as a
`docker exec` of the supervisor (`harness.run.warm_supervisor`).

It has the sandbox of a cold snippet container (`sandbox.sandbox_options`: the non-root user,
read-only root, no capabilities, no new privileges, the limits, the mock's network namespace, a
work volume on /work and a small /tmp), and each snippet sees what it would see in a cold one: its
files in an otherwise empty /work (its cwd and HOME), an empty /tmp, nothing else running. The
supervisor runs it in a session of its own, kills that process group at the end or at the timeout,
then every process of the user, and empties all the user can write (/work, /tmp, /dev/shm,
/dev/mqueue, System V IPC). Output is captured with the same per-stream cap; the supervisor's
report (exit code, timed out, clean, the result file) follows the snippet's stdout after a line
marked with a nonce, so one stream carries everything back.

A container whose supervisor did not report, or could not clean up, is `broken`: not used again.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace

import docker.errors
import requests
from docker import DockerClient
from docker.models.containers import Container
from docker.models.volumes import Volume

from harness.run.base import Launch, Outcome
from harness.run.common import parse_response
from harness.run.docker_engine import RunLabels, remove_quietly
from harness.run.sandbox import (
    USER,
    WORKDIR,
    Limits,
    Namespace,
    inline_files,
    sandbox_options,
    snippet_env,
    work_archive,
)
from harness.run.warm_supervisor import IDLE, SUPERVISOR

GRACE_S = 30.0
"""How long past the timeout the host waits for the supervisor before giving the container up."""


class _MarkedCapture(threading.Thread):
    """Drains an exec's output: the snippet's stdout up to `marker` and its stderr, each capped at
    `limit` bytes, and everything after the marker (the supervisor's report) in full."""

    def __init__(self, frames: Iterator[tuple[bytes | None, bytes | None]], limit: int, marker: bytes) -> None:
        super().__init__(daemon=True)
        self._frames, self._limit, self._marker = frames, limit, marker
        self.streams = (bytearray(), bytearray())
        self.sizes = [0, 0]
        self.report: bytearray | None = None
        self._held = b""
        self.error: Exception | None = None

    def _keep(self, index: int, chunk: bytes) -> None:
        kept = self.streams[index]
        kept += chunk[: max(self._limit - len(kept), 0)]
        self.sizes[index] += len(chunk)

    def _stdout(self, chunk: bytes) -> None:
        if self.report is not None:
            self.report += chunk
            return
        data = self._held + chunk
        found = data.find(self._marker)
        if found >= 0:
            self._keep(0, data[:found])
            self.report, self._held = bytearray(data[found + len(self._marker):]), b""
            return
        hold = min(len(data), len(self._marker) - 1)  # a marker may be cut between two frames
        self._keep(0, data[: len(data) - hold])
        self._held = data[len(data) - hold:]

    def run(self) -> None:
        try:
            for out, err in self._frames:
                if out:
                    self._stdout(out)
                if err:
                    self._keep(1, err)
        except (requests.exceptions.RequestException, OSError) as error:
            self.error = error
        if self._held:
            self._keep(0, self._held)

    @property
    def truncated(self) -> bool:
        return any(size > self._limit for size in self.sizes)

    def text(self, index: int) -> str:
        return self.streams[index].decode("utf-8", errors="replace")


class WarmContainer:
    """One warm container of `image`: `start`, then `run` launches one at a time, then `remove`."""

    def __init__(self, client: DockerClient, image: str, namespace: Namespace, labels: RunLabels,
                 limits: Limits) -> None:
        self.image = image
        self.broken = False
        """Set when the container must not run another snippet."""
        self._client, self._namespace, self._labels, self._limits = client, namespace, labels, limits
        self._container: Container | None = None
        self._volume: Volume | None = None

    def start(self) -> WarmContainer:
        """Creates and starts the container; removes what it made if that fails half way."""
        try:
            self._volume = self._client.volumes.create(
                name=f"harness-{self._labels.run_id}-work-{uuid.uuid4().hex[:8]}", labels=self._labels.of("work"))
            self._container = self._client.containers.create(
                self.image, list(IDLE), **sandbox_options(self._namespace, self._volume.name or "", self._labels,
                                                          self._limits, "warm"))
            self._container.start()
        except BaseException:
            self.remove()
            raise
        return self

    def remove(self) -> None:
        """Removes the container (and whatever still runs in it) and its work volume."""
        container, volume, self._container, self._volume = self._container, self._volume, None, None
        self.broken = True
        remove_quietly(container, volume)

    def run(self, client: DockerClient, launch: Launch, timeout_s: float) -> Outcome:
        """Runs `launch` through `client` (one per thread); harness faults come back as `infra_error`
        (and leave the container `broken`)."""
        assert self._container is not None and self._container.id is not None, "start the container first"
        mark = uuid.uuid4().hex
        try:
            files = inline_files(launch.files)
            if files is None:
                client.api.put_archive(self._container.id, WORKDIR, work_archive(launch.files))
            argv = [part.replace("{workdir}", WORKDIR) for part in launch.argv]
            command = ["/bin/sh", "-c", SUPERVISOR, "harness-supervisor", f"{timeout_s:g}",
                       launch.result_file or "", mark, files or "", *argv]
            exec_id = client.api.exec_create(self._container.id, command, user=USER, workdir=WORKDIR,
                                             environment=snippet_env(launch))["Id"]
            started = time.monotonic()
            stream = client.api.exec_start(exec_id, stream=True, demux=True)
            capture = _MarkedCapture(stream, self._limits.output_bytes, f"\n{mark} ".encode())
            capture.start()
            capture.join(timeout_s + GRACE_S)
            duration = time.monotonic() - started
            if capture.is_alive():
                stream.close()
                self.broken = True
                return Outcome(None, capture.text(0), capture.text(1), duration, timed_out=True,
                               infra_error=f"docker: the warm {self.image} container did not end the snippet "
                                           f"within {timeout_s + GRACE_S:g}s")
            return self._outcome(client, exec_id, capture, duration)
        except (docker.errors.DockerException, requests.exceptions.RequestException, ValueError) as error:
            self.broken = True
            return Outcome(None, "", "", 0.0, infra_error=f"docker: running {self.image} (warm) failed: {error}")

    def _outcome(self, client: DockerClient, exec_id: str, capture: _MarkedCapture, duration: float) -> Outcome:
        report = capture.report.decode("ascii", errors="replace").split("\n") if capture.report is not None else []
        if len(report) < 2 or len(fields := report[0].split()) != 4:
            self.broken = True
            code = client.api.exec_inspect(exec_id).get("ExitCode")
            tail = capture.text(1).strip().splitlines()[-3:]
            return Outcome(None, capture.text(0), capture.text(1), duration,
                           infra_error=f"docker: the warm {self.image} container's supervisor did not report "
                                       f"(exit {code}): {' '.join(tail) or capture.error or 'no output'}")
        code, late, clean, has = (int(field) for field in fields)
        self.broken = self.broken or not clean
        outcome = Outcome(exit_code=None if late else code, stdout=capture.text(0), stderr=capture.text(1),
                          duration_s=duration, timed_out=bool(late), output_truncated=capture.truncated)
        try:
            return replace(outcome, response=parse_response(base64.b64decode(report[1])) if has else None)
        except (ValueError, KeyError, TypeError) as error:  # as a cold container reports an unreadable answer
            return replace(outcome, infra_error=f"docker: running {self.image} (warm) failed: {error}")
