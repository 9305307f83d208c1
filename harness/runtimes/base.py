"""The contract of a runtime: the language(s) it runs, read by extraction, and the runner, image and
serving mode the run stage uses. Built-in runtimes and third-party ones are alike: one module
that declares a `Runtime` (see `registry.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.run.base import Runner


@dataclass(frozen=True)
class Note:
    """Something worth a diagnostic, and text on the line it is about."""

    message: str
    near: str = ""


@dataclass(frozen=True)
class Classification:
    """What a snippet is and whether the harness can run it."""

    kind: str
    """What the code is (`worker`, `script`, `shell`, `fragment`, ...); a `Runtime` takes some kinds."""
    reason: str | None = None
    """Why it is not run (`fragment: uses env, never defined`), or None to run it."""
    language: str = ""
    """The language to run it as (a `js` fence holding TypeScript runs as `ts`)."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Environment variables it reads that have values (`CLOUDFLARE_API_TOKEN`)."""
    missing_env: tuple[str, ...] = ()
    """Environment variables it reads that have no value: placeholders left unreplaced."""
    notes: tuple[Note, ...] = ()
    """Warnings for the docs writer (TypeScript in a `js` fence)."""


def listed(names: Iterable[str], quote: str = "`") -> str:
    """`a`, `b` and `c`: names as a reason or note lists them."""
    shown = [f"{quote}{name}{quote}" for name in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


Classifier = Callable[[str, Mapping[str, str]], Classification]
"""(code, placeholders) -> what the code is; reads the code's facts (imports, names, commands)."""
SpanFinder = Callable[[str], list[tuple[int, int]]]
"""code -> offsets of its string literals: the only places a reader's placeholder stands in code."""
OutputSplitter = Callable[[str], tuple[str, str | None]]
"""A block's text -> (what runs, the output shown after it or None): shell sessions with prompts."""
KindGuesser = Callable[[str], str]
"""code -> its kind, for a snippet built without extraction (no `kind` option)."""
RunnerFactory = Callable[[Path], Runner]
"""runners_dir -> the runner (`runners/` on the host, or inside an image)."""


@dataclass(frozen=True)
class Language:
    """A language the harness runs, as extraction sees it."""

    name: str
    """The normalized name snippets carry (`py`, `js`, `ts`, `sh`)."""
    fence_words: tuple[str, ...]
    """Info-string words (lower case) that name it: `py`, `python`, `python3`."""
    classify: Classifier
    """Reads the code's facts and says what it is and whether it runs."""
    default_kind: KindGuesser
    """The kind of a snippet that extraction did not classify (built by hand)."""
    string_spans: SpanFinder | None = None
    """Where placeholders may be replaced; None: anywhere (shell, where `{name}` is reader's text)."""
    split_output: OutputSplitter | None = None
    """Splits a session block into commands and expected output; None: the block is all code."""
    body_marker: str = ""
    """Text on the line where the code gives a request body (`body`, `json`, `-d`), for findings."""


@dataclass(frozen=True)
class BaseImage:
    """One kind of base image a runner image starts from, in its two forms."""

    kind: str
    """What `ARG BASE=harness-base-<kind>:...` in a Dockerfile names (`python`, `node`, `debian`)."""
    public: str
    """The public image used online."""
    offline: str
    """The tag of the image built from Debian packages (`scripts/build-base-image.sh <kind>`)."""


@dataclass(frozen=True)
class Runtime:
    """A runtime: the languages and kinds of snippet it runs, its runner, image and serving mode.

    Its name is also its runner's name, its folder `runners/<name>/` and its image
    `harness-runner-<name>`. Several runtimes may share a language (`js` runs on `node` or `worker`):
    the snippet's kind, found by the language's classifier, picks among them.
    """

    name: str
    """`python`, `node`, `shell`, `worker`."""
    languages: tuple[Language, ...]
    """The languages it runs."""
    kinds: frozenset[str]
    """The kinds (from the classifier) of snippet it runs: `script`, `worker`, `shell`."""
    runner: RunnerFactory
    """Builds its runner."""
    base_image: BaseImage
    """What its image (`runners/<name>/Dockerfile`) is built on."""
    warm_server: bool = False
    """Served warm: one long-lived server per run takes each snippet (a fresh isolate each), rather
    than one process per snippet."""

    def runs(self, language: str, kind: str) -> bool:
        """Whether it runs a snippet of `language` classified as `kind`."""
        return kind in self.kinds and any(lang.name == language for lang in self.languages)
