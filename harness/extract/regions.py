"""What a docs-format parser finds in a page: plain frozen regions with exact page lines.

A format parser is a plain callable `Document -> Layout`. It knows the page's markup (Hugo
shortcodes, MDX tags) and nothing about snippets; `snippets.py` turns a `Layout` into `Snippet`s.
All line numbers are 1-based page lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from harness.extract.document import Document
from harness.model import Severity


@dataclass(frozen=True)
class Problem:
    """Something wrong with the page markup, at a page line (the page path is added later)."""

    line: int
    message: str
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class Fence:
    """One fenced code block as markdown renders it."""

    line: int
    """The line of the opening fence."""
    end_line: int
    """The line of the closing fence, or the last line the block runs to when it is unclosed."""
    info: str
    """The whole info string after the opening fence."""
    source: str
    """The content lines as markdown sees them (container prefixes such as `> ` removed)."""
    closed: bool = True
    header: Mapping[str, str] = field(default_factory=dict)
    """Metadata from a `---` header at the top of the block (Hugo's `filename:`, `header:`)."""
    header_lines: int = 0
    """How many lines of `source` the header takes; the code starts after them."""
    rendered: str = ""
    """The component that renders this code (`APIRequest`, `Code`), or "" for a fence on the page.
    A rendered block's `line` is its tag's line, and its code starts there too."""
    label: str | None = None
    """The label a rendered block shows when no tab gives it one (`curl`, a `<Code title>`)."""


@dataclass(frozen=True)
class Tab:
    """One tab of a tab group: the lines from its opening tag to its closing tag."""

    line: int
    end_line: int
    label: str | None
    attrs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TabGroup:
    """A set of tabs showing the same example in several languages."""

    line: int
    end_line: int
    tabs: tuple[Tab, ...]
    attrs: Mapping[str, str] = field(default_factory=dict)

    def tab_at(self, line: int) -> Tab | None:
        """The tab whose lines contain `line`, if any."""
        return next((tab for tab in self.tabs if tab.line <= line <= tab.end_line), None)


@dataclass(frozen=True)
class Wrapper:
    """A component around fences that adds options to them (`<TypeScriptExample>`)."""

    line: int
    end_line: int
    options: Mapping[str, str]


@dataclass(frozen=True)
class Annotation:
    """A `harness:` comment; it applies to the fence, tab or group that starts right after it."""

    line: int
    end_line: int
    options: Mapping[str, str]


@dataclass(frozen=True)
class Include:
    """A place where the page pulls in another file's content (Hugo `render`, MDX `<Render>`)."""

    line: int
    file: str
    """The file as the page names it (`_prereqs.md`, `gateway/_lists.md`, `prereqs`)."""
    attrs: Mapping[str, str] = field(default_factory=dict)
    """Every attribute of the tag (`productFolder`, `product`, `withParameters`, ...)."""


@dataclass(frozen=True)
class Layout:
    """Everything a format parser found on one page."""

    fences: tuple[Fence, ...]
    groups: tuple[TabGroup, ...] = ()
    wrappers: tuple[Wrapper, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    problems: tuple[Problem, ...] = ()
    includes: tuple[Include, ...] = ()


FormatParser = Callable[[Document], Layout]
"""A docs format: reads a page's markup and finds its fences, tab groups and annotations."""
