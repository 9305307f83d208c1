"""Runnable or not: what a snippet is (a Worker, a script, shell commands, a fragment) and, when
the harness cannot run it, why, in words a docs writer can act on.

The rules are about code, never about pages, and they err towards "runnable": a snippet is a
fragment only when it reads a name nothing defines (or `return`s outside a function), and
"needs X" only when it imports or runs something the runners do not have (`provided.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from harness.extract import provided
from harness.extract.jsfacts import js_facts
from harness.extract.jsglobals import BROWSER_ONLY, RUNTIME_GLOBALS
from harness.extract.jsnames import KEYWORDS
from harness.extract.placeholders import environment
from harness.extract.pyfacts import py_facts
from harness.extract.shfacts import sh_facts

RUNNABLE_KINDS = ("worker", "script", "shell")
"""Kinds a runner takes; the others (`fragment`, `service-worker`, `python-worker`, `notebook`,
`output`) always come with a reason."""

PYTHON_WORKER_MODULES = frozenset({"js", "pyodide", "workers"})
CLOUDFLARE_TOOLS = frozenset({"wrangler", "c3", "create-cloudflare", "cloudflare", "cloudflared", "workerd"})
PACKAGE_TOOLS = frozenset({"npm", "npx", "yarn", "pnpm", "pnpx", "bun", "bunx", "deno", "pip", "pip3", "pipx",
                           "uv", "poetry", "brew", "apt", "apt-get", "cargo", "go", "gem", "composer", "node",
                           "python", "python3", "git", "docker"})
_COMMAND_WORD = re.compile(r"^[A-Za-z_./~][\w.+/~-]*$")
_PROSE = re.compile(r"^[A-Za-z][A-Za-z' ,]*[.:?]$")
_UPPER = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class Note:
    """Something worth a diagnostic, and text on the line it is about."""

    message: str
    near: str = ""


@dataclass(frozen=True)
class Classification:
    """What a snippet is and whether the harness can run it."""

    kind: str
    reason: str | None = None
    """Why it is not run (`fragment: uses env, never defined`), or None to run it."""
    language: str = ""
    """The language to run it as (a `js` fence holding TypeScript runs as `ts`)."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Environment variables it reads that have values (`CLOUDFLARE_API_TOKEN`)."""
    missing_env: tuple[str, ...] = ()
    """Environment variables it reads that have no value: placeholders left unreplaced."""
    notes: tuple[Note, ...] = ()


def classify(code: str, language: str, placeholders: Mapping[str, str]) -> Classification | None:
    """Classify `code` in `language` (`js`, `ts`, `py`, `sh`); None for other languages."""
    if language in ("js", "ts"):
        return _javascript(code, language, placeholders)
    if language == "py":
        return _python(code, placeholders)
    if language == "sh":
        return _shell(code, placeholders)
    return None


def _names(names: Iterable[str], quote: str = "`") -> str:
    listed = [f"{quote}{name}{quote}" for name in names]
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def _javascript(code: str, language: str, placeholders: Mapping[str, str]) -> Classification:
    facts = js_facts(code, typescript=language == "ts")
    notes: tuple[Note, ...] = ()
    if language == "js" and facts.typescript:
        notes = (Note(f"the fence says js but the code is TypeScript (`{facts.typescript}`): run as TypeScript",
                      near=facts.typescript.split(":")[0]),)
        language = "ts"
    env, missing = environment(list(facts.process_env), placeholders)

    def result(kind: str, reason: str | None = None) -> Classification:
        return Classification(kind, reason, language, env, tuple(missing), notes)

    worker = facts.default_export and ("fetch" in facts.handlers or not facts.handlers)
    if facts.service_worker and not facts.default_export:
        return result("service-worker", 'not runnable: Service Worker format (`addEventListener("fetch")`); '
                      "the harness runs ES module Workers")
    unknown = [n for n in facts.used if n not in RUNTIME_GLOBALS and n not in KEYWORDS]
    browser = [n for n in unknown if n in BROWSER_ONLY]
    if browser:
        return result("fragment", f"fragment: browser-only API {_names(browser)}")
    if facts.top_level_return:
        return result("fragment", "fragment: `return` outside a function")
    if unknown and not (facts.default_export and "fetch" in facts.handlers):
        # a whole Worker that reads an undefined name is a page bug for the run to show, not a fragment
        return result("fragment", f"fragment: uses {_names(unknown)}, never defined")
    local = [spec for spec in facts.imports if spec.startswith(".")]
    if local:
        return result("fragment", f"fragment: imports {_names(local)}, a file of a larger project")
    runs_in_worker = facts.default_export or any(spec.startswith("cloudflare:") for spec in facts.imports)
    if runs_in_worker and not worker:
        handlers = [h for h in facts.handlers if h != "fetch"]
        if handlers:
            return result("worker", f"not runnable: Worker with no fetch handler (only {_names(handlers)}); "
                          "the harness sends a Worker one request")
        return result("fragment", "fragment: Worker code without a default export that handles fetch")
    if not worker and not facts.top_level_effect:
        pages = [name for name in facts.declares if name.startswith("onRequest")]
        if pages:
            return result("pages-function", f"not runnable: Pages Function ({_names(pages)}); the harness "
                          "runs no Pages project")
        if facts.declares:
            return result("module", f"not runnable: only defines {_names(facts.declares)}; nothing calls it")
        return result("fragment", "fragment: nothing at the top level runs")
    packages = _missing_packages(facts.imports, worker=runs_in_worker)
    if packages:
        where = "Workers" if runs_in_worker else "Node scripts"
        return result("worker" if worker else "script",
                      f"not runnable: needs npm package {_names(packages)}, not installed for {where}")
    bindings = [b for b in facts.env_bindings if b not in provided.WORKER_BINDINGS]
    if worker and bindings:
        have = ", ".join(sorted(provided.WORKER_BINDINGS))
        return result("worker", f"not runnable: needs binding {_names(bindings)} (the harness binds only {have})")
    return result("worker" if worker else "script")


def _package(spec: str) -> str:
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


def _missing_packages(imports: Iterable[str], worker: bool) -> list[str]:
    have = provided.WORKER_PACKAGES if worker else provided.NODE_PACKAGES
    missing = []
    for spec in imports:
        if spec.startswith(("node:", "cloudflare:")) or spec in provided.NODE_BUILTINS:
            continue
        name = spec if "://" in spec else _package(spec)
        if name not in have:
            missing.append(name)
    return list(dict.fromkeys(missing))


def _python(code: str, placeholders: Mapping[str, str]) -> Classification:
    facts = py_facts(code)
    env, missing = environment(list(facts.environ), placeholders)

    def result(kind: str, reason: str | None = None) -> Classification:
        return Classification(kind, reason, "py", env, tuple(missing))

    if facts.notebook:
        return result("notebook", f"not runnable: notebook cell (`{facts.notebook}`)")
    worker_modules = [m for m in facts.imports if m in PYTHON_WORKER_MODULES]
    if worker_modules or "on_fetch" in facts.defines:
        what = f"imports {_names(worker_modules)}" if worker_modules else "defines `on_fetch`"
        return result("python-worker", f"not runnable: Python Worker ({what}); the harness has no Python "
                      "Workers runtime")
    if facts.top_level_return:
        return result("fragment", "fragment: `return` outside a function")
    if facts.top_level_await:
        return result("fragment", "fragment: `await` outside an async function")
    if facts.undefined:
        return result("fragment", f"fragment: uses {_names(facts.undefined)}, never defined")
    packages = [m for m in facts.imports if m not in provided.PYTHON_MODULES]
    if packages:
        return result("script", f"not runnable: needs Python package {_names(packages)}, not installed")
    if not facts.top_level_effect:
        return result("module", f"not runnable: only defines {_names(facts.defines)}; nothing calls it"
                      if facts.defines else "not runnable: nothing at the top level runs")
    return result("script")


def _shell(code: str, placeholders: Mapping[str, str]) -> Classification:
    facts = sh_facts(code)
    if not facts.commands:
        return Classification("shell", "not runnable: no commands, only comments", "sh")
    first = facts.commands[0]
    if facts.unterminated_quote:
        return Classification("shell", None, "sh")  # bash says where the quote opens; that is the finding
    if not _COMMAND_WORD.match(first.program) or _PROSE.match(" ".join(first.words)):
        return Classification("output", "not runnable: output or text, not commands", "sh")
    reason = next((r for r in (_tool_reason(c.words, facts.set) for c in facts.commands) if r), None)
    reason = reason or next((r for r in (_host_reason(c.words) for c in facts.commands) if r), None)
    names = [v for v in facts.read if v not in facts.set and v not in provided.STANDARD_VARIABLES]
    env, missing = environment(names, placeholders)
    unset = [v for v in missing if not _UPPER.match(v)]
    if reason is None and unset:
        reason = f"fragment: uses {_names(['$' + v for v in unset])}, never set"
    return Classification("shell", reason, "sh", env, tuple(v for v in missing if _UPPER.match(v)))


_URL_HOST = re.compile(r"^(?:https?://)?([^/:?#\s]+)(:\d+)?")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "[::1]"})
DEPLOYED = (".workers.dev", ".pages.dev")


def _host_reason(words: tuple[str, ...]) -> str | None:
    """A request to the reader's own server: `wrangler dev` on localhost, or a deployed Worker."""
    if words[0] not in ("curl", "wget", "http", "xh"):
        return None
    for word in words[1:]:
        match = _URL_HOST.match(word) if "://" in word or word.startswith("localhost") else None
        if match is None:
            continue
        host = match.group(1).lower()
        if host in LOCAL_HOSTS:
            return f"not runnable: calls a local dev server (`{match.group(0)}`) an earlier step starts"
        if host.endswith(DEPLOYED):
            return f"not runnable: calls a deployed Worker or Pages site (`{host}`)"
    return None


def _tool_reason(words: tuple[str, ...], assigned: frozenset[str]) -> str | None:
    """Why a command cannot run in the harness's shell, or None when it can."""
    program = words[0]
    if not _COMMAND_WORD.match(program) or program.startswith("./"):
        return None if not program.startswith("./") else f"not runnable: runs `{program}`, a file of the project"
    shown = " ".join(words[:3])
    rest = {w.split("@")[0] for w in words[1:4]}
    if program.rsplit("/", 1)[-1] in CLOUDFLARE_TOOLS or rest & CLOUDFLARE_TOOLS:
        return f"not runnable: needs a Cloudflare account and tooling the harness does not provide (`{shown}`)"
    if program in PACKAGE_TOOLS:
        return f"not runnable: runs `{shown}`, tooling the harness does not provide"
    if program == "cd" and len(words) > 1:
        return f"not runnable: works in a project folder an earlier step creates (`cd {words[1]}`)"
    if program not in provided.SHELL_PROGRAMS and program not in assigned:
        return f"not runnable: runs `{program}`, which the harness does not provide"
    return None
