"""The choice of executor: local processes, docker containers, or `auto`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from harness.errors import HarnessError
from harness.mock.server import MockConfig
from harness.run.base import Executor
from harness.run.local.executor import LocalExecutor

if TYPE_CHECKING:
    from harness.pipeline import RunOptions

EXECUTOR_CHOICES = ("local", "docker", "auto", "inprocess")


def docker_ready() -> str | None:
    """None when a Docker engine answers and every runner image exists, else why not."""
    try:
        from harness.run.docker import images
    except ImportError as error:
        return f"docker support is not available: {error}"
    try:
        missing = [name for name in ("python", "node", "shell", "worker", "mock") if images.image_for(name) is None]
    except Exception as error:  # the SDK raises many kinds when no engine answers
        return f"no Docker engine answers: {error}"
    return f"runner images missing: {', '.join(missing)} (run `harness images build`)" if missing else None


def mock_config(options: RunOptions) -> MockConfig:
    """The mock as the configuration asks for it (scenarios, OpenAPI documents)."""
    return MockConfig(scenarios=options.config.scenarios, openapi_docs=options.config.openapi)


def make_executor(options: RunOptions, announce: Callable[[str], None] = lambda _: None) -> Executor:
    """The executor `options.executor` names; `auto` takes docker when it is ready, else local, and says so."""
    choice = options.executor
    config = mock_config(options)
    if choice == "auto":
        problem = docker_ready()
        choice = "local" if problem else "docker"
        announce(f"executor: {choice}" + (f" ({problem})" if problem else ""))
    if choice == "local":
        return LocalExecutor(options.runners_dir, config, warm_workers=options.warm_workers)
    if choice == "inprocess":
        from harness.run.inprocess.executor import InProcessExecutor

        return InProcessExecutor(options.runners_dir, config, warm_workers=options.warm_workers)
    if choice == "docker":
        from harness.run.docker.executor import DockerExecutor

        if options.build_images:
            return DockerExecutor(config, build=True, isolation=options.isolation)
        problem = docker_ready()
        if problem:
            raise HarnessError(problem)
        return DockerExecutor(config, isolation=options.isolation)
    raise HarnessError(f"unknown executor {options.executor!r} (choose from {', '.join(EXECUTOR_CHOICES)})")
