"""Property tests: real pages, mutated (truncated, lines duplicated or dropped, tags and fences
unbalanced), never make extraction raise, and what it returns stays consistent."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.extract import extract_text
from harness.extract.formats import HUGO, MDX, DocsFormat
from harness.model import Extraction

from .support import CORPUS, PAGES

SOURCES = sorted(
    [p for p in CORPUS.rglob("*") if p.suffix in (".md", ".mdx")] + [p for p in PAGES.rglob("*") if p.is_file()]
)
TOKENS = [
    "```",
    "```js",
    "````",
    "~~~py",
    "---",
    "+++",
    '{{<tabs labels="a | b">}}',
    '{{< tab label="a" >}}',
    "{{</tab>}}",
    "{{% /tabs %}}",
    "{{/*",
    "*/}}",
    "<!-- harness: skip -->",
    "<!--",
    "<Tabs>",
    '<TabItem label="x">',
    "</TabItem>",
    "</Tabs>",
    "<TypeScriptExample>",
    "{/* harness: xfail */}",
    "{/*",
    "<PackageManagers />",
    "$ curl \\",
    '\t```py title="x" {1-2}',
    "> ```sh",
    "- ```ts",
    "\ufeff",
    "\r",
]


@st.composite
def mutated_pages(draw: st.DrawFn) -> tuple[str, DocsFormat]:
    path: Path = draw(st.sampled_from(SOURCES))
    lines = path.read_text(encoding="utf-8").split("\n")
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["insert", "duplicate", "drop", "truncate", "split"]))
        if action == "insert":
            lines.insert(at, draw(st.sampled_from(TOKENS)))
        elif action == "duplicate" and lines:
            lines[at:at] = lines[at : at + draw(st.integers(1, 5))]
        elif action == "drop":
            del lines[at : at + draw(st.integers(1, 5))]
        elif action == "truncate":
            lines = lines[:at]
        elif action == "split" and at < len(lines) and lines[at]:
            cut = draw(st.integers(0, len(lines[at])))
            lines[at : at + 1] = [lines[at][:cut], lines[at][cut:]]
    return "\n".join(lines), draw(st.sampled_from([HUGO, MDX]))


def check(extraction: Extraction, text: str) -> None:
    line_count = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    ids = [s.id for s in extraction.snippets]
    assert len(set(ids)) == len(ids)
    for snippet in extraction.snippets:
        rendered = "rendered" in snippet.options  # a component's code starts at its tag's line
        assert 1 <= snippet.fence_line <= snippet.line - (0 if rendered else 1) <= line_count
        assert snippet.id.startswith(f"page::{snippet.group}::")
    for diagnostic in extraction.diagnostics:
        assert 0 <= diagnostic.line <= line_count + 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_pages())
def test_mutated_real_pages_never_raise(page: tuple[str, DocsFormat]) -> None:
    text, docs_format = page
    check(extract_text(text, "page", docs_format), text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*TOKENS, "", "x", "  code", "\tcode", "$ ls", "out"]), max_size=40))
def test_token_soup_never_raises(parts: list[str]) -> None:
    text = "\n".join(parts)
    check(extract_text(text, "page", HUGO), text)
    check(extract_text(text, "page", MDX), text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_never_raises(text: str) -> None:
    check(extract_text(text, "page", HUGO), text)
    check(extract_text(text, "page", MDX), text)
