"""A toy third-party runtime, `rb`: what a package adds to run Ruby snippets, registered only by the
entry point `harness.runtimes: rb = toy_rb:RB` (the tests install that entry point on sys.path);
and a toy docs format."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from harness.extract.formats import DocsFormat
from harness.extract.hugo import parse_hugo
from harness.model import Snippet
from harness.route import Route
from harness.run.base import Launch
from harness.run.common import proxy_env, snippet_env
from harness.runtimes.base import BaseImage, Classification, Language, Runtime

_STRING = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")


def classify_rb(code: str, placeholders: Mapping[str, str]) -> Classification:
    """A script when it prints something, else a fragment."""
    if "puts" in code:
        return Classification("script", None, "rb")
    return Classification("fragment", "fragment: prints nothing", "rb")


def string_spans(code: str) -> list[tuple[int, int]]:
    """Ruby's quoted strings (a toy: no heredocs, no escapes)."""
    return [match.span() for match in _STRING.finditer(code)]


class RubyRunner:
    """Runs an `rb` snippet with `ruby` (only launched here, never executed)."""

    name = "rb"
    warm_server = False

    def __init__(self, runners_dir: Path) -> None:
        self._dir = runners_dir / "rb"

    def available(self) -> str | None:
        return None if self._dir.is_dir() else f"no runner folder {self._dir}"

    def launch(self, snippet: Snippet, route: Route, runners_dir: Path) -> Launch:
        return Launch(argv=("ruby", "{workdir}/snippet.rb"), files={"snippet.rb": snippet.code.encode()},
                      env={**snippet_env(snippet), **proxy_env(route)})


RUBY = Language("rb", ("rb", "ruby"), classify_rb, lambda _code: "script", string_spans, body_marker="body:")
RUBY_BASE = BaseImage("ruby", "ruby:3.3-slim", "harness-base-ruby:x")
RB = Runtime("rb", (RUBY,), frozenset({"script"}), RubyRunner, RUBY_BASE)

SNAKE = Runtime("snake", (Language("snake", ("python",), classify_rb, lambda _code: "script"),),
                frozenset({"script"}), RubyRunner, RUBY_BASE)
"""A bad plugin: its language claims the fence word `python`, which names `py`."""

RST = DocsFormat("rst", (".rst",), parse_hugo)
"""A toy docs format (reStructuredText pages read as Markdown), for the docs-format entry points."""
