"""What the harness's runners give a snippet: packages, Worker bindings, shell programs.

The classifier reads these to say "needs package `hono`, not installed" instead of running a
snippet that cannot work. They mirror the runners' manifests (`runners/*/package.json`,
`runners/python/requirements.txt`, `runners/shell/Dockerfile`); a test keeps them in step.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

NODE_PACKAGES: frozenset[str] = frozenset({
    "@langchain/textsplitters", "ai", "cloudflare", "esbuild", "openai", "stripe", "undici", "zod",
})
"""npm packages a Node script may import (`runners/node/package.json`)."""
WORKER_PACKAGES: frozenset[str] = frozenset({
    "@cloudflare/ai", "@cloudflare/ai-utils", "@cloudflare/puppeteer", "@cloudflare/workers-types", "ai",
    "base64-js", "esbuild", "hono", "itty-router", "miniflare", "mustache", "openai", "stripe", "typescript",
    "undici", "workers-ai-provider", "zod",
})
"""npm packages a Worker may import (`runners/worker/package.json`); `cloudflare:*` and `node:*` too."""
WRANGLER_PACKAGES: frozenset[str] = frozenset({
    "@cloudflare/ai-utils", "@cloudflare/puppeteer", "@langchain/textsplitters", "hono", "stripe", "wrangler",
})
"""npm packages a wrangler block's `npm install NAME` links into its project (`runners/wrangler/package.json`)."""
WORKER_BINDINGS: frozenset[str] = frozenset({"AI"})
"""`env` bindings the worker runner gives a Worker, by name (Workers AI as `env.AI`)."""
WORKER_BINDING_TYPES: frozenset[str] = frozenset({
    "kv_namespace", "r2_bucket", "d1_database", "durable_object_namespace", "queue", "ratelimit", "var", "secret",
    "workflow",
    # the mock's (runners/worker/mock-binding.mjs):
    "vectorize", "analytics_engine", "service", "assets", "stream", "browser",
})
"""Binding types (`kv_namespace`, `d1_database`, ... see `bindings.TYPE_NAMES`) the worker runner
simulates under any name; a snippet needing another type is not run, and its reason names the type."""
PYTHON_PACKAGES: frozenset[str] = frozenset({"requests", "httpx", "openai", "fastapi", "ipython", "python-dotenv"})
"""Python distributions a script may import besides the standard library (the pins at the top of
`requirements.txt`; the pins of their dependencies follow)."""
PYTHON_IMPORT_NAMES: frozenset[str] = frozenset({"IPython", "dotenv"})
"""The modules of those distributions whose import name is not the distribution's."""
PYTHON_MODULES: frozenset[str] = frozenset(sys.stdlib_module_names) | PYTHON_PACKAGES | PYTHON_IMPORT_NAMES

_CONFIGURED: ContextVar[tuple[frozenset[str], frozenset[str]]] = ContextVar(
    "configured", default=(frozenset(), frozenset()))


@contextmanager
def configured(npm: frozenset[str], python: frozenset[str]) -> Iterator[None]:
    """Within: the project's configured npm packages and Python modules count as provided (`harness.packages`)."""
    token = _CONFIGURED.set((npm, python))
    try:
        yield
    finally:
        _CONFIGURED.reset(token)


def npm_provided(name: str, worker: bool) -> bool:
    """Whether a Worker (or a Node script) may import npm package `name`."""
    return name in (WORKER_PACKAGES if worker else NODE_PACKAGES) or name in _CONFIGURED.get()[0]


def python_provided(module: str) -> bool:
    """Whether a Python script may import top-level module `module`."""
    return module in PYTHON_MODULES or module in _CONFIGURED.get()[1]


_NODE_BUILTINS = """
    assert async_hooks buffer child_process cluster console constants crypto dgram
    diagnostics_channel dns domain events fs fs/promises http http2 https inspector module net os
    path path/posix path/win32 perf_hooks process punycode querystring readline readline/promises
    repl stream stream/promises stream/web string_decoder sys timers timers/promises tls
    trace_events tty url util util/types v8 vm wasi worker_threads zlib test
"""
NODE_BUILTINS: frozenset[str] = frozenset(_NODE_BUILTINS.split())
"""Node's built-in modules (importable bare or as `node:x`)."""

_SHELL_PROGRAMS = """
    curl jq bash sh echo printf cat base64 sed grep egrep awk head tail tr cut sort uniq wc date
    sleep env true false test [ [[ set unset export read shift mkdir ls rm cp mv touch tee xargs
    basename dirname printenv pwd seq yes expr md5sum sha256sum od hexdump perl source . if then
    else elif fi for while do done case esac function return exit local declare typeset readonly
    eval exec trap wait let time
"""
SHELL_PROGRAMS: frozenset[str] = frozenset(_SHELL_PROGRAMS.split())
"""Programs (and shell words) the shell runner has: bash, curl, jq and coreutils."""

_STANDARD_VARIABLES = """
    HOME PATH PWD OLDPWD USER SHELL TMPDIR TERM LANG RANDOM SECONDS LINENO HOSTNAME UID EUID PPID
    BASH BASH_SOURCE BASH_VERSION IFS OSTYPE REPLY PIPESTATUS
"""
STANDARD_VARIABLES: frozenset[str] = frozenset(_STANDARD_VARIABLES.split())
"""Variables every shell has: reading them needs no placeholder value."""
