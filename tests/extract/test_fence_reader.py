"""The line reader of `fences.py` finds exactly the fences markdown-it finds in the whole text:
real pages, and random documents built from lines that start every kind of block."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from harness.extract.document import Document
from harness.extract.fences import commonmark, mdx_markdown, parse_fences

from .support import CORPUS, PAGES

LINES = [
    "```", "```js", "```ts title=x", "````", "~~~", "~~~py", "``` `x`", "  ```", "   ```", "    ```", "\t```",
    " ~~~", "```  ", "", "", " ", "\t", "text", "# head", "- item", "-", "* x", "+ y", "1. one", "2) two",
    "1234567890. no", "> quote", ">", "<!-- c", "-->", "<!-- harness: skip -->", "<div>", "</div>", "<pre>",
    "</pre>", "<Tabs>", '<TabItem label="a">', "</TabItem>", "    indented", "  two", "   - nested", "  ```sh",
    "---", "===", "___", "[ref]: /url", '  "title"', "{{<tab>}}", "code();", "\u00a0nbsp", "<?php", "?>",
    "<![CDATA[", "]]>", "<script>", "</script>", "- ```", "> ```", "  > x", "x\0y", "a\rb",
]  # fmt: skip
PARSERS = {
    "commonmark": (commonmark(), MarkdownIt("commonmark")),
    "mdx": (mdx_markdown(), MarkdownIt("commonmark").disable(["code", "html_block"])),
}


def markdown_it_fences(text: str, md: MarkdownIt) -> list[tuple[int, int, str, str]]:
    return [(t.map[0] + 1, t.map[1], t.info.strip(), t.content) for t in md.parse(text) if t.type == "fence" and t.map]


def read_fences(text: str, md: MarkdownIt) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.end_line, f.info, f.source) for f in parse_fences(Document(text), md)]


def test_real_pages_give_markdown_its_fences() -> None:
    pages = [p for p in [*CORPUS.rglob("*"), *PAGES.rglob("*")] if p.suffix in (".md", ".mdx") and p.is_file()]
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for fast, reference in PARSERS.values():
            assert read_fences(text, fast) == markdown_it_fences(text, reference), page


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=40), st.sampled_from(["", "\n", "\n\n", " "]),
       st.sampled_from(sorted(PARSERS)))
def test_any_mix_of_blocks_gives_markdown_its_fences(lines: list[str], end: str, parser: str) -> None:
    text = "\n".join(lines) + end
    fast, reference = PARSERS[parser]
    assert read_fences(text, fast) == markdown_it_fences(text, reference)
