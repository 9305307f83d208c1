"""Pieces every runner shares: the environment that points a runtime at the mock."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

from harness.model import HttpResponse, Snippet
from harness.route import Route

OUTPUT_LIMIT = 1_000_000
"""Bytes of stdout (and of stderr) kept per snippet by every executor; the rest is read and dropped."""

ENV_OPTION = "env."
"""Snippet options `env.NAME=value` (set at extraction for `$NAME`, `process.env.NAME`,
`os.environ["NAME"]` the code reads): exported to the snippet's process by every runner."""


def snippet_env(snippet: Snippet) -> dict[str, str]:
    """The environment variables a snippet's options ask for (`env.CLOUDFLARE_API_TOKEN=...`)."""
    return {key[len(ENV_OPTION) :]: value for key, value in snippet.options.items() if key.startswith(ENV_OPTION)}


def node_package_problem(runner_dir: Path, package: str) -> str | None:
    """Why a Node-based runner cannot run here (no `node`, or its npm packages not installed), or None."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (runner_dir / "node_modules" / package).is_dir():
        return f"npm dependencies missing in {runner_dir} (run `make setup`)"
    return None


def proxy_env(route: Route) -> dict[str, str]:
    """Proxy and CA variables that Python, curl and Node's undici honour.

    Both spellings are set because curl reads only the lower-case `http_proxy`, and NO_PROXY is
    emptied so that no host escapes the proxy (the proxy refuses hosts the mock does not serve).
    """
    env = {
        "HTTPS_PROXY": route.proxy_url,
        "HTTP_PROXY": route.proxy_url,
        "ALL_PROXY": route.proxy_url,
        "NO_PROXY": "",
        "SSL_CERT_FILE": route.ca_file,
        "REQUESTS_CA_BUNDLE": route.ca_file,
        "CURL_CA_BUNDLE": route.ca_file,
        "NODE_EXTRA_CA_CERTS": route.ca_file,
    }
    env.update({key.lower(): value for key, value in env.items() if key.endswith("PROXY")})
    return env


def parse_response(data: bytes) -> HttpResponse:
    """A Worker's answer as the worker runner writes it (see `Launch.result_file`)."""
    parsed = json.loads(data)
    headers = tuple((str(k), str(v)) for k, v in parsed["headers"])
    return HttpResponse(status=int(parsed["status"]), headers=headers, body=base64.b64decode(parsed["body_b64"]))


INFRA_EXIT = 75
"""The exit status with which a runner says the harness, not the snippet, failed (with a `harness-infra:` line)."""
INFRA_MARK = "harness-infra: "


def infra_said(exit_code: int | None, stderr: str) -> str | None:
    """What a runner said the harness's fault was (`runners/wrangler/dev.mjs`: port 8787 held by another
    program), or None: exit status 75 and a `harness-infra:` line on stderr."""
    if exit_code != INFRA_EXIT:
        return None
    said = [line.split(INFRA_MARK, 1)[1] for line in stderr.splitlines() if INFRA_MARK in line]
    return f"runner: {said[-1]}" if said else None
