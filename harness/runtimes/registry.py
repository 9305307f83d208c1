"""The registry of runtimes: which languages the harness runs, and which runner runs a snippet.

The built-in runtimes are listed here; a third-party package adds one by naming a `Runtime` in
the `harness.runtimes` entry-point group (`[project.entry-points."harness.runtimes"]`). A plugin
that does not load, is no `Runtime` or clashes with a registered one fails when the registry is
first read, naming itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harness.errors import HarnessError
from harness.model import Snippet
from harness.plugins import PluginError, load_plugins
from harness.run.base import Runner
from harness.runtimes.base import BaseImage, Language, Runtime

ENTRY_POINT_GROUP = "harness.runtimes"


class RuntimePluginError(PluginError):
    """A `harness.runtimes` entry point that does not load, is no `Runtime` or clashes with another."""


def built_in() -> tuple[Runtime, ...]:
    """The runtimes that ship with the harness, in the order a language's candidates are tried."""
    # imported when first asked for, not with this module: the built-ins read code with
    # extraction's modules, and those look languages up here
    from harness.runtimes.node import NODE
    from harness.runtimes.python import PYTHON
    from harness.runtimes.shell import SHELL
    from harness.runtimes.worker import WORKER
    from harness.runtimes.wrangler import WRANGLER

    return (PYTHON, NODE, SHELL, WORKER, WRANGLER)


@dataclass(frozen=True)
class _Tables:
    """The loaded runtimes and their languages, by the keys they are looked up by."""

    runtimes: tuple[Runtime, ...]
    languages: dict[str, Language]
    """Language name -> language."""
    fence_words: dict[str, Language]
    """Fence word (lower case) -> language."""


@cache
def _tables() -> _Tables:
    found: list[Runtime] = []
    languages: dict[str, Language] = {}
    words: dict[str, Language] = {}
    plugins = load_plugins(ENTRY_POINT_GROUP, Runtime, "runtime plugin", RuntimePluginError)
    for where, runtime in [(f"built-in runtime {r.name!r}", r) for r in built_in()] + plugins:
        if any(r.name == runtime.name for r in found):
            raise RuntimePluginError(f"{where}: a runtime named {runtime.name!r} is already registered")
        for language in runtime.languages:
            if languages.setdefault(language.name, language) != language:
                raise RuntimePluginError(f"{where}: another language is already named {language.name!r}")
            for word in language.fence_words:
                if words.setdefault(word.lower(), language) != language:
                    raise RuntimePluginError(f"{where}: fence word {word!r} already names language "
                                             f"{words[word.lower()].name!r}")
        found.append(runtime)
    return _Tables(tuple(found), languages, words)


def reload() -> None:
    """Forget the loaded runtimes: the next look-up reads the entry points again."""
    _tables.cache_clear()


def runtimes() -> tuple[Runtime, ...]:
    """The built-in runtimes followed by those registered by installed packages."""
    return _tables().runtimes


def runtime_named(name: str) -> Runtime:
    """The runtime called `name` (`python`, `node`, ...)."""
    found = next((r for r in runtimes() if r.name == name), None)
    if found is None:
        raise HarnessError(f"no runtime named {name!r} (known: {', '.join(runtime_names())})")
    return found


def runtime_names() -> tuple[str, ...]:
    """Every runtime's name: also its runner's, its `runners/<name>/` folder's and its image's."""
    return tuple(r.name for r in runtimes())


def languages() -> tuple[Language, ...]:
    """Every language some runtime runs."""
    return tuple(_tables().languages.values())


def language_named(name: str) -> Language | None:
    """The runnable language with normalized name `name` (`py`), or None."""
    return _tables().languages.get(name)


def language_for_fence(word: str) -> Language | None:
    """The runnable language a fence's first word names (`python3` -> `py`), or None."""
    return _tables().fence_words.get(word.lower())


def runnable_kinds() -> frozenset[str]:
    """Kinds of snippet (found by classifiers) that some runtime runs."""
    return frozenset(kind for r in runtimes() for kind in r.kinds)


def _pick(language: Language, kind: str) -> Runtime | None:
    """The runtime of `language` for `kind`: the one taking that kind, else the language's first."""
    if kind not in runnable_kinds():
        return None
    candidates = [r for r in runtimes() if language in r.languages]
    return next((r for r in candidates if kind in r.kinds), candidates[0] if candidates else None)


def runtime_for_fence(word: str, kind: str | None = None) -> Runtime | None:
    """The runtime that runs a fence whose first word is `word` and whose code is of `kind`
    (None: the language's first runtime, `node` for `js`), or None when no runtime does."""
    language = language_for_fence(word)
    if language is None:
        return None
    return _pick(language, kind) if kind is not None else next(r for r in runtimes() if language in r.languages)


def runtime_for(snippet: Snippet) -> Runtime | None:
    """The runtime that runs `snippet`, by its language and `kind` option (set at extraction).

    A kind no runtime takes (`fragment`, `notebook`, ...) gets None. A snippet without a kind (built
    by hand) gets the kind its language guesses from the code.
    """
    language = language_named(snippet.language)
    if language is None:
        return None
    kind = snippet.options.get("kind")
    return _pick(language, language.default_kind(snippet.code) if kind is None else kind)


def runners(runners_dir: Path) -> dict[str, Runner]:
    """Every runtime's runner, by name."""
    return {r.name: r.runner(runners_dir) for r in runtimes()}


def runner_for(snippet: Snippet, runners_dir: Path) -> Runner | None:
    """The runner of the runtime that runs `snippet`, or None."""
    runtime = runtime_for(snippet)
    return runtime.runner(runners_dir) if runtime else None


def base_images() -> dict[str, BaseImage]:
    """The base images runtimes build on, by kind."""
    return {r.base_image.kind: r.base_image for r in runtimes()}
