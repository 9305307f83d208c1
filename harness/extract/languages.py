"""Fence languages: which words name a language the harness runs, and under which name.

The words of runnable languages are declared by the runtimes (`harness.runtimes.registry`); this
module lists the words of languages that are shown but never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.runtimes.registry import language_for_fence

_NOT_RUNNABLE_WORDS = """
    json jsonc json5 jsonl ndjson toml yaml yml txt text plaintext plain mermaid html htm css scss
    sass less xml svg diff patch sql graphql gql go golang rust rs java php ruby rb c h cpp c++ cc hpp
    csharp cs c# fsharp swift kotlin kt dockerfile docker ini env dotenv properties conf http
    powershell ps1 pwsh bat cmd batch jsx tsx vue svelte astro md markdown mdx nginx apache hcl
    terraform tf proto protobuf csv log output lua r scala dart elixir ex erlang haskell hs perl pl
    regex wasm wat handlebars hbs liquid jinja twig makefile make cmake groovy gradle objc
    objective-c zig nix vcl ocaml clojure julia matlab tex latex asm nasm dns zone curl js-nolint
    ts-nolint sh-session shellsession shell-session ansi mdc promql logql cue rego starlark
"""

NOT_RUNNABLE: frozenset[str] = frozenset(_NOT_RUNNABLE_WORDS.split())
"""Fence words (lower case) of languages that are shown but not run (data, markup, other runtimes)."""

_FIRST_WORD = re.compile(r"[^\s{]*")


@dataclass(frozen=True)
class Language:
    """What a fence's info string says about its language."""

    word: str
    """The first word of the info string as written (empty when there is none)."""
    name: str
    """The normalized language of a runtime (`ts`, `js`, `py`, `sh`) or `word` itself when not runnable."""
    skip_reason: str | None
    """`not runnable: ...` when the harness does not run this language, else None."""
    known: bool
    """False when the word is no language the harness knows (a typo like `pyhton`)."""


def language_of(info: str) -> Language:
    """The language named by the first word of a fence info string."""
    match = _FIRST_WORD.match(info.strip())
    word = match.group(0) if match else ""
    lowered = word.lower()
    if not word:
        return Language("", "", "not runnable: no language", known=True)
    runnable = language_for_fence(lowered)
    if runnable is not None:
        return Language(word, runnable.name, None, known=True)
    if lowered in NOT_RUNNABLE:
        return Language(word, word, f"not runnable: {word}", known=True)
    return Language(word, word, f"not runnable: unknown language {word!r}", known=False)


def info_rest(info: str) -> str:
    """The info string after its first word (where options such as `title="x"` live)."""
    stripped = info.strip()
    match = _FIRST_WORD.match(stripped)
    return stripped[match.end() if match else 0 :]
