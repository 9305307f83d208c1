"""Whether the docker executor can run here: an engine answers and every image is current."""

from __future__ import annotations

from harness.errors import HarnessError
from harness.run.docker.engine import connect
from harness.run.docker.images import image_for, runner_names
from harness.run.executor_kind import ExecutorSettings

ENGINE_TIMEOUT_S = 10.0
"""How long `auto` waits for an engine to answer before running locally."""


def docker_ready(settings: ExecutorSettings | None = None) -> str | None:
    """None when a Docker engine answers and the image of every folder of `runners/` (and the mock's)
    is built from it as it is now, else why not; with `settings.build_images`, missing images are
    no reason (they are built first)."""
    try:
        client = connect(ENGINE_TIMEOUT_S)
    except HarnessError as error:
        return str(error)
    if settings is not None and settings.build_images:
        client.close()
        return None
    try:
        missing = [name for name in runner_names() if image_for(name, client) is None]
    except Exception as error:  # the SDK raises many kinds when the engine fails half way
        return f"the Docker engine did not list its images: {error}"
    finally:
        client.close()
    return f"runner images missing or stale: {', '.join(missing)} (run `harness images build`)" if missing else None
