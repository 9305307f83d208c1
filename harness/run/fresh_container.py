"""One fresh snippet container, made ready ahead of its snippet and used for exactly one.

`start` creates the container with the sandbox of every snippet container (`sandbox.sandbox_options`,
`init`, role `snippet`) and its own work volume, attaches to its stdin, stdout and stderr, and starts
it: its first process (`ONE_SHOT`, under the engine's init) waits for one job on stdin. `run` sends
the job, one line and the work dir's tar; the process lays the files into /work and `exec`s the
snippet's command with its environment and stdin from /dev/null, so the snippet is what a cold
container would have run as its command (nothing ran in the container before but that waiting
shell, which became the snippet). Its output comes back on the attach stream, capped per stream;
the stream's end and the engine's `wait` give the exit; at the timeout the container is killed.
The container is never used again: its owner removes it (`ids`) after.

If the harness goes away, the attach connection closes, the waiting process reads the end of its
input and exits (`StdinOnce`); the containers and volumes carry the run's labels, so the reaper of a
later run removes them.
"""

from __future__ import annotations

import base64
import contextlib
import io
import select
import shlex
import socket
import tarfile
import time
import uuid
from typing import Any

import docker.errors
import requests
from docker import DockerClient

from harness.model import HttpResponse
from harness.run.base import Launch, Outcome
from harness.run.common import parse_response
from harness.run.docker_engine import RunLabels, remove_ids
from harness.run.exec_stream import split_frames
from harness.run.sandbox import WORKDIR, Limits, Namespace, base_env, sandbox_options, work_archive

ONE_SHOT = r"""
read -r command size || exit 125
if [ "$size" != 0 ]; then
  head -c "$size" | { tar -x -f - && cat >/dev/null; } || exit 122
fi
command=$(printf %s "$command" | base64 -d) || exit 123
eval "set -- $command" || exit 124
unset PWD OLDPWD command size
exec "$@" </dev/null
"""
"""The first process (under the engine's init): reads one job (`job_line`, then the work dir's tar),
lays the files into the cwd (/work) and becomes the snippet's command (`env`, the launch's
environment, its argv); exits 125 at the end of its input without a job, 122 if the tar does not unpack."""
GRACE_S = 30.0
"""How long the output may still come, and the engine may take to report the exit, after a kill."""


def job_line(launch: Launch, archive_size: int) -> bytes:
    """The job for `ONE_SHOT`: the command as sh words in base64 and the size of the tar that follows."""
    argv = [part.replace("{workdir}", WORKDIR) for part in launch.argv]
    words = ["env", *(f"{name}={value}" for name, value in launch.env.items()), *argv]
    return f"{base64.b64encode(shlex.join(words).encode()).decode('ascii')} {archive_size}\n".encode("ascii")


class _Output:
    """The attach stream's frames as they come: at most `limit` bytes of each stream kept."""

    def __init__(self, sock: socket.socket, limit: int) -> None:
        self._socket, self._limit = sock, limit
        self.streams = (bytearray(), bytearray())
        self.truncated = False
        self._buffer = b""

    def read_until(self, deadline: float) -> bool:
        """Reads until the stream ends (True) or `deadline` (False)."""
        while (remaining := deadline - time.monotonic()) > 0:
            self._socket.settimeout(remaining)
            try:
                chunk = self._socket.recv(65536)
            except TimeoutError:
                return False
            if not chunk:
                return True
            frames, self._buffer = split_frames(self._buffer + chunk)
            for stream, data in frames:
                if stream in (1, 2):
                    kept = self.streams[stream - 1]
                    room = self._limit - len(kept)
                    kept += data[: max(room, 0)]
                    self.truncated = self.truncated or len(data) > room
        return False

    def text(self, index: int) -> str:
        return self.streams[index].decode("utf-8", errors="replace")


class FreshContainer:
    """A started snippet container of `image` waiting for its one job: `start`, `run` once, then removed."""

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
            volume = client.volumes.create(name=f"harness-{labels.run_id}-work-{uuid.uuid4().hex[:8]}",
                                           labels=labels.of("work"))
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
        output = _Output(self._socket, self._limits.output_bytes)
        try:
            archive = work_archive(launch.files) if launch.files else b""
            started = time.monotonic()
            deadline = started + timeout_s
            self._socket.settimeout(GRACE_S)
            self._socket.sendall(job_line(launch, len(archive)) + archive)
            ended = output.read_until(deadline)
            exit_code, timed_out = self._wait(deadline) if ended else (None, True)
            if timed_out:
                self._kill()
                output.read_until(time.monotonic() + GRACE_S)
                exit_code = None
                self._client.api.wait(self.container_id, timeout=GRACE_S)
            duration = time.monotonic() - started
            response = self._result(launch.result_file) if launch.result_file else None
            return Outcome(exit_code=exit_code, stdout=output.text(0), stderr=output.text(1), duration_s=duration,
                           timed_out=timed_out, output_truncated=output.truncated, response=response)
        except (docker.errors.DockerException, requests.exceptions.RequestException, OSError, ValueError) as error:
            return Outcome(None, output.text(0), output.text(1), 0.0,
                           infra_error=f"docker: running {self.image} failed: {error}")
        finally:
            self.close()

    def _wait(self, deadline: float) -> tuple[int | None, bool]:
        """The exit code once the output ended (a snippet may close its streams and go on): (code, timed out)."""
        try:
            answer = self._client.api.wait(self.container_id, timeout=max(deadline - time.monotonic(), 0.001))
        except requests.exceptions.RequestException:  # the wait request timed out
            return None, True
        return int(answer["StatusCode"]), False

    def _kill(self) -> None:
        with contextlib.suppress(docker.errors.APIError):  # it may have exited meanwhile
            self._client.api.kill(self.container_id)

    def _result(self, name: str) -> HttpResponse | None:
        try:
            stream, _ = self._client.api.get_archive(self.container_id, f"{WORKDIR}/{name}")
        except docker.errors.NotFound:
            return None
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.next()
            extracted = tar.extractfile(member) if member else None
            data = extracted.read() if extracted else None
        return None if data is None else parse_response(data)
