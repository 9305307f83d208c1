"""Cloudflare Workers: js/ts Worker modules, bundled with esbuild and run in workerd through Miniflare."""

from __future__ import annotations

from pathlib import Path

from harness.errors import HarnessError
from harness.extract.jsfacts import facts_of
from harness.model import Snippet
from harness.packages import runner_env
from harness.route import Route
from harness.run.base import Launch
from harness.run.common import node_package_problem, proxy_env
from harness.runtimes.base import Runtime
from harness.runtimes.javascript import JAVASCRIPT, PAGES_KIND, TYPESCRIPT
from harness.runtimes.node import NODE_BASE
from harness.runtimes.pages_function import pages_env
from harness.runtimes.worker_bindings import bindings_env
from harness.worker_request import requests_env  # world: the request(s) that fit the Worker

RESULT_FILE = "response.json"
AI_VERSIONS = ("1.0", "1.1", "1.2")
"""Generations of `@cloudflare/ai` a Worker snippet can be pinned to (option `ai_version`)."""


class WorkerRunner:
    """Runs a Worker module (`export default { fetch }`) or a Pages Function (`onRequest*`, in a Pages
    context: `harness.runtimes.pages_function`): `env.AI` is bound to the mock, other bindings come from
    Miniflare's simulators (`harness.runtimes.worker_bindings`), the harness sends the request(s) that
    fit the handler and records the answer in `response.json`. Served warm: executors may hand its
    launches to one long-lived workerd instead (`harness.run.local.warm_worker`), bar those with bindings."""

    name = "worker"
    warm_server = True

    def __init__(self, runners_dir: Path) -> None:
        self._dir = runners_dir / "worker"

    def available(self) -> str | None:
        return node_package_problem(self._dir, "miniflare")

    def launch(self, snippet: Snippet, route: Route, runners_dir: Path) -> Launch:
        name = "worker.ts" if snippet.language == "ts" else "worker.js"
        version = snippet.options.get("ai_version", "1.2")
        if version not in AI_VERSIONS:
            raise HarnessError(f"{snippet.where}: ai_version {version!r} is not one of {', '.join(AI_VERSIONS)}")
        pages = snippet.options.get("kind") == PAGES_KIND
        return Launch(
            argv=("node", str(runners_dir / "worker" / "run.mjs"), "{workdir}/" + name,
                  "{workdir}/" + RESULT_FILE),
            files={name: snippet.code.encode()},
            env={**proxy_env(route), "HARNESS_MOCK_URL": route.mock_url, "HARNESS_TOKEN": route.token,
                 "HARNESS_AI_VERSION": "" if version == "1.2" else version, **bindings_env(snippet, pages),
                 **(pages_env(snippet) if pages else event_env(snippet)), **runner_env(snippet)},
            result_file=RESULT_FILE,
        )


def event_env(snippet: Snippet) -> dict[str, str]:
    """What the Worker is sent: a cron event (`HARNESS_EVENT=scheduled`) when its only handler is
    `scheduled`, else the request(s) that fit it (`harness.worker_request`)."""
    handlers = facts_of(snippet.code, snippet.language == "ts").handlers
    if "scheduled" in handlers and "fetch" not in handlers:
        return {"HARNESS_EVENT": "scheduled"}
    return requests_env(snippet)


WORKER = Runtime(
    name=WorkerRunner.name,
    languages=(JAVASCRIPT, TYPESCRIPT),
    kinds=frozenset({"worker", PAGES_KIND}),
    runner=WorkerRunner,
    base_image=NODE_BASE,
    warm_server=WorkerRunner.warm_server,
)
