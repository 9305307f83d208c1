"""One fresh snippet container, made ready ahead of its snippet and used for exactly one.

`start` creates the container with the sandbox of every snippet container (`sandbox.sandbox_options`,
`init`, role `snippet`) and its own work volume, attaches to its stdin, stdout and stderr, and starts
it: its first process (`fresh_job.ONE_SHOT`, under the engine's init) waits for one job on stdin, so
nothing ran in the container before its snippet. `run` sends the job, one line and the work dir's
tar; the process lays the files into /work, runs the snippet's command with its environment and
stdin from /dev/null, and reports its exit code and result file after its output on the attach
stream (capped per stream), then exits. At the timeout the container is killed. A container whose
process ended without a report gives its exit code through the engine's `wait`. The container is
never used again: its owner removes it (`container_id`, `volume_name`) after.

If the harness goes away, the attach connection closes, the waiting process reads the end of its
input and exits (the container has `StdinOnce`); the containers and volumes carry the run's labels,
so the reaper of a later run removes them.
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
import uuid
from typing import Any

import docker.errors
import requests
from docker import DockerClient

from harness.run.base import Launch, Outcome
from harness.run.common import parse_response
from harness.run.docker.engine import RunLabels, remove_ids
from harness.run.docker.exec_stream import split_frames
from harness.run.docker.fresh_job import ONE_SHOT, Answer, job_line
from harness.run.docker.sandbox import Limits, Namespace, base_env, sandbox_options, work_archive, work_volume

GRACE_S = 30.0
"""How long the output may still come, and the engine may take to report the exit, after a kill."""


class FreshContainer:
    """A started snippet container of `image` waiting for its one job: `start`, `run` once, then removed
    (by its owner from `container_id` and `volume_name`, or `remove`; as a context manager, on leaving)."""

    def __init__(self, client: DockerClient, image: str, namespace: Namespace, labels: RunLabels,
                 limits: Limits) -> None:
        self.image = image
        self._client, self._namespace, self._labels, self._limits = client, namespace, labels, limits
        self.container_id: str | None = None
        self.volume_name: str | None = None
        self._raw: Any = None
        self._socket: socket.socket | None = None
        self.used = False
        """Set when a job was sent (or the container given up): it never takes another."""

    def start(self) -> FreshContainer:
        """Creates, attaches and starts the container; removes what it made if that fails half way."""
        client, labels = self._client, self._labels
        try:
            volume = work_volume(client, labels, self._limits)
            self.volume_name = volume.name
            options = sandbox_options(self._namespace, volume.name or "", labels, self._limits, "snippet")
            container = client.containers.create(self.image, ["/bin/sh", "-c", ONE_SHOT, "harness-one-shot"],
                                                 environment=base_env(), init=True, stdin_open=True,
                                                 **options)  # not detached: so also StdinOnce
            self.container_id = container.id
            self._raw = client.api.attach_socket(container.id, params={"stdin": 1, "stdout": 1, "stderr": 1,
                                                                       "stream": 1})
            self._socket = getattr(self._raw, "_sock", self._raw)  # docker-py may wrap it in a SocketIO
            client.api.start(container.id)
        except BaseException:
            self.remove()
            raise
        return self

    def __enter__(self) -> FreshContainer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.remove()

    @property
    def usable(self) -> bool:
        """Started, never used, and still waiting: nothing came from it, its connection is open."""
        if self.used or self._socket is None:
            return False
        try:
            readable, _, _ = select.select([self._socket], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def close(self) -> None:
        """Closes the attach connection (the waiting process then reads the end of its input)."""
        self.used = True
        sock, raw, self._socket, self._raw = self._socket, self._raw, None, None
        with contextlib.suppress(OSError):
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            if raw is not None:
                raw.close()
            if sock is not None:
                sock.close()

    def remove(self) -> None:
        """Closes the connection and removes the container and its volume, here and now."""
        self.close()
        container, volume, self.container_id, self.volume_name = self.container_id, self.volume_name, None, None
        remove_ids(self._client, container, volume)

    def run(self, launch: Launch, timeout_s: float) -> Outcome:
        """Runs `launch` (once); harness faults come back as `infra_error`."""
        assert self._socket is not None and self.container_id is not None and not self.used, "a fresh, started one"
        self.used = True
        answer = Answer(self._limits.output_bytes, uuid.uuid4().hex)
        try:
            archive = work_archive(launch.files) if launch.files else b""
            started = time.monotonic()
            self._socket.settimeout(GRACE_S)
            self._socket.sendall(job_line(answer.mark, launch, len(archive)) + archive)
            ended = self._read(answer, started + timeout_s)
            report = answer.report
            exit_code: int | None
            if report is not None:  # the usual end: the command ended and the shell reported
                exit_code, timed_out, result = report[0], False, report[1]
            elif answer.complete:
                raise ValueError(f"unreadable report {bytes(answer.out.after or b'')[:80]!r}")
            else:  # no report: the first process ended without one (or is to be killed at the timeout)
                exit_code, timed_out = self._wait(started + timeout_s) if ended else (None, True)
                result = None
                if timed_out:
                    self._kill()
                    self._read(answer, time.monotonic() + GRACE_S)
                    exit_code = None
            duration = time.monotonic() - started
            return Outcome(exit_code=exit_code, stdout=answer.out.text(), stderr=answer.err.text(),
                           duration_s=duration, timed_out=timed_out, output_truncated=answer.truncated,
                           response=parse_response(result) if result is not None else None)
        except (docker.errors.DockerException, requests.exceptions.RequestException, OSError, ValueError,
                KeyError, TypeError) as error:
            return Outcome(None, answer.out.text(), answer.err.text(), 0.0,
                           infra_error=f"docker: running {self.image} failed: {error}")
        finally:
            self.close()

    def _read(self, answer: Answer, deadline: float) -> bool:
        """Feeds the attach stream's frames to `answer` until it is complete or the stream ends (True)
        or until `deadline` (False)."""
        assert self._socket is not None
        buffer = b""
        while (remaining := deadline - time.monotonic()) > 0:
            self._socket.settimeout(remaining)
            try:
                chunk = self._socket.recv(65536)
            except TimeoutError:
                return False
            if not chunk:
                return True
            frames, buffer = split_frames(buffer + chunk)
            for stream, data in frames:
                answer.feed(stream, data)
            if answer.complete:
                return True
        return False

    def _wait(self, deadline: float) -> tuple[int | None, bool]:
        """The exit code once the stream ended without a report: (code, timed out)."""
        try:
            answer = self._client.api.wait(self.container_id, timeout=max(deadline - time.monotonic(), 0.001))
        except requests.exceptions.RequestException:  # the wait request timed out
            return None, True
        return int(answer["StatusCode"]), False

    def _kill(self) -> None:
        with contextlib.suppress(docker.errors.APIError):  # it may have exited meanwhile
            self._client.api.kill(self.container_id)
