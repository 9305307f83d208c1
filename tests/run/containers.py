"""Images under test as testcontainers: started with a wait strategy and a timeout, labelled, and
removed when the test leaves them, also when start-up fails half way.

The images are the ones this checkout builds (`images.image_for`, built when missing): nothing is
pulled. Ryuk, testcontainers' reaper, is off (its image would have to be pulled from a registry);
every container carries testcontainers' session label and `TEST_LABEL`, and `leftovers` finds any
a test left behind.
"""

from __future__ import annotations

import os

from docker import DockerClient
from testcontainers.core.container import DockerContainer
from testcontainers.core.labels import LABEL_SESSION_ID, SESSION_ID
from testcontainers.core.wait_strategies import (
    CompositeWaitStrategy,
    ExecWaitStrategy,
    LogMessageWaitStrategy,
)

from harness.mock.server import MockConfig
from harness.run.docker.images import build_images, image_for
from harness.run.docker.sidecar import ADMIN, APP_PORT, PROXY_PORT, TLS_PORT, config_env

os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")  # read when the first container starts

TEST_LABEL = "org.harness.test"
"""Label of every container the tests start through testcontainers (its value: what it is)."""
START_TIMEOUT_S = 60


def image_under_test(client: DockerClient, runner: str) -> str:
    """The current image of `runner` (`mock`, `python`, ...), built first if there is none."""
    image = image_for(runner, client)
    if image is None:
        build_images(runners=[runner])
        image = image_for(runner, client)
    assert image is not None, f"no current {runner} image after a build"
    return image


def mock_container(image: str, config: MockConfig | None = None, **env: str) -> DockerContainer:
    """The mock sidecar image as the docker executor runs it with `config` (no network, the API hosts
    on its loopback), ready when it has said so and its admin `ready` succeeds; `env` on top."""
    config = config or MockConfig()
    hosts = config.hosts
    environment = {"HARNESS_PROXY_PORT": str(PROXY_PORT), "HARNESS_APP_PORT": str(APP_PORT),
                   "HARNESS_TLS_PORT": str(TLS_PORT), **config_env(config), **env}
    ready = CompositeWaitStrategy(LogMessageWaitStrategy("mock sidecar: proxy"),
                                  ExecWaitStrategy([*ADMIN, "ready"])).with_startup_timeout(START_TIMEOUT_S)
    return DockerContainer(image, env=environment, network_mode="none", labels={TEST_LABEL: "mock"},
                           extra_hosts={host: "127.0.0.1" for host in hosts}, cap_drop=["ALL"],
                           security_opt=["no-new-privileges"]).waiting_for(ready)


def runner_container(image: str, ready_command: list[str]) -> DockerContainer:
    """A runner image idling with no network, ready when `ready_command` succeeds in it."""
    ready = ExecWaitStrategy(ready_command).with_startup_timeout(START_TIMEOUT_S)
    return DockerContainer(image, command=["sleep", "infinity"], network_mode="none",
                           labels={TEST_LABEL: "runner"}, cap_drop=["ALL"],
                           security_opt=["no-new-privileges"]).waiting_for(ready)


def leftovers(client: DockerClient) -> list[str]:
    """Names of this session's test containers still there (none once every test has left its own)."""
    found = client.containers.list(all=True, filters={"label": [f"{LABEL_SESSION_ID}={SESSION_ID}", TEST_LABEL]})
    return [container.name or container.id or "" for container in found]
