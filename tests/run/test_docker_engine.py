"""The engine helpers: run labels and reaping what runs leave behind."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest
from docker import DockerClient

from harness.run.docker.engine import PID_LABEL, RUN_LABEL, RunLabels, reap, reap_orphans

from .docker_support import engine_client


@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()


def leftovers(client: DockerClient, labels: RunLabels) -> None:
    """A stopped container and a volume, as a killed run leaves them."""
    client.volumes.create(name=f"harness-{labels.run_id}-leftover", labels=labels.of("work"))
    client.containers.create("harness-runner-shell:latest", ["true"], labels=labels.of("snippet"),
                             network_mode="none")


def test_labels_name_the_run_and_its_owner() -> None:
    labels = RunLabels()
    assert labels.of("mock")[RUN_LABEL] == labels.run_id and labels.of("mock")[PID_LABEL] == str(os.getpid())
    assert labels.selector == f"{RUN_LABEL}={labels.run_id}" and RunLabels().run_id != labels.run_id


@pytest.mark.docker
def test_reap_removes_one_runs_leftovers(docker_client: DockerClient) -> None:
    mine, other = RunLabels(), RunLabels()
    leftovers(docker_client, mine)
    leftovers(docker_client, other)
    assert reap(mine.run_id, docker_client) == 2
    assert docker_client.containers.list(all=True, filters={"label": mine.selector}) == []
    assert len(docker_client.containers.list(all=True, filters={"label": other.selector})) == 1
    assert reap(other.run_id, docker_client) == 2


@pytest.mark.docker
def test_orphans_of_dead_harness_processes_are_reaped(docker_client: DockerClient) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = RunLabels()
    alive = RunLabels()
    leftovers(docker_client, alive)  # owned by this (living) process
    container = docker_client.containers.create(
        "harness-runner-shell:latest", ["true"], network_mode="none",
        labels={**orphan.of("snippet"), PID_LABEL: str(dead.pid)},
    )
    assert reap_orphans(docker_client) >= 1
    assert docker_client.containers.list(all=True, filters={"id": container.id}) == []
    assert len(docker_client.containers.list(all=True, filters={"label": alive.selector})) == 1
    reap(alive.run_id, docker_client)


@pytest.mark.docker
def test_a_container_removed_while_reaping_is_not_an_error(
    docker_client: DockerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run removes its container between the reaper's list and its inspect (seen in CI)."""
    other, dead = RunLabels(), subprocess.Popen(["true"])
    dead.wait()
    vanishing = docker_client.containers.create("harness-runner-shell:latest", ["true"], network_mode="none",
                                                labels=other.of("snippet"))
    orphan = docker_client.containers.create("harness-runner-shell:latest", ["true"], network_mode="none",
                                             labels={**RunLabels().of("snippet"), PID_LABEL: str(dead.pid)})
    inspect = docker_client.api.inspect_container

    def inspect_after_the_other_run_cleaned_up(container_id: str) -> object:
        if vanishing.id.startswith(container_id) or container_id.startswith(vanishing.id):
            vanishing.remove(force=True)
        return inspect(container_id)

    monkeypatch.setattr(docker_client.api, "inspect_container", inspect_after_the_other_run_cleaned_up)
    assert reap_orphans(docker_client) >= 1
    monkeypatch.undo()
    assert docker_client.containers.list(all=True, filters={"id": orphan.id}) == []
    assert docker_client.containers.list(all=True, filters={"label": other.selector}) == []
