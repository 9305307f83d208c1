"""wrangler: shell blocks that run `npx wrangler ...`, `npm create cloudflare` or `npm install NAME`, run
by bash with the real wrangler from npm (`runners/wrangler/`), pointed at the mock's Cloudflare API.

The block runs in a work dir holding the page's project (option `project`, laid out at extraction by
`harness.extract.wrangler_project`): its wrangler configuration, the files its titled code blocks name,
and a `package.json`. `runners/wrangler/bin` comes first on PATH: `npx wrangler` is this wrangler,
`npm create cloudflare` lays out C3's hello-world template, `npm install hono` links a package the runner
installed; nothing reaches a registry.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from harness.extract.dev_sessions import DEV_SERVER_OPTION, is_dev_server
from harness.extract.wrangler_project import PROJECT_OPTION
from harness.model import Snippet
from harness.route import Route
from harness.run.base import Launch
from harness.run.common import node_package_problem, proxy_env, snippet_env
from harness.runtimes.base import Runtime
from harness.runtimes.node import NODE_BASE
from harness.runtimes.shell import SH
from harness.worker_request import requests_for

LOCAL = "localhost,127.0.0.1,[::1]"
"""Hosts a dev-server block's requests reach directly, as on a reader's machine (the dev server is local)."""

API_BASE = "https://api.cloudflare.com/client/v4"
"""Where wrangler sends API calls (`CLOUDFLARE_API_BASE_URL`): the real host, which the proxy hands to the mock."""


def wrangler_env(route: Route) -> dict[str, str]:
    """What points wrangler at the mock and keeps it quiet and offline: the API base (the token and
    account, instead of a browser login, are the snippet's `env` options, set at classification), no
    metrics or error reports, no banner (its update check asks the registry), no fetch of Cloudflare's
    `cf.json` by the Miniflare that `wrangler types`, `pages dev` or `--local` start (its placeholder
    `request.cf` instead), an unreachable registry for anything that still asks one."""
    return {
        "CLOUDFLARE_API_BASE_URL": API_BASE,
        "WRANGLER_SEND_METRICS": "false",
        "WRANGLER_SEND_ERROR_REPORTS": "false",
        "WRANGLER_HIDE_BANNER": "true",
        "CLOUDFLARE_CF_FETCH_ENABLED": "false",
        "WRANGLER_CACHE_DIR": "{workdir}/.wrangler-cache",
        "npm_config_registry": "http://127.0.0.1:9/",
        "npm_config_update_notifier": "false",
        "CI": "true",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
        **proxy_env(route),
    }


def project_files(snippet: Snippet) -> tuple[str, dict[str, bytes]]:
    """(the folder the project is in, relative to the work dir; its files by path in the work dir)."""
    project = json.loads(snippet.options.get(PROJECT_OPTION, "{}"))
    folder = str(project.get("dir") or "")
    prefix = f"{folder}/" if folder else ""
    return folder, {prefix + path: text.encode() for path, text in (project.get("files") or {}).items()}


def dev_env(snippet: Snippet) -> tuple[dict[str, str], dict[str, bytes]]:
    """What a block that starts `wrangler dev` (or calls one an earlier block starts) needs: the request
    dev.mjs sends the Worker (the one the harness sends a Worker of that code, `worker_request`), the
    earlier block as a file for the prelude to start first, and local hosts out of the proxy."""
    linked = json.loads(snippet.options.get(DEV_SERVER_OPTION, "null"))
    if linked is None and not is_dev_server(snippet):
        return {}, {}
    project = json.loads(snippet.options.get(PROJECT_OPTION, "{}"))
    files = project.get("files") or {}
    main = str(json.loads(files.get("wrangler.json", "{}")).get("main", "")).lstrip("./")
    if not main:  # a Pages project: its Function at `/` answers (`wrangler_folders`)
        main = next((p for p in ("functions/index.ts", "functions/index.js") if p in files), "")
    worker = replace(snippet, code=str(files.get(main, "")))
    env = {"HARNESS_DEV_REQUEST": json.dumps(requests_for(worker)[0].to_json()), "NO_PROXY": LOCAL,
           "no_proxy": LOCAL}
    if linked is None:
        return env, {}
    env |= {"HARNESS_DEV_BLOCK": ".harness-dev-block.sh", "HARNESS_DEV_LINE": str(linked["line"])}
    if linked.get("standin"):  # the harness's own `wrangler dev` (no block of the page starts it)
        env["HARNESS_DEV_STANDIN"] = "1"
    return env, {".harness-dev-block.sh": str(linked["code"]).encode()}


class WranglerRunner:
    """Runs a wrangler block with `runners/wrangler/prelude.sh` (which links the project's node_modules
    and puts the runner's `npx`/`npm`/`wrangler` first on PATH), then `bash -e` on the block."""

    name = "wrangler"
    warm_server = False

    def __init__(self, runners_dir: Path) -> None:
        self._dir = runners_dir / "wrangler"

    def available(self) -> str | None:
        missing = [tool for tool in ("bash",) if shutil.which(tool) is None]
        return f"not on PATH: {', '.join(missing)}" if missing else node_package_problem(self._dir, "wrangler")

    def launch(self, snippet: Snippet, route: Route, runners_dir: Path) -> Launch:
        folder, files = project_files(snippet)
        dev, dev_files = dev_env(snippet)
        env = {**wrangler_env(route), **snippet_env(snippet), "HARNESS_PROJECT_DIR": folder or ".", **dev}
        return Launch(
            argv=("bash", str(runners_dir / "wrangler" / "prelude.sh"), "{workdir}/snippet.sh"),
            files={**files, **dev_files, "snippet.sh": snippet.code.encode()},
            env=env,
        )


WRANGLER = Runtime(
    name=WranglerRunner.name,
    languages=(SH,),
    kinds=frozenset({"wrangler"}),
    runner=WranglerRunner,
    base_image=NODE_BASE,
    warm_server=WranglerRunner.warm_server,
)
