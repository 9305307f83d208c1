"""Blocks that call the page's local dev server: `curl http://localhost:8787/api` after a block that starts
`npx wrangler dev`. A reader keeps the dev server running in a second terminal while they run them; the
harness does the same: such a block runs on the wrangler runtime with the dev-server block's project,
and the runner starts that block's dev server in the background before it and stops it after
(`runners/wrangler/prelude.sh`). The link is the option `dev_server`, JSON `{"line": N, "code": text}`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from harness.extract import dev_standin
from harness.extract.shell_wrangler import WRANGLER_KIND, starts_dev_server
from harness.extract.shfacts import sh_facts
from harness.extract.worker_program import RAN_AS_OPTION
from harness.extract.wrangler_project import PROJECT_OPTION
from harness.model import Snippet

DEV_SERVER_OPTION = "dev_server"
"""The snippet option naming the block whose dev server it calls: JSON `{"line": N, "code": text}`."""
LOCAL_CALL = "not runnable: calls a local dev server"
"""The start of the reason of a block that calls a local dev server (`harness.runtimes.shell`)."""
_ENV_OPTION = "env."
DEV_CALL_TIMEOUT_S = "70"
"""The time limit of a block that calls a dev server (unless its page sets one): the block's own 30 s, plus
the dev server's start (dev.mjs waits 20 s for it) and the wait for another block's server on the port (15 s)."""
_NOT = "not runnable: "
REMOTE_ONLY = {"ai": "`env.AI`", "vectorize": "Vectorize", "browser": "Browser Rendering"}
"""Bindings (wrangler configuration keys) that `wrangler dev` serves only through a remote preview session on
Cloudflare's network (`/workers/subdomain/edge-preview`, then an upload to the edge), which the mock does
not simulate: their blocks stay out, with this reason. Measured with wrangler 4.76.0 offline: its bindings
table says `env.AI ... remote` (then "Error while creating remote dev session") and a Vectorize index
`not supported`."""


def remote_only_reason(snippet: Snippet) -> str | None:
    """Why a dev-server block cannot start offline (its Worker has a binding wrangler dev reaches remotely)."""
    files = json.loads(snippet.options.get(PROJECT_OPTION, "{}")).get("files") or {}
    try:
        config = json.loads(files.get("wrangler.json", "{}"))
    except ValueError:
        config = {}
    flags = {w.split("=")[0].lstrip("-") for c in sh_facts(snippet.code).commands for w in c.words}
    remote = [name for key, name in REMOTE_ONLY.items() if config.get(key) or key in flags]  # `pages dev --ai=AI`
    if not remote:
        return None
    local = " (and without `remote: true` it lists a Vectorize index as `not supported` locally)" \
        if "Vectorize" in remote else ""
    return (f"not runnable: `wrangler dev` serves the Worker's {' and '.join(remote)} binding through a remote "
            "preview session on Cloudflare's network (`/workers/subdomain/edge-preview`), which the harness's "
            f"mock does not simulate{local}")


def is_dev_server(snippet: Snippet) -> bool:
    """Whether a runnable wrangler block starts wrangler's local dev server."""
    return (snippet.options.get("kind") == WRANGLER_KIND and snippet.skip_reason is None
            and any(starts_dev_server(c.words) for c in sh_facts(snippet.code).commands))


def link_dev_servers(snippets: Sequence[Snippet]) -> list[Snippet]:
    """`snippets` (one page, in page order), each block that calls a local dev server and follows a
    block that starts one (of its own tab, or outside tabs) linked to the latest such block; one on a
    page with no such block linked to the dev server the harness starts for it (`dev_standin`); a
    dev-server block whose Worker needs a remote-only binding given the reason it does not run."""
    linked: list[Snippet] = []
    for snippet in snippets:
        if is_dev_server(snippet) and (remote := remote_only_reason(snippet)):
            options = {k: v for k, v in snippet.options.items() if k != RAN_AS_OPTION}  # nothing ran
            snippet = replace(snippet, skip_reason=remote, options=options)
        if (snippet.skip_reason or "").startswith(LOCAL_CALL):
            snippet = _call(snippet, linked, snippets)
        linked.append(snippet)
    return linked


def _call(snippet: Snippet, before: Sequence[Snippet], page: Sequence[Snippet]) -> Snippet:
    """A block that calls a local dev server: linked to the one it calls, or given why it is not run."""
    mine = [s for s in before if s.group != snippet.group or s.label == snippet.label]
    server = next((s for s in reversed(mine) if is_dev_server(s)), None)
    if server is not None:
        ran_as = f"after `{server.code.strip()}` of line {server.line}, running as the page says"
        return _linked(snippet, server, {RAN_AS_OPTION: ran_as})
    unrun = next((s for s in reversed(mine) if dev_standin.starts_any_dev_server(s)), None)
    if unrun is not None:
        reason = dev_standin.unserved_reason(snippet, unrun)
        local = remote_only_reason(replace(unrun, code="npx wrangler dev\n"))  # its project, served locally
        if local and "--remote" in unrun.code:
            reason += f"; a local `wrangler dev` in its place would not serve it either: {local.removeprefix(_NOT)}"
        return replace(snippet, skip_reason=reason)
    served = dev_standin.stand_in(snippet, page)
    if isinstance(served, str):
        return replace(snippet, skip_reason=served)
    result = replace(snippet, skip_reason=None, options={"timeout": DEV_CALL_TIMEOUT_S, **snippet.options, **served,
                                                          "kind": WRANGLER_KIND})
    remote = remote_only_reason(replace(result, code="npx wrangler dev\n"))
    if remote:
        return replace(snippet, skip_reason=f"{snippet.skip_reason}: {remote.removeprefix(_NOT)}")
    gap = dev_standin.version_gap(snippet.code)
    return result if gap is None else replace(snippet, skip_reason=gap)


def _linked(snippet: Snippet, server: Snippet, extra: dict[str, str]) -> Snippet:
    """`snippet` run on the wrangler runtime with `server`'s project, env and dev server."""
    inherited = {k: v for k, v in server.options.items() if k.startswith(_ENV_OPTION) or k == PROJECT_OPTION}
    options = {"timeout": DEV_CALL_TIMEOUT_S, **inherited, **snippet.options, **extra, "kind": WRANGLER_KIND,
               DEV_SERVER_OPTION: json.dumps({"line": server.line, "code": server.code})}
    gap = dev_standin.version_gap(snippet.code)  # not run: it keeps its own options, no "Ran as"
    return replace(snippet, skip_reason=None, options=options) if gap is None else replace(snippet, skip_reason=gap)
