"""Shell: `sh`/`bash`/`console` fences, run by bash with curl as a reader would paste them into a terminal."""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from harness.extract import provided, shell_wrangler
from harness.extract.placeholder_values import environment
from harness.extract.shell import split_shell
from harness.extract.shfacts import sh_facts
from harness.generated_values import reader_file_stand_ins
from harness.model import Snippet
from harness.route import Route
from harness.run.base import Launch
from harness.run.common import proxy_env, snippet_env
from harness.runtimes.base import BaseImage, Classification, Language, Runtime, listed

CLOUDFLARE_TOOLS = frozenset({"wrangler", "c3", "create-cloudflare", "cloudflare", "cloudflared", "workerd"})
PACKAGE_TOOLS = frozenset({"npm", "npx", "yarn", "pnpm", "pnpx", "bun", "bunx", "deno", "pip", "pip3", "pipx",
                           "uv", "poetry", "brew", "apt", "apt-get", "cargo", "go", "gem", "composer", "node",
                           "python", "python3", "git", "docker"})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "[::1]"})
DEPLOYED = (".workers.dev", ".pages.dev")
_COMMAND_WORD = re.compile(r"^[A-Za-z_./~][\w.+/~-]*$")
_PROSE = re.compile(r"^[A-Za-z][A-Za-z' ,]*[.:?]$")
_UPPER = re.compile(r"^[A-Z][A-Z0-9_]*$")
_FUNCTION = re.compile(r"(?:^|[;&|{]\s*)(?:function\s+([^\s(){};|&<>$'\"]+)\s*(?:\(\s*\))?|([^\s(){};|&<>$'\"]+)"
                       r"\s*\(\s*\))\s*\{", re.MULTILINE)
"""A shell function definition, `name() {`, `function name {` (`:(){ :|:& };:` defines `:`)."""
_URL_HOST = re.compile(r"^(?:https?://)?([^/:?#\s]+)(:\d+)?")
ONLY_ASSIGNMENTS = "not runnable: only sets variables"
"""The start of the reason of a block of `NAME=value` lines only (in a page session they set what later blocks read)."""
_WRANGLER_ENV = ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID")
"""What wrangler reads instead of a browser login: set for every block the wrangler runtime runs."""


def classify_sh(code: str, placeholders: Mapping[str, str]) -> Classification:
    """Commands (kind `shell`), or why not: output or prose, tooling or hosts the harness lacks."""
    facts = sh_facts(code)
    if not facts.commands and facts.set:  # `NAME="value"` lines: what a `.env` file or a later block reads
        return Classification("shell", f"{ONLY_ASSIGNMENTS} {listed(sorted(facts.set))}, which nothing in it reads: "
                              "run alone it has no effect", "sh")
    if not facts.commands:
        return Classification("shell", "not runnable: no commands, only comments", "sh")
    first = facts.commands[0]
    if facts.unterminated_quote:
        return Classification("shell", None, "sh")  # bash says where the quote opens; that is the finding
    functions = frozenset(name for pair in _FUNCTION.findall(code) for name in pair if name)
    if first.program not in functions and (not _COMMAND_WORD.match(first.program)
                                           or _PROSE.match(" ".join(first.words))):
        return Classification("output", "not runnable: output or text, not commands", "sh")
    known = facts.set | functions
    wrangler = any(shell_wrangler.runs_here(c.words) for c in facts.commands)
    reason = next((r for r in (_command_reason(c.words, known) for c in facts.commands) if r), None)
    reason = reason or next((r for r in (_host_reason(c.words) for c in facts.commands) if r), None)
    names = [v for v in facts.read if v not in facts.set and v not in provided.STANDARD_VARIABLES]
    env, missing = environment(names + list(_WRANGLER_ENV) * wrangler, placeholders)
    unset = [v for v in missing if not _UPPER.match(v)]
    if reason is None and unset:
        reason = f"fragment: uses {listed(['$' + v for v in unset])}, never set"
    kind = shell_wrangler.WRANGLER_KIND if wrangler else "shell"
    return Classification(kind, reason, "sh", env, tuple(v for v in missing if _UPPER.match(v)))


def _command_reason(words: tuple[str, ...], known: frozenset[str]) -> str | None:
    """Why a command cannot run: wrangler's tooling (which the wrangler runtime runs) has its own reasons."""
    reason = shell_wrangler.not_run_reason(words)
    if reason or shell_wrangler.runs_here(words):
        return reason
    return _tool_reason(words, known)


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


HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
"""`GET https://api.cloudflare.com/...` in a shell fence: the request it names, as a reference shows it."""


def _tool_reason(words: tuple[str, ...], assigned: frozenset[str]) -> str | None:
    """Why a command cannot run in the harness's shell, or None when it can; `assigned` are the
    variables and functions the snippet defines itself."""
    program = words[0]
    if program in HTTP_METHODS and len(words) > 1 and ("://" in words[1] or words[1].startswith("/")):
        return f"not runnable: an HTTP request line (`{program} {words[1]}`), not a command"
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


def split_session(block: str) -> tuple[str, str | None]:
    """The commands of a block (after `$ ` prompts) and the output it shows."""
    split = split_shell(block)
    return split.commands, split.expected_output


class ShellRunner:
    """Runs an `sh` snippet with `bash -e`: the first failing command fails the snippet."""

    name = "shell"
    warm_server = False

    def available(self) -> str | None:
        missing = [tool for tool in ("bash", "curl") if shutil.which(tool) is None]
        return f"not on PATH: {', '.join(missing)}" if missing else None

    def launch(self, snippet: Snippet, route: Route, runners_dir: Path) -> Launch:
        return Launch(
            argv=("bash", "-e", "{workdir}/snippet.sh"),
            files={**reader_file_stand_ins(snippet.options), "snippet.sh": snippet.code.encode()},
            env={**snippet_env(snippet), **proxy_env(route)},
        )


SH = Language(
    name="sh",
    fence_words=("sh", "bash", "shell", "console", "zsh"),
    classify=classify_sh,
    default_kind=lambda _code: "shell",
    split_output=split_session,
    body_marker="-d",
)
DEBIAN_BASE = BaseImage("debian", "debian:bookworm-slim", "harness-base-debian:bookworm")
"""Debian with bash, curl and jq."""
SHELL = Runtime(
    name=ShellRunner.name,
    languages=(SH,),
    kinds=frozenset({"shell"}),
    runner=lambda _runners_dir: ShellRunner(),
    base_image=DEBIAN_BASE,
    warm_server=ShellRunner.warm_server,
)
