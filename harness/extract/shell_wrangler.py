"""Which shell commands the wrangler runtime runs (`npx wrangler d1 execute`, `npm create cloudflare`,
`npm install hono`, `cd my-app`), and why the others of that tooling stay out.

Read from one command's words (quotes removed, see `shfacts`); the page's project is laid out
elsewhere (`wrangler_project`).
"""

from __future__ import annotations

from harness.extract.provided import WRANGLER_PACKAGES
from harness.runtimes.base import listed

WRANGLER_KIND = "wrangler"
"""The kind of a shell block the wrangler runtime runs."""
_NPX_FLAGS = frozenset({"-y", "--yes", "-q", "--quiet"})
_INSTALL = frozenset({"install", "i", "add"})
_LONG_RUNNING = {"tail": "streams a deployed Worker's logs until stopped"}
_BROWSER = frozenset({"login", "logout"})
_OTHER_PACKAGE_MANAGERS = frozenset({"bun", "pnpx", "bunx"})
PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm"})
"""Package managers whose create/install/run commands the runner's shims run offline (`runners/wrangler/bin`)."""
_SCRIPTS = frozenset({"run", "dev", "start", "deploy"})


def wrangler_args(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """The arguments after `wrangler` when the command runs wrangler (`wrangler d1 list`,
    `npx wrangler d1 list`, `npx -y wrangler@latest d1 list`), else None."""
    rest = list(words)
    if rest[:2] == ["pnpm", "exec"]:
        rest = rest[2:]
    elif rest and rest[0] in ("npx", "yarn", "pnpm"):
        rest = rest[1:]
        while rest and rest[0] in _NPX_FLAGS:
            rest = rest[1:]
    if rest and rest[0].rsplit("/", 1)[-1].split("@")[0] == "wrangler":
        return tuple(rest[1:])
    return None


def creates_project(words: tuple[str, ...]) -> str | None:
    """The folder `npm create cloudflare@latest NAME` (or `npx create-cloudflare NAME`) makes, `my-worker`
    when it names none; None for other commands."""
    if words[:1] and words[0] in PACKAGE_MANAGERS and len(words) > 2 and words[1] in ("create", "init") \
            and words[2].split("@")[0] == "cloudflare":
        rest = words[3:]
    elif words[:1] == ("npx",) and len(words) > 1 and words[1].split("@")[0] == "create-cloudflare":
        rest = words[2:]
    else:
        return None
    names = [w for w in rest if not w.startswith("-")]
    return names[0] if names else "my-worker"


def runs_here(words: tuple[str, ...]) -> bool:
    """Whether the wrangler runtime runs this command: wrangler, C3 (`npm create cloudflare`), `npm install`
    of packages, `npm run`, `cd` into a folder; yarn's and pnpm's spelling of them too (`yarn add hono`,
    `pnpm dev`, a bare `yarn`)."""
    if wrangler_args(words) is not None or creates_project(words) is not None:
        return True
    if words[0] in PACKAGE_MANAGERS and (len(words) > 1 and words[1] in _INSTALL | _SCRIPTS
                                         or words == ("yarn",)):
        return True
    return words[0] == "cd" and len(words) == 2


def starts_dev_server(words: tuple[str, ...]) -> bool:
    """Whether the command starts wrangler's local dev server (`npx wrangler dev`, `wrangler pages dev`,
    `npm run dev`, `yarn dev`), which runs until stopped."""
    args = wrangler_args(words)
    if args is not None:
        return args[:1] == ("dev",) or args[:2] == ("pages", "dev")
    script = words[2:3] if words[1:2] == ("run",) else words[1:2]
    return words[0] in PACKAGE_MANAGERS and script in (("dev",), ("start",))


def _package_name(spec: str) -> str:
    """`hono@4` -> `hono`, `@scope/name@1` -> `@scope/name`."""
    return "@" + spec[1:].split("@")[0] if spec.startswith("@") else spec.split("@")[0]


def _uninstallable(words: tuple[str, ...]) -> list[str]:
    """The packages an `npm install NAME...` (`yarn add`, `pnpm add`) names that the runner does not have."""
    if words[0] not in PACKAGE_MANAGERS or len(words) < 3 or words[1] not in _INSTALL:
        return []
    names = [_package_name(w) for w in words[2:] if not w.startswith("-")]
    return [name for name in dict.fromkeys(names) if name and name not in WRANGLER_PACKAGES]


def not_run_reason(words: tuple[str, ...]) -> str | None:
    """Why a command of this tooling is not run (a browser login, a server that runs until stopped, a
    package manager the harness lacks, a package it cannot install offline), or None."""
    args = wrangler_args(words)
    if args is not None:
        command = " ".join(a for a in args[:2] if not a.startswith("-"))
        first = args[0] if args else ""
        if first in _BROWSER:
            return (f"not runnable: `wrangler {first}` signs in through a browser; the harness gives wrangler an "
                    "API token instead")
        second = args[1] if len(args) > 1 else ""
        long_running = _LONG_RUNNING.get(first) or (_LONG_RUNNING.get(second) if first == "pages" else None)
        if long_running:
            return f"not runnable: `wrangler {command}` {long_running}"
        if first == "dev" and "--remote" in args:
            return "not runnable: `wrangler dev --remote` runs the Worker on Cloudflare's network, not locally"
        return None
    missing = _uninstallable(words)
    if missing:
        return (f"not runnable: installs npm package{'s' * (len(missing) > 1)} {listed(missing)}, which the harness "
                "does not have for wrangler projects (offline: add it to runners/wrangler/package.json)")
    if words[0] in _OTHER_PACKAGE_MANAGERS:
        return (f"not runnable: runs `{' '.join(words[:3])}`, and the harness runs npm, yarn and pnpm, "
                f"not {words[0]} (the page's npm tab runs)")
    return None
