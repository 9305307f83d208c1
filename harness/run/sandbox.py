"""One launch in one throw-away container: no network of its own, read-only, no privileges.

The container joins the network namespace of the mock sidecar (which has no network either), so
the only peers it can reach are the mock's ports on 127.0.0.1. Its root file system is read-only;
the work dir is a fresh volume (files laid in with `put_archive` before start, the result file
read back after exit) and /tmp is a small tmpfs. stdout and stderr are streamed while it runs and
kept up to a limit each; a wall-clock timeout kills it. Container and volume are removed after.
Small work dirs travel inline, as an argument of the command (`UNPACK`), which saves a round trip.
"""

from __future__ import annotations

import base64
import contextlib
import io
import tarfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import docker.errors
import requests
from docker import DockerClient
from docker.models.containers import Container
from docker.models.volumes import Volume
from docker.types import LogConfig

from harness.model import HttpResponse
from harness.run.base import Launch, Outcome
from harness.run.common import parse_response
from harness.run.docker_engine import RunLabels, remove_quietly
from harness.run.local import OUTPUT_LIMIT

WORKDIR = "/work"
CA_DIR = "/harness"
"""Where the mock's public volume (the run's CA certificate) is mounted, read-only."""
USER = "10001:10001"
_UID = 10001
INLINE_FILES_LIMIT = 96_000
"""Base64 characters of a work dir handed to the container's command as one argument (the kernel allows
128 KiB); bigger ones go in with `put_archive`, one more round trip to the engine."""
UNPACK = 'printf %s "$1" | base64 -d | tar -x -f - || exit 122; shift; unset PWD OLDPWD; exec "$@"'
"""Lays the inline work dir (`inline_files`) into the cwd, then becomes the snippet's command (with the
environment it would have had without this shell: no PWD)."""


@dataclass(frozen=True)
class Limits:
    """Resources of one snippet container."""

    memory: str = "1g"
    """Memory (and memory+swap, so no swap) limit; workerd and Node need a few hundred MB."""
    cpus: float = 1.0
    pids: int = 256
    tmp_size: str = "64m"
    """Size of the /tmp tmpfs."""
    output_bytes: int = OUTPUT_LIMIT
    """Bytes of stdout and of stderr kept each; the rest is read and dropped."""


@dataclass(frozen=True)
class Namespace:
    """What a snippet container joins: the sidecar's network namespace and public volume."""

    container_id: str
    ca_volume: str


def work_archive(files: Mapping[str, bytes]) -> bytes:
    """A tar of `files` (with their parent directories) owned by the sandbox user."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        dirs = {str(p) for name in files for p in PurePosixPath(name).parents if str(p) != "."}
        for name in sorted(dirs):
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, 0o755, _UID, _UID
            tar.addfile(info)
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.uid, info.gid, info.mtime = len(content), 0o644, _UID, _UID, int(time.time())
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


class _Capture(threading.Thread):
    """Drains a container's attached output, keeping at most `limit` bytes of each stream."""

    def __init__(self, frames: Iterator[tuple[bytes | None, bytes | None]], limit: int) -> None:
        super().__init__(daemon=True)
        self._frames, self._limit = frames, limit
        self.streams = (bytearray(), bytearray())
        self.truncated = False
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            for frame in self._frames:
                for kept, chunk in zip(self.streams, frame, strict=True):
                    if chunk:
                        room = self._limit - len(kept)
                        kept += chunk[: max(room, 0)]
                        self.truncated = self.truncated or len(chunk) > room
        except (requests.exceptions.RequestException, OSError) as error:
            self.error = error

    def text(self, index: int) -> str:
        return self.streams[index].decode("utf-8", errors="replace")


def _read_file(container: Container, path: str) -> bytes | None:
    try:
        stream, _ = container.get_archive(path)
    except docker.errors.NotFound:
        return None
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
        member = tar.next()
        extracted = tar.extractfile(member) if member else None
        return extracted.read() if extracted else None


def _response(data: bytes | None) -> HttpResponse | None:
    return None if data is None else parse_response(data)


def sandbox_options(namespace: Namespace, volume: str, labels: RunLabels, limits: Limits, role: str) -> dict[str, Any]:
    """The `containers.create` options every snippet container has (cold or warm): the non-root user,
    the mock's network namespace, a read-only root with `volume` on the work dir and a small /tmp,
    the CA read-only, no capabilities, no new privileges, the limits, no logs, the run's labels."""
    return {
        "user": USER, "working_dir": WORKDIR, "network_mode": f"container:{namespace.container_id}",
        "read_only": True, "tmpfs": {"/tmp": f"rw,nosuid,nodev,size={limits.tmp_size},mode=1777"},
        "volumes": {volume: {"bind": WORKDIR, "mode": "rw"}, namespace.ca_volume: {"bind": CA_DIR, "mode": "ro"}},
        "cap_drop": ["ALL"], "security_opt": ["no-new-privileges"], "mem_limit": limits.memory,
        "memswap_limit": limits.memory, "nano_cpus": int(limits.cpus * 1e9), "pids_limit": limits.pids,
        "log_config": LogConfig(type=LogConfig.types.NONE), "labels": labels.of(role),
        "name": f"harness-{labels.run_id}-{uuid.uuid4().hex[:8]}",
    }


def snippet_env(launch: Launch) -> dict[str, str]:
    """The environment of a snippet in a container: home and cwd are the work dir, /tmp its temp dir."""
    return {"HOME": WORKDIR, "LANG": "C.UTF-8", "TMPDIR": "/tmp", **launch.env}


def inline_files(files: Mapping[str, bytes]) -> str | None:
    """`files` as a base64 tar small enough to hand to a command as one argument ('' for none), else None."""
    packed = base64.b64encode(work_archive(files)).decode() if files else ""
    return packed if len(packed) <= INLINE_FILES_LIMIT else None


def _create(client: DockerClient, image: str, launch: Launch, namespace: Namespace, volume: str,
            labels: RunLabels, limits: Limits, files: str) -> Container:
    argv = [part.replace("{workdir}", WORKDIR) for part in launch.argv]
    if files:
        argv = ["/bin/sh", "-c", UNPACK, "harness-unpack", files, *argv]
    return client.containers.create(image, argv, environment=snippet_env(launch), init=True,
                                    **sandbox_options(namespace, volume, labels, limits, "snippet"))


def run_in_container(client: DockerClient, image: str, launch: Launch, timeout_s: float, *,
                     namespace: Namespace, labels: RunLabels, limits: Limits = Limits(),  # noqa: B008
                     dispose: Callable[[Container | None, Volume], object] = remove_quietly) -> Outcome:
    """Runs `launch` in a fresh container of `image`; harness faults come back as `infra_error`.
    `dispose` removes the container and its volume afterwards (the executor's does it in the background)."""
    volume = client.volumes.create(name=f"harness-{labels.run_id}-work-{uuid.uuid4().hex[:8]}",
                                   labels=labels.of("work"))
    container: Container | None = None
    try:
        files = inline_files(launch.files)
        container = _create(client, image, launch, namespace, volume.name, labels, limits, files or "")
        if files is None:
            container.put_archive(WORKDIR, work_archive(launch.files))
        capture = _Capture(container.attach(stdout=True, stderr=True, stream=True, demux=True),
                           limits.output_bytes)
        capture.start()
        started = time.monotonic()
        container.start()
        exit_code, timed_out = _wait(container, timeout_s)
        duration = time.monotonic() - started
        capture.join(timeout=30)
        response = _response(_read_file(container, f"{WORKDIR}/{launch.result_file}")) if launch.result_file else None
        return Outcome(
            exit_code=None if timed_out else exit_code, stdout=capture.text(0), stderr=capture.text(1),
            duration_s=duration, timed_out=timed_out, output_truncated=capture.truncated, response=response,
        )
    except (docker.errors.DockerException, requests.exceptions.RequestException, ValueError) as error:
        return Outcome(None, "", "", 0.0, infra_error=f"docker: running {image} failed: {error}")
    finally:
        dispose(container, volume)


def _wait(container: Container, timeout_s: float) -> tuple[int | None, bool]:
    """Waits for the container to exit; kills it at `timeout_s`. Returns (exit code, timed out)."""
    try:
        return int(container.wait(timeout=timeout_s)["StatusCode"]), False
    except requests.exceptions.RequestException:  # the wait request timed out
        with contextlib.suppress(docker.errors.APIError):  # it may have exited meanwhile
            container.kill()
        return int(container.wait(timeout=30)["StatusCode"]), True
