"""What a snippet's container is fresh for (`--isolation`): one strategy object per docker run.

`snippet` (`FreshIsolation`): a container nothing ran in before, made ready while earlier snippets run
and removed after (`fresh_pool`, `fresh_container`). `group` and `run` (`WarmIsolation`): a warm
container per runtime held by a page's tab group while it runs and then handed on, or per runtime for
the whole run (`warm_pool`, `warm_container`), each snippet a job for the container's supervisor that
finds it as a fresh one; a runner that declares `warm_server` runs there on warm servers instead
(`warm_worker`: a fresh isolate each in a standing workerd), unless its launch cannot run warm.
The docker executor picks the strategy once, by name, from `ISOLATIONS`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from docker import DockerClient

from harness.run.base import Launch, Outcome, Runner
from harness.run.docker.engine import RunLabels, remove_ids
from harness.run.docker.fresh_container import FreshContainer
from harness.run.docker.fresh_pool import FreshPool
from harness.run.docker.sandbox import Limits, Namespace
from harness.run.docker.warm_container import WarmContainer
from harness.run.docker.warm_pool import WarmPool
from harness.run.docker.warm_worker import DockerWarmWorkers


@dataclass(frozen=True)
class Containers:
    """What every strategy starts its containers with: the engine, the sidecar's network, the run's
    labels and limits, and a pool that removes what is done with off the snippets' way."""

    client: DockerClient
    namespace: Namespace
    """The mock sidecar's network namespace, which every snippet container joins."""
    labels: RunLabels
    limits: Limits
    runners_dir: Path
    """Where `runners/` is inside the images."""
    background: Executor
    """Removes containers in the background; shut down by the executor after `Isolation.close`."""


class Isolation(Protocol):
    """Where each snippet of a docker run runs; thread-safe (`-j N`)."""

    def routed(self, snippet_id: str) -> None:
        """A snippet is about to run in this thread (the pipeline routes and runs a job in one thread)."""
        ...

    def execute(self, runner: Runner, image: str, launch: Launch, timeout_s: float) -> Outcome:
        """Runs `launch` of `runner` from `image`; harness faults come back as `infra_error`."""
        ...

    def close(self) -> None:
        """Stops starting containers and hands every idle one to the background removal."""
        ...

    @property
    def fresh_started(self) -> int:
        """Fresh snippet containers started so far."""
        ...

    @property
    def warm_started(self) -> int:
        """Warm containers (and warm servers' containers) started so far."""
        ...


class FreshIsolation:
    """`--isolation snippet`: a fresh container per snippet, started ahead (`FreshPool`)."""

    def __init__(self, containers: Containers) -> None:
        self._containers = containers
        self._pool = FreshPool(self._start, self._dispose)

    def _start(self, image: str) -> FreshContainer:
        c = self._containers
        return FreshContainer(c.client, image, c.namespace, c.labels, c.limits).start()

    def _dispose(self, fresh: FreshContainer) -> None:
        """Removes a used (or given up) container and its volume in the background; what this misses
        (the removal pool is shut down) the executor reaps when it leaves."""
        with contextlib.suppress(RuntimeError):
            self._containers.background.submit(remove_ids, self._containers.client, fresh.container_id,
                                               fresh.volume_name)

    def routed(self, snippet_id: str) -> None:
        """Nothing to do: every snippet gets a container of its own."""

    def execute(self, runner: Runner, image: str, launch: Launch, timeout_s: float) -> Outcome:
        return self._pool.run(image, launch, timeout_s)

    def close(self) -> None:
        self._pool.close()

    @property
    def fresh_started(self) -> int:
        return self._pool.started

    @property
    def warm_started(self) -> int:
        return 0


class WarmIsolation:
    """`--isolation group` (`per_group`) or `run`: warm containers (`WarmPool`), and warm servers for
    the runners that declare `warm_server` (one `DockerWarmWorkers` per image)."""

    def __init__(self, containers: Containers, per_group: bool) -> None:
        self._containers = containers
        self._pool = WarmPool(self._start, per_group, containers.background)
        self._servers: dict[str, DockerWarmWorkers] = {}
        self._lock = threading.Lock()

    def _start(self, image: str) -> WarmContainer:
        c = self._containers
        return WarmContainer(c.client, image, c.namespace, c.labels, c.limits).start()

    def _servers_of(self, image: str) -> DockerWarmWorkers:
        c = self._containers
        with self._lock:
            if image not in self._servers:
                self._servers[image] = DockerWarmWorkers(c.client, lambda: image, c.namespace, c.labels, c.limits,
                                                         c.runners_dir)
            return self._servers[image]

    def routed(self, snippet_id: str) -> None:
        self._pool.routed(snippet_id)

    def execute(self, runner: Runner, image: str, launch: Launch, timeout_s: float) -> Outcome:
        if runner.warm_server and DockerWarmWorkers.serves(launch):
            try:
                return self._servers_of(image).execute(launch, timeout_s)
            finally:
                self._pool.ran_elsewhere()
        return self._pool.execute(runner.name, image, launch, timeout_s)

    def close(self) -> None:
        with self._lock:
            servers = list(self._servers.values())
        for server in servers:
            server.close()
        self._pool.close()

    @property
    def fresh_started(self) -> int:
        return 0

    @property
    def warm_started(self) -> int:
        with self._lock:
            servers = sum(server.started for server in self._servers.values())
        return servers + self._pool.started


ISOLATIONS: dict[str, Callable[[Containers], Isolation]] = {
    "snippet": FreshIsolation,
    "group": partial(WarmIsolation, per_group=True),
    "run": partial(WarmIsolation, per_group=False),
}
"""What a container is fresh for: each snippet, each (runtime, tab group of a page), the whole run."""
