"""Node.js: js, and ts that is not a Worker, run as scripts by Node 20 with `fetch` routed to the mock."""

from __future__ import annotations

import re
from pathlib import Path

from harness.model import Snippet
from harness.packages import runner_env
from harness.route import Route
from harness.run.base import Launch
from harness.run.common import node_package_problem, proxy_env, snippet_env
from harness.runtimes.base import BaseImage, Runtime
from harness.runtimes.javascript import JAVASCRIPT, TYPESCRIPT

_ESM = re.compile(r"^\s*(import\s[^(]|import\{|export\s)", re.MULTILINE)
_CJS = re.compile(r"\brequire\s*\(")


def script_name(snippet: Snippet) -> str:
    """`snippet.ts` for TypeScript; `.cjs` for CommonJS (`require` and no `import`); else `.mjs`,
    so that top-level `await` and `import` work as they do in a reader's ES module."""
    if snippet.language == "ts":
        return "snippet.ts"
    if _CJS.search(snippet.code) and not _ESM.search(snippet.code):
        return "snippet.cjs"
    return "snippet.mjs"


class NodeRunner:
    """Runs a script with `node`; `runners/node/shim.cjs` (preloaded) routes `fetch` through the
    proxy, and `runners/node/run.mjs` compiles TypeScript with esbuild first. The local executors
    run its launches in processes started ahead, one each (`harness.run.local.node_spares`)."""

    name = "node"
    warm_server = False

    def __init__(self, runners_dir: Path) -> None:
        self._dir = runners_dir / "node"

    def available(self) -> str | None:
        return node_package_problem(self._dir, "undici")

    def launch(self, snippet: Snippet, route: Route, runners_dir: Path) -> Launch:
        here = runners_dir / "node"
        name = script_name(snippet)
        return Launch(
            argv=("node", "--require", str(here / "shim.cjs"), str(here / "run.mjs"), "{workdir}/" + name),
            files={name: snippet.code.encode()},
            env={**snippet_env(snippet), **proxy_env(route), "NODE_PATH": str(here / "node_modules"),
                 **runner_env(snippet, {"NODE_PATH": str(here / "node_modules")})},
        )


NODE_BASE = BaseImage("node", "node:20-slim", "harness-base-node:trixie-node20.20.2")
"""Node 20 (see `harness/run/base_images.py` for why the offline one is trixie's)."""
NODE = Runtime(
    name=NodeRunner.name,
    languages=(JAVASCRIPT, TYPESCRIPT),
    kinds=frozenset({"script"}),
    runner=NodeRunner,
    base_image=NODE_BASE,
    warm_server=NodeRunner.warm_server,
)
