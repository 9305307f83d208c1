"""The dev server a page's prose starts. A block that calls a local dev server (`curl
http://localhost:8787/...`) on a page that has no block starting one, but whose prose tells the reader to
run `wrangler dev`, calls the page's Worker as `wrangler dev` serves it. The harness starts that server
for the block the way a block that starts it would be started (`harness.extract.dev_sessions`), with the
page's project as the reader has it at the block: the page's latest Worker code before it (else the
project `npm create cloudflare` made), and its wrangler configuration. The block's "Ran as" line names
what was served; the link option says the server is the harness's (`standin`), so a server that does not
start is the harness's error, not the block's.

A call whose server cannot be served locally says why: the page's own dev-server block is not run, the
served Worker is not run, or no block before it shows a Worker. A documented behaviour of the local dev
server that the harness's pinned wrangler lacks (`VERSION_GAPS`) is a precise not-run too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace

from harness.extract.shell_wrangler import WRANGLER_KIND, creates_project, starts_dev_server
from harness.extract.shfacts import sh_facts
from harness.extract.worker_program import RAN_AS_OPTION
from harness.extract.wrangler_project import PROJECT_OPTION, project_option
from harness.model import Snippet

DEFAULT_PORT = 8787
"""Where `wrangler dev` listens when neither its flags nor the configuration say otherwise."""
_LOCAL_URL = re.compile(r"(?:https?://)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(/[^\s'\"]*)?")
_NOT_RUNNABLE = "not runnable: "
MINIFLARE = "wrangler 4.76.0 (Miniflare 4.20260317.1)"
"""The local dev server the harness runs (`runners/wrangler`): the newest wrangler 4 on the runners' Node 20."""
VERSION_GAPS = (
    (re.compile(r"^/cdn-cgi/handler/scheduled\?(?:[^#]*&)?format=json(?:&|$)"),
     f"version gap of the harness, not a page defect: {MINIFLARE} answers "
     "`/cdn-cgi/handler/scheduled?format=json` with the outcome as text (`ok`), not as the JSON "
     "`{outcome, noRetry}` the page documents; Miniflare 4.20260730.0 answers JSON, with wrangler 4.164.0, "
     "which needs Node 22.12 or later"),
)
"""Requests whose documented answer the harness's pinned local dev server does not give: (path and query
pattern, why). Checked against the runner's installed Miniflare by `tests/devserver/test_standin.py`."""


def local_call(code: str) -> tuple[str, int, str] | None:
    """The first local URL a curl-like command of `code` calls: (as written, port, path and query)."""
    for command in sh_facts(code).commands:
        for word in command.words[1:]:
            match = _LOCAL_URL.fullmatch(word)
            if match and ("://" in word or word.startswith("localhost")):
                port = int(match.group(1)) if match.group(1) else 80
                return word, port, match.group(2) or "/"
    return None


def version_gap(code: str) -> str | None:
    """Why a call's documented answer is one the harness's local dev server does not give, or None."""
    call = local_call(code)
    reason = next((why for pattern, why in VERSION_GAPS if call and pattern.match(call[2])), None)
    return None if reason is None else _NOT_RUNNABLE + reason


def starts_any_dev_server(snippet: Snippet) -> bool:
    """Whether a wrangler block (run or not) starts a dev server: `wrangler dev --remote` counts."""
    return snippet.options.get("kind") == WRANGLER_KIND and \
        any(starts_dev_server(c.words) for c in sh_facts(snippet.code).commands)


def unserved_reason(call: Snippet, dev: Snippet) -> str:
    """The reason of a call whose page's own dev-server block `dev` is not run."""
    why = (dev.skip_reason or "").removeprefix(_NOT_RUNNABLE)
    return f"{call.skip_reason}: line {dev.line} starts it, and is not run ({why})"


def stand_in(call: Snippet, page: Sequence[Snippet]) -> dict[str, str] | str:
    """For a local call with no dev-server block before it: the options that link it to the harness's
    `wrangler dev` of the page's project, or why it cannot be served."""
    before = [s for s in page if s.line < call.line]
    found = local_call(call.code)
    if found is None or found[1] == 80:
        return f"{call.skip_reason}, on no port `wrangler dev` serves"
    port = found[1]
    flags = "" if port == DEFAULT_PORT else f" --port {port}"  # the port the configuration names (checked below)
    workers = [s for s in before if s.options.get("kind") == "worker"]
    creators = [s for s in before if s.options.get("kind") == WRANGLER_KIND
                and any(creates_project(c.words) for c in sh_facts(s.code).commands)]
    created = next((s for s in creators if s.group == creators[-1].group), None)  # a tab group's first tab
    if workers:
        project = project_option(replace(call, code="npx wrangler dev\n"), page)
        files = json.loads(project)["files"]
        config = json.loads(files["wrangler.json"])
        main = str(config.get("main", "")).lstrip("./")
        configured = (config.get("dev") or {}).get("port", DEFAULT_PORT)
        if port != configured:
            return f"{call.skip_reason}, on port {port}; `wrangler dev` serves the page's Worker on {configured}"
        served = next((s for s in reversed(before) if s.code == files.get(main)), None)
        if served is None:
            return f"{call.skip_reason}, and no Worker block before it is the project's `{main}`"
        what = f"the Worker of line {served.line}{_tab(served)} as `{main}`"
        code = f"npx wrangler dev{flags}\n"
    elif created is not None and created.skip_reason is None:
        if port != DEFAULT_PORT:  # C3's templates name no port
            return f"{call.skip_reason}, on port {port}; `wrangler dev` serves the page's Worker on {DEFAULT_PORT}"
        name = next(n for c in sh_facts(created.code).commands if (n := creates_project(c.words)))
        served, project = created, json.dumps({"dir": "", "files": {}})
        what = (f"the project line {created.line}{_tab(created)} creates (`{name}`, C3's template as "
                "`runners/wrangler/c3.mjs` lays it out offline)")
        code = f"{created.code.rstrip()}\ncd {name}\nnpx wrangler dev{flags}\n"
    else:
        return f"{call.skip_reason}, and no block before it shows the Worker that server serves"
    if served.skip_reason:
        return f"{call.skip_reason}: it would serve line {served.line}, which is not run " \
            f"({served.skip_reason.removeprefix(_NOT_RUNNABLE)})"
    ran_as = (f"after `npx wrangler dev{flags}` serving {what}, started by the harness: the page has no block "
              "that starts it")
    link = json.dumps({"line": served.line, "code": code, "standin": True})
    return {PROJECT_OPTION: project, "dev_server": link, RAN_AS_OPTION: ran_as}


def _tab(snippet: Snippet) -> str:
    return f" [{snippet.label}]" if snippet.label else ""
