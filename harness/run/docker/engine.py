"""The Docker engine as the harness uses it: one client, the labels every container carries, reaping.

Every container and volume the harness starts carries `org.harness.run=<run id>` plus the host and
pid of the harness process that owns it, so leftovers of a killed run can be found and removed
(testcontainers' Ryuk cannot be pulled here, so `reap` does its job on the next start).
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import docker
import docker.errors
import requests
from docker import DockerClient
from docker.models.containers import Container
from docker.models.volumes import Volume

from harness.errors import HarnessError

RUN_LABEL = "org.harness.run"
"""Run id: shared by the mock sidecar, snippet containers and volumes of one run."""
HOST_LABEL = "org.harness.host"
PID_LABEL = "org.harness.pid"
ROLE_LABEL = "org.harness.role"
"""`mock`, `snippet` or `work` (a snippet's work volume)."""
RUNNER_LABEL = "org.harness.runner"
"""On images: the runner folder the image was built from (`python`, `mock`, ...)."""

ENGINE_HINT = "start one with `scripts/docker-engine.sh` (as root)"


def connect(timeout_s: float = 60.0) -> DockerClient:
    """A client of the engine named by the environment (DOCKER_HOST, else the local socket).

    Raises `HarnessError` with a hint when no engine answers.
    """
    try:
        client = docker.from_env(timeout=int(timeout_s))
        client.ping()
    except docker.errors.DockerException as error:
        raise HarnessError(f"no Docker engine answers ({error}); {ENGINE_HINT}") from error
    return client


def engine_problem() -> str | None:
    """None when a Docker engine answers, else why not (for `auto` choices and test skips)."""
    try:
        connect(timeout_s=10).close()
    except HarnessError as error:
        return str(error)
    return None


@dataclass(frozen=True)
class RunLabels:
    """The labels of one run's containers and volumes."""

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def of(self, role: str, **extra: str) -> dict[str, str]:
        """Labels for one resource of this run with `role` (and any extra labels)."""
        return {
            RUN_LABEL: self.run_id,
            HOST_LABEL: socket.gethostname(),
            PID_LABEL: str(os.getpid()),
            ROLE_LABEL: role,
            **extra,
        }

    @property
    def selector(self) -> str:
        """The label filter that selects everything of this run."""
        return f"{RUN_LABEL}={self.run_id}"


def reap(run_id: str | None = None, client: DockerClient | None = None) -> int:
    """Removes the containers and volumes of run `run_id` (of every harness run when None).

    Returns how many resources were removed. Never raises for a resource that vanished meanwhile.
    """
    client = client or connect()
    selector = f"{RUN_LABEL}={run_id}" if run_id else RUN_LABEL
    return _remove(client, selector, lambda labels: True)


def reap_orphans(client: DockerClient | None = None) -> int:
    """Removes what runs left behind whose harness process (on this host) no longer exists."""
    client = client or connect()
    here = socket.gethostname()

    def orphaned(labels: dict[str, str]) -> bool:
        if labels.get(HOST_LABEL) != here:
            return False
        try:
            os.kill(int(labels.get(PID_LABEL, "0")), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, ValueError):
            return False
        return False

    return _remove(client, RUN_LABEL, orphaned)


def kill_snippet_containers(client: DockerClient, run_id: str) -> int:
    """Kills the running containers of run `run_id` but its mock sidecar; returns how many were killed."""
    killed = 0
    with contextlib.suppress(docker.errors.DockerException, requests.exceptions.RequestException):
        for container in client.containers.list(filters={"label": f"{RUN_LABEL}={run_id}"}, ignore_removed=True):
            if container.labels.get(ROLE_LABEL) != "mock":
                with contextlib.suppress(docker.errors.DockerException, requests.exceptions.RequestException):
                    container.kill()
                    killed += 1
    return killed


def remove_quietly(*resources: Container | Volume | None) -> int:
    """Removes containers (forced, with anonymous volumes) and volumes; ignores those already gone."""
    removed = 0
    for resource in resources:
        if resource is None:
            continue
        try:
            if isinstance(resource, Container):
                resource.remove(force=True, v=True)
            else:
                resource.remove(force=True)
            removed += 1
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError:  # a volume still in use by a container being removed
            pass
    return removed


def remove_ids(client: DockerClient, container_id: str | None, volume_name: str | None) -> None:
    """Removes a container (forced, with anonymous volumes) and then a volume by id and name; ignores
    those already gone and an engine that does not answer (the run's reaping finds what is left)."""
    with contextlib.suppress(docker.errors.DockerException, requests.exceptions.RequestException):
        if container_id is not None:
            with contextlib.suppress(docker.errors.NotFound):
                client.api.remove_container(container_id, force=True, v=True)
        if volume_name is not None:
            client.api.remove_volume(volume_name, force=True)


def _remove(client: DockerClient, selector: str, check: Callable[[dict[str, str]], bool]) -> int:
    # ignore_removed: list() inspects each container it found, and one may vanish in between (a run
    # removing its own containers while another reaps orphans); a reaper must not fail on that.
    containers = client.containers.list(all=True, filters={"label": selector}, ignore_removed=True)
    removed = remove_quietly(*(c for c in containers if check(c.labels)))
    volumes = client.volumes.list(filters={"label": selector})
    return removed + remove_quietly(*(v for v in volumes if check(v.attrs.get("Labels") or {})))
