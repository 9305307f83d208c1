"""What the runner images hold, checked in the images themselves (built when missing)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from docker import DockerClient

from harness.run.docker.images import build_images, image_for

from .docker_support import engine_client

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()


def node_facts(client: DockerClient, runner: str) -> list[str]:
    """`node`'s path, version and whether it starts from V8's start-up snapshot, in `runner`'s image."""
    image = image_for(runner, client)
    if image is None:
        build_images(runners=[runner])
        image = image_for(runner, client)
    assert image is not None, f"no current {runner} image after a build"
    script = ("command -v node; node -p 'process.version + \" \" + "
              "process.config.variables.node_use_node_snapshot'")
    out = client.containers.run(image, ["sh", "-c", script], network_mode="none", remove=True)
    return bytes(out).decode().split()


@pytest.mark.parametrize("runner", ["node", "worker"])
def test_node_in_the_image_starts_from_its_snapshot(docker_client: DockerClient, runner: str) -> None:
    # Debian's nodejs is built without the start-up snapshot (and starts each snippet about twice as
    # slowly); the offline base puts the nodejs.org build first on PATH, the public node:20-slim has it.
    path, version, snapshot = node_facts(docker_client, runner)
    assert snapshot == "true", f"{runner} image: {path} {version} has no start-up snapshot"
    assert version.startswith("v20."), version
