"""The sandbox of every snippet container: no network of its own, read-only, no privileges.

The container joins the network namespace of the mock sidecar (which has no network either), so
the only peers it can reach are the mock's ports on 127.0.0.1. Its root file system is read-only;
the work dir is a fresh volume capped in size and /tmp is a small tmpfs; it runs as a non-root user without
capabilities, within the `Limits`, and carries the run's labels. `--isolation snippet` runs each
snippet in a fresh one (`fresh_container`, made ready ahead by `fresh_pool`); `group` and `run`
reuse warm ones (`warm_container`) with the same options.
"""

from __future__ import annotations

import io
import tarfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from docker.types import LogConfig

from harness.run.base import Launch
from harness.run.common import OUTPUT_LIMIT
from harness.run.docker.engine import RunLabels

WORKDIR = "/work"
CA_DIR = "/harness"
"""Where the mock's public volume (the run's CA certificate) is mounted, read-only."""
USER = "10001:10001"
_UID = 10001


@dataclass(frozen=True)
class Limits:
    """Resources of one snippet container."""

    memory: str = "1g"
    """Memory (and memory+swap, so no swap) limit; workerd and Node need a few hundred MB."""
    cpus: float = 1.0
    pids: int = 256
    tmp_size: str = "64m"
    """Size of the /tmp tmpfs."""
    work_size: str = "512m"
    """Size of the work volume (a tmpfs volume, so the engine enforces it, a remote one too)."""
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


def work_volume(client: Any, labels: RunLabels, limits: Limits) -> Any:
    """A fresh work volume for one container: a tmpfs of `limits.work_size` owned by the sandbox user,
    so a snippet that fills its work dir gets "No space left on device" at the cap."""
    return client.volumes.create(
        name=f"harness-{labels.run_id}-work-{uuid.uuid4().hex[:8]}", labels=labels.of("work"), driver="local",
        driver_opts={"type": "tmpfs", "device": "tmpfs", "o": f"size={limits.work_size},uid={_UID},gid={_UID}"},
    )


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


def base_env() -> dict[str, str]:
    """What every snippet container's environment has on top of the image's: home and cwd are the work
    dir, /tmp its temp dir."""
    return {"HOME": WORKDIR, "LANG": "C.UTF-8", "TMPDIR": "/tmp"}


def snippet_env(launch: Launch) -> dict[str, str]:
    """The environment of a snippet in a container: `base_env`, then the launch's own."""
    return {**base_env(), **launch.env}
