"""The docker executor: every snippet in a sandboxed container, the mock in a sidecar.

Entering starts the mock sidecar (`MockSidecar`) under a fresh run id; `execute` runs each launch
from the runner's image (`images.image_for`), joined to the sidecar's network namespace, as the
isolation strategy chosen once by `isolation` says (`harness.run.docker.isolation`: `snippet`, the
default, a fresh container each; `group` and `run` warm containers per runtime, and warm servers for
the runners that declare `warm_server`).
Registrations and journal reads reach the sidecar over one standing exec (`sidecar_channel`).
Leaving removes every container and volume labelled with the run id, also on Ctrl-C, on SIGTERM
(turned into `SystemExit` while the executor is entered in the main thread, unless the caller handles
SIGTERM itself, as `harness run` does with `harness.interrupts`) and when start-up fails half way;
`interrupt` kills the snippet containers in flight at once. Leftovers of killed runs are reaped on entry
(and by the next `harness run`, which finds the run id noted in the killed run's folder). `execute`
may be called from several threads at once (`-j N`).

Nothing assumes the engine runs on this machine (`DOCKER_HOST` may name a remote one): files go
into containers through the API, never as bind mounts of host paths.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
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
from harness.packages import DIR_ENV, archive, in_container
from harness.route import Route
from harness.run.base import Launch, Outcome, Runner
from harness.run.docker import images
from harness.run.docker.engine import RunLabels, connect, kill_snippet_containers, reap, reap_orphans
from harness.run.docker.isolation import ISOLATIONS, Containers, Isolation
from harness.run.docker.ready import docker_ready
from harness.run.docker.sandbox import CA_DIR, Limits
from harness.run.docker.sidecar import ADMIN, APP_PORT, PROXY_PORT, MockSidecar
from harness.run.docker.sidecar_channel import ChannelBroken, SidecarChannel
from harness.run.executor_kind import ExecutorKind, ExecutorSettings
from harness.run.lifecycle import note_engine_run


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
        `isolation`: a name of `ISOLATIONS` (see `harness.run.docker.isolation`)."""
        if isolation not in ISOLATIONS:
            raise HarnessError(f"unknown isolation {isolation!r} (choose from {', '.join(ISOLATIONS)})")
        self.isolation = isolation
        self._make_isolation = ISOLATIONS[isolation]
        self._config = config or MockConfig()
        self._limits = limits or Limits()
        self._overrides = dict(image_overrides or {})
        self._build, self._offline = build, offline
        self._start_timeout_s = start_timeout_s
        self._images: dict[str, str | None] = {}
        self._packages: set[str] = set()
        """The project package folders copied into the sidecar's public volume (`_with_packages`)."""
        self._lock = threading.Lock()
        self._client: DockerClient | None = None
        self._sidecar: MockSidecar | None = None
        self._isolation: Isolation | None = None
        self._background: ThreadPoolExecutor | None = None
        """Removes containers and volumes that are done with, off the snippets' way."""
        self._channel: SidecarChannel | None = None
        self._previous_sigterm: Any = None
        self.labels = RunLabels()

    def __enter__(self) -> DockerExecutor:
        self._catch_sigterm()
        note_engine_run(self.labels.run_id)
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
            self._isolation = self._make_isolation(Containers(
                self._client, self._sidecar.namespace, self.labels, self._limits, self.runners_dir, self._background))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        """Removes the sidecar and whatever of this run is left; raises if the sidecar died."""
        sidecar, client, isolation, background = self._sidecar, self._client, self._isolation, self._background
        channel, self._channel = self._channel, None
        self._sidecar, self._isolation = None, None
        try:
            if channel is not None:
                channel.close()
            if isolation is not None:
                isolation.close()
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

    def interrupt(self) -> None:
        """Kills this run's snippet containers (not the mock sidecar) at once: every `execute` in flight
        returns; leaving removes them (see `harness.interrupts.Interruptible`)."""
        client = self._client
        if client is not None:
            kill_snippet_containers(client, self.labels.run_id)

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
    def strategy(self) -> Isolation:
        """The isolation strategy of this run (there while the executor is entered)."""
        if self._isolation is None:
            raise HarnessError("the docker executor is not started (use it as a context manager)")
        return self._isolation

    @property
    def warm_started(self) -> int:
        """Warm containers (and warm servers' containers) started so far in this run (0 with
        `isolation="snippet"`)."""
        return self.strategy.warm_started

    @property
    def fresh_started(self) -> int:
        """Fresh snippet containers started so far in this run, ahead or not (0 unless `isolation="snippet"`)."""
        return self.strategy.fresh_started

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
        self.strategy.routed(snippet_id)
        return Route(
            token=token,
            proxy_url=f"http://{token}:x@127.0.0.1:{PROXY_PORT}",
            ca_file=f"{CA_DIR}/ca.pem",
            mock_url=f"http://127.0.0.1:{APP_PORT}",
        )

    def execute(self, runner: Runner, launch: Launch, timeout_s: float) -> Outcome:
        try:
            image = self._image(runner.name)
            launch = self._with_packages(launch)
        except HarnessError as error:
            return Outcome(None, "", "", 0.0, infra_error=str(error))
        if image is None:
            return Outcome(None, "", "", 0.0, infra_error=self._missing(runner.name))
        try:
            outcome = self.strategy.execute(runner, image, launch, timeout_s)
        except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
            return Outcome(None, "", "", 0.0, infra_error=f"the Docker engine failed the snippet's container: {error}")
        problem = self.sidecar.stopped()
        if problem is not None:  # its requests had no answer: not the snippet's failure
            return replace(outcome, infra_error=f"the mock sidecar stopped during the run: {problem}")
        return outcome

    def _with_packages(self, launch: Launch) -> Launch:
        """A launch that uses the project's packages (`harness.packages`) pointed at their copy in the
        run's public volume, read-only at `CA_DIR/packages` (copied through the API on first use)."""
        host = launch.env.get(DIR_ENV)
        if not host:
            return launch
        with self._lock:
            if host not in self._packages:
                if not Path(host).is_dir():
                    raise HarnessError(f"{host}: no packages installed (run `harness packages install`)")
                try:
                    self.sidecar.put_public(archive(Path(host)))
                except (docker.errors.DockerException, OSError) as error:
                    raise HarnessError(f"could not copy {host} into the run: {error}") from error
                self._packages.add(host)
        return replace(launch, env=in_container(launch.env, f"{CA_DIR}/packages"))

    def requests_of(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        return self._journal(snippet_id, take=False)

    def take_requests(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        """`requests_of`, and the sidecar's mock forgets them (see `Executor.take_requests`)."""
        return self._journal(snippet_id, take=True)

    def _journal(self, snippet_id: str, take: bool) -> tuple[RecordedRequest, ...]:
        """The sidecar's journal of one snippet; none when the sidecar stopped (`execute` said so already)."""
        answer = self._ask("take" if take else "journal", snippet_id)
        if answer is None:
            try:
                return self.sidecar.journal(snippet_id, take)
            except HarnessError:
                if self.sidecar.stopped() is None:
                    raise
                return ()
        return tuple(entry_from_dict(entry) for entry in answer)


def make_docker(settings: ExecutorSettings) -> DockerExecutor:
    """The docker executor of a run; fails at once when it cannot run (see `docker_ready`)."""
    problem = docker_ready(settings)
    if problem:
        raise HarnessError(problem)
    return DockerExecutor(settings.mock, build=settings.build_images, isolation=settings.isolation)


DOCKER = ExecutorKind("docker", make_docker, sandboxed=True, ready=docker_ready)
