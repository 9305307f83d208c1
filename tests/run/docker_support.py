"""The Docker engine for tests: in CI (CI=true) a missing engine fails the test, elsewhere it skips it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing

import pytest
from docker import DockerClient

from harness.run.docker.engine import connect, engine_problem


def engine_client() -> Iterator[DockerClient]:
    """The engine's client for a fixture to yield; in CI (CI=true) no engine fails, elsewhere skips."""
    problem = engine_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs a Docker engine: {problem}")
        pytest.skip(f"no Docker engine: {problem}")
    with closing(connect()) as client:
        yield client
