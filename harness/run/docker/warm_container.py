"""A warm container: one sandboxed container that runs many snippets, one at a time, through one
standing supervisor (`harness.run.docker.warm_supervisor`) fed over one `docker exec -i`.

It has the sandbox of a cold snippet container (`sandbox.sandbox_options`: the non-root user,
read-only root, no capabilities, no new privileges, the limits, the mock's network namespace, a
work volume on /work and a small /tmp), and each snippet sees what it would see in a cold one: its
files in an otherwise empty /work (its cwd and HOME), an empty /tmp, the environment of a cold
container (the image's, the host name, the launch's), nothing else running. The supervisor runs it
in a session of its own, kills that process group at the end or at the timeout, then every process
of the user, and empties all the user can write (/work, /tmp, /dev/shm, /dev/mqueue, System V IPC).
Output is captured with the same per-stream cap; the supervisor's report (exit code, timed out,
clean, the result file) follows the snippet's output after a line marked with a nonce on each stream.

The exec's connection is the engine's API (a remote engine works the same), held for the
container's life: a job goes in as a JSON line and the work dir's tar, the answer comes back as the
engine's framed stdout and stderr. A container whose supervisor did not report, could not clean up,
or whose connection broke is `broken`: not used again. One found broken between snippets
(`usable`) is given up before a snippet is handed to it.
"""

from __future__ import annotations

import base64
import contextlib
import select
import time
import uuid
from dataclasses import replace
from typing import Any

import docker.errors
import requests
from docker import DockerClient
from docker.models.containers import Container
from docker.models.volumes import Volume

from harness.run.base import Launch, Outcome
from harness.run.common import parse_response
from harness.run.docker.engine import RunLabels, remove_quietly
from harness.run.docker.exec_stream import ExecStream, split_frames
from harness.run.docker.marked_stream import MarkedAnswer
from harness.run.docker.sandbox import (
    USER,
    WORKDIR,
    Limits,
    Namespace,
    sandbox_options,
    snippet_env,
    work_archive,
    work_volume,
)
from harness.run.docker.warm_supervisor import IDLE, SUPERVISOR, job_line

GRACE_S = 30.0
"""How long past the timeout the host waits for the supervisor's report before giving the container up."""


class ChannelBroken(Exception):
    """The supervisor or its connection is gone, or said what it must not (not a snippet's failure)."""


class _Answer(MarkedAnswer):
    """What the supervisor sends back for one job, as it arrives."""

    @property
    def report(self) -> list[str]:
        """`[<exit code> <timed out> <clean> <result>, <result file, base64>]`, or [] before it is complete."""
        return [] if self.err.after else self.report_lines()


class _SupervisorChannel:
    """The standing exec of the supervisor and the socket to it (one job at a time)."""

    def __init__(self, client: DockerClient, container_id: str) -> None:
        self._stream = ExecStream(client, container_id, ["/bin/sh", "-c", SUPERVISOR, "harness-supervisor"],
                                  user=USER, workdir=WORKDIR)
        self.exec_id = self._stream.exec_id
        self._socket = self._stream.socket
        self._buffer = b""

    def close(self) -> None:
        """Ends the supervisor (it reads end of input) and the connection."""
        self._stream.close()

    @property
    def quiet(self) -> bool:
        """Nothing came in since the last answer: no end of the connection, no stray output."""
        try:
            readable, _, _ = select.select([self._socket], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable and not self._buffer

    def ask(self, job: bytes, answer: _Answer, deadline: float) -> None:
        """Sends `job` and feeds the framed output to `answer` until it is complete; raises
        `TimeoutError` at `deadline` and `ChannelBroken` when the connection ends first."""
        try:
            self._socket.settimeout(max(deadline - time.monotonic(), 0.001))
            self._socket.sendall(job)
            while not answer.complete:
                frames, self._buffer = split_frames(self._buffer)
                for stream, data in frames:
                    answer.feed(stream, data)
                if answer.complete:
                    break
                self._socket.settimeout(max(deadline - time.monotonic(), 0.001))
                chunk = self._socket.recv(65536)
                if not chunk:
                    raise ChannelBroken("the supervisor's connection ended")
                self._buffer += chunk
        except TimeoutError:
            raise
        except OSError as error:
            raise ChannelBroken(str(error)) from error
        if self._buffer:
            raise ChannelBroken("the supervisor wrote past its report")


def start_idle(client: DockerClient, image: str, namespace: Namespace, labels: RunLabels,
               limits: Limits) -> tuple[Container, Volume, dict[str, str]]:
    """A started container of `image` with the sandbox of a snippet container (`sandbox_options`), its
    first process idle, and its work volume; and the environment a cold container of the image has
    before a launch's own (the image's, HOSTNAME). Removes what it made if that fails half way."""
    volume: Volume | None = None
    container: Container | None = None
    try:
        volume = work_volume(client, labels, limits)
        container = client.containers.create(image, list(IDLE), **sandbox_options(namespace, volume.name or "",
                                                                                  labels, limits, "warm"))
        container.start()
        config: dict[str, Any] = container.attrs["Config"]
        env = dict(entry.split("=", 1) for entry in config.get("Env") or [] if "=" in entry)
        env["HOSTNAME"] = str(config.get("Hostname", ""))
    except BaseException:
        remove_quietly(container, volume)
        raise
    return container, volume, env


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
        self._channel: _SupervisorChannel | None = None
        self._env: dict[str, str] = {}
        """What a cold container of the image has before the launch's own: the image's, HOSTNAME."""

    def start(self) -> WarmContainer:
        """Creates and starts the container and its supervisor; removes what it made if that fails half way."""
        self._container, self._volume, self._env = start_idle(self._client, self.image, self._namespace,
                                                              self._labels, self._limits)
        try:
            self._channel = _SupervisorChannel(self._client, self._container.id or "")
        except BaseException:
            self.remove()
            raise
        return self

    @property
    def usable(self) -> bool:
        """Started, not broken, and its supervisor still waiting for a job."""
        return not self.broken and self._channel is not None and self._channel.quiet

    def remove(self) -> None:
        """Removes the container (and whatever still runs in it) and its work volume."""
        container, volume, channel = self._container, self._volume, self._channel
        self._container, self._volume, self._channel = None, None, None
        self.broken = True
        if channel is not None:
            channel.close()
        remove_quietly(container, volume)

    def run(self, launch: Launch, timeout_s: float) -> Outcome:
        """Runs `launch`; harness faults come back as `infra_error` (and leave the container `broken`)."""
        channel = self._channel
        assert channel is not None, "start the container first"
        mark = uuid.uuid4().hex
        answer = _Answer(self._limits.output_bytes, mark)
        started = time.monotonic()
        try:
            archive = work_archive(launch.files) if launch.files else b""
            argv = [part.replace("{workdir}", WORKDIR) for part in launch.argv]
            job = job_line(mark, timeout_s, launch.result_file or "", {**self._env, **snippet_env(launch)}, argv,
                           len(archive))
            channel.ask(job + archive, answer, started + timeout_s + GRACE_S)
        except TimeoutError:
            self.broken = True
            return Outcome(None, answer.out.text(), answer.err.text(), time.monotonic() - started, timed_out=True,
                           infra_error=f"docker: the warm {self.image} container did not end the snippet "
                                       f"within {timeout_s + GRACE_S:g}s")
        except ChannelBroken as error:
            self.broken = True
            return self._unreported(answer, time.monotonic() - started, str(error))
        return self._outcome(answer, time.monotonic() - started)

    def _unreported(self, answer: _Answer, duration: float, why: str) -> Outcome:
        code: object = "unknown"
        with contextlib.suppress(docker.errors.DockerException, requests.exceptions.RequestException):
            if self._channel is not None:
                code = self._client.api.exec_inspect(self._channel.exec_id).get("ExitCode")
        return Outcome(None, answer.out.text(), answer.err.text(), duration,
                       infra_error=f"docker: the warm {self.image} container's supervisor did not report "
                                   f"(exit {code}): {why}")

    def _outcome(self, answer: _Answer, duration: float) -> Outcome:
        report = answer.report
        if len(report) < 2 or len(fields := report[0].split()) != 4 or not all(f.isdigit() for f in fields):
            self.broken = True
            return self._unreported(answer, duration, f"unreadable report {report[:1]!r}")
        code, late, clean, has = (int(field) for field in fields)
        self.broken = not clean
        outcome = Outcome(exit_code=None if late else code, stdout=answer.out.text(), stderr=answer.err.text(),
                          duration_s=duration, timed_out=bool(late), output_truncated=answer.truncated)
        try:
            return replace(outcome, response=parse_response(base64.b64decode(report[1])) if has else None)
        except (ValueError, KeyError, TypeError) as error:  # as a cold container reports an unreadable answer
            return replace(outcome, infra_error=f"docker: running {self.image} (warm) failed: {error}")
