"""The docker executor: every snippet in a sandboxed container, the mock in a sidecar.

Entering starts the mock sidecar (`MockSidecar`) under a fresh run id; `execute` runs each launch
from the runner's image (`images.image_for`), joined to the sidecar's network namespace, as
`isolation` says: `snippet` (the default) in a fresh container each (`fresh_container`), made ready
while earlier snippets run (`fresh_pool`) and removed in the background after;
`group` and `run` in a warm container (`warm_container`) per runtime, held by a tab group of a page
while it runs and then handed to a later one, or per runtime for the whole run (`warm_pool`), each
snippet a job for the container's standing supervisor that finds the container as a fresh one;
there, Worker snippets run on warm Worker servers instead (`docker_warm_worker`: a fresh isolate each
in a standing workerd; one that uses the Cache API runs cold in a warm container).
Registrations and journal reads reach the sidecar over one standing exec (`sidecar_channel`).
Leaving removes every container and volume labelled with the run id, also on Ctrl-C, on SIGTERM
(turned into `SystemExit` while the executor is entered in the main thread) and when start-up fails
half way. Leftovers of killed runs are reaped on entry. `execute` may be called from several threads
at once (`-j N`).

Nothing assumes the engine runs on this machine (`DOCKER_HOST` may name a remote one): files go
into containers through the API, never as bind mounts of host paths.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from typing import Any

import docker
import docker.errors
import requests
from docker import DockerClient

from harness.errors import HarnessError
from harness.mock.journal import entry_from_dict
from harness.mock.server import MockConfig
from harness.model import RecordedRequest
from harness.route import Route
from harness.run.base import Launch, Outcome, Runner
from harness.run.docker import images
from harness.run.docker.engine import RunLabels, connect, reap, reap_orphans, remove_ids
from harness.run.docker.fresh_container import FreshContainer
from harness.run.docker.fresh_pool import FreshPool
from harness.run.docker.sandbox import CA_DIR, Limits
from harness.run.docker.sidecar import ADMIN, APP_PORT, PROXY_PORT, MockSidecar
from harness.run.docker.sidecar_channel import ChannelBroken, SidecarChannel
from harness.run.docker.warm_container import WarmContainer
from harness.run.docker.warm_pool import WarmPool
from harness.run.docker.warm_worker import DockerWarmWorkers

ISOLATIONS = ("snippet", "group", "run")
"""What a container is fresh for: each snippet, each (runtime, tab group of a page), the whole run."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


class DockerExecutor:
    """Runs snippets in containers against a mock sidecar; see the module docstring."""

    name = "docker"
    runners_dir = Path("/opt/runners")

    def __init__(self, config: MockConfig | None = None, *, limits: Limits | None = None,
                 image_overrides: Mapping[str, str] | None = None, build: bool = False,
                 offline: bool | None = None, start_timeout_s: float = 30.0, isolation: str = "snippet") -> None:
        """`image_overrides`: runner name -> image to use instead of `images.image_for`;
        `build`: build missing images (`images.build_images(offline)`) instead of failing;
        `isolation`: one of `ISOLATIONS` (see the module docstring)."""
        if isolation not in ISOLATIONS:
            raise HarnessError(f"unknown isolation {isolation!r} (choose from {', '.join(ISOLATIONS)})")
        self.isolation = isolation
        self._config = config or MockConfig()
        self._limits = limits or Limits()
        self._overrides = dict(image_overrides or {})
        self._build, self._offline = build, offline
        self._start_timeout_s = start_timeout_s
        self._images: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self._client: DockerClient | None = None
        self._sidecar: MockSidecar | None = None
        self._warm: WarmPool | None = None
        self._fresh: FreshPool | None = None
        self._workers: DockerWarmWorkers | None = None
        self._background: ThreadPoolExecutor | None = None
        self._channel: SidecarChannel | None = None
        """Removes containers and volumes that are done with, off the snippets' way."""
        self._previous_sigterm: Any = None
        self.labels = RunLabels()

    def __enter__(self) -> DockerExecutor:
        self._catch_sigterm()
        try:
            self._client = connect()
            reap_orphans(self._client)
            mock_image = self._image("mock")
            if mock_image is None:
                raise HarnessError(self._missing("mock"))
            self._sidecar = MockSidecar(self._client, mock_image, self.labels, self._config,
                                        self._start_timeout_s).__enter__()
            self._channel = self._open_channel()
            self._background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="harness-docker-remove")
            if self.isolation == "snippet":
                self._fresh = FreshPool(self._start_fresh, self._dispose_later)
            else:
                self._warm = WarmPool(self._start_warm, self.isolation == "group", self._background)
                self._workers = DockerWarmWorkers(self._client, self._worker_image, self._sidecar.namespace,
                                                  self.labels, self._limits, self.runners_dir)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        """Removes the sidecar and whatever of this run is left; raises if the sidecar died."""
        sidecar, client, warm, background = self._sidecar, self._client, self._warm, self._background
        channel, workers, self._channel, self._workers = self._channel, self._workers, None, None
        fresh, self._fresh = self._fresh, None
        self._sidecar, self._warm = None, None
        try:
            if channel is not None:
                channel.close()
            if workers is not None:
                workers.close()
            if warm is not None:
                warm.close()
            if fresh is not None:
                fresh.close()
            self._background = None
            if background is not None:
                background.shutdown(wait=True)
            if sidecar is not None:
                sidecar.__exit__(*(exc if len(exc) == 3 else (None, None, None)))  # type: ignore[arg-type]
        finally:
            self._client = None
            if client is not None:
                reap(self.labels.run_id, client)
                client.close()
            self._restore_sigterm()

    def _catch_sigterm(self) -> None:
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            self._previous_sigterm = signal.signal(signal.SIGTERM, _terminate)

    def _restore_sigterm(self) -> None:
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None

    @property
    def sidecar(self) -> MockSidecar:
        if self._sidecar is None:
            raise HarnessError("the docker executor is not started (use it as a context manager)")
        return self._sidecar

    def _missing(self, name: str) -> str:
        return (f"no {images.repository_of(name)} image built from runners/{name} as it is now "
                "(run `harness images build`)")

    def _image(self, name: str) -> str | None:
        """The image of runner `name` (looked up once per run; built first if `build`)."""
        with self._lock:
            if name not in self._images:
                found = self._overrides.get(name) or images.image_for(name, self._client)
                if found is None and self._build:
                    found = images.build_images(self._offline, [name])[0].reference
                self._images[name] = found
            return self._images[name]

    def _open_channel(self) -> SidecarChannel | None:
        """The standing line to the sidecar's admin paths; None (one exec per call) if it cannot open."""
        assert self._client is not None
        try:
            return SidecarChannel(self._client, self.sidecar.namespace.container_id, ADMIN[0])
        except (docker.errors.DockerException, requests.exceptions.RequestException, OSError):
            return None

    @property
    def warm_started(self) -> int:
        """Warm containers (and warm Worker servers' containers) started so far in this run (0 with
        `isolation="snippet"`)."""
        servers = self._workers.started if self._workers is not None else 0
        return servers + (self._warm.started if self._warm is not None else 0)

    @property
    def fresh_started(self) -> int:
        """Fresh snippet containers started so far in this run, ahead or not (0 unless `isolation="snippet"`)."""
        return self._fresh.started if self._fresh is not None else 0

    def _start_fresh(self, image: str) -> FreshContainer:
        assert self._client is not None
        return FreshContainer(self._client, image, self.sidecar.namespace, self.labels, self._limits).start()

    def _start_warm(self, image: str) -> WarmContainer:
        assert self._client is not None
        return WarmContainer(self._client, image, self.sidecar.namespace, self.labels, self._limits).start()

    def _worker_image(self) -> str:
        image = self._image("worker")
        if image is None:
            raise HarnessError(self._missing("worker"))
        return image

    def _ask(self, command: str, snippet_id: str) -> Any:
        """The sidecar's answer to `register` or `journal` over the standing channel; None when there is
        none (any more): the caller then asks with one exec (`MockSidecar`), which reports a dead sidecar."""
        channel = self._channel
        if channel is None:
            return None
        try:
            return channel.ask(command, snippet_id)
        except ChannelBroken:
            self._channel = None
            channel.close()
            return None

    def route(self, snippet_id: str) -> Route:
        answer = self._ask("register", snippet_id)
        token = str(answer["token"]) if answer is not None else self.sidecar.register(snippet_id)
        if self._warm is not None:
            self._warm.routed(snippet_id)
        return Route(
            token=token,
            proxy_url=f"http://{token}:x@127.0.0.1:{PROXY_PORT}",
            ca_file=f"{CA_DIR}/ca.pem",
            mock_url=f"http://127.0.0.1:{APP_PORT}",
        )

    def execute(self, runner: Runner, launch: Launch, timeout_s: float) -> Outcome:
        try:
            image = self._image(runner.name)
        except HarnessError as error:
            return Outcome(None, "", "", 0.0, infra_error=str(error))
        if image is None:
            return Outcome(None, "", "", 0.0, infra_error=self._missing(runner.name))
        if self._warm is not None and self._workers is not None and runner.name == "worker" \
                and self._workers.serves(launch):
            try:
                return self._workers.execute(launch, timeout_s)
            finally:
                self._warm.ran_elsewhere()
        if self._warm is not None:
            return self._warm.execute(runner.name, image, launch, timeout_s)
        if self._fresh is None:
            raise HarnessError("the docker executor is not started (use it as a context manager)")
        return self._fresh.run(image, launch, timeout_s)

    def _dispose_later(self, fresh: FreshContainer) -> None:
        """Removes a used (or given up) container and its volume in the background; whatever that
        misses, leaving the executor reaps."""
        if self._background is not None and self._client is not None:
            self._background.submit(remove_ids, self._client, fresh.container_id, fresh.volume_name)

    def requests_of(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        return self._journal(snippet_id, take=False)

    def take_requests(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        """`requests_of`, and the sidecar's mock forgets them (see `Executor.take_requests`)."""
        return self._journal(snippet_id, take=True)

    def _journal(self, snippet_id: str, take: bool) -> tuple[RecordedRequest, ...]:
        answer = self._ask("take" if take else "journal", snippet_id)
        if answer is None:
            return self.sidecar.journal(snippet_id, take)
        return tuple(entry_from_dict(entry) for entry in answer)
