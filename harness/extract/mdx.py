"""MDX pages (Astro Starlight, Docusaurus): `<Tabs>`/`<TabItem>` and other JSX components.

Fences are found first (tags inside code are code); then `{/* comments */}` and inline code are
masked and the remaining capitalized JSX tags are read. MDX has no indented code, so a fence may
be indented any amount (`\t```py` inside a `<TabItem>`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from harness.extract.annotations import MDX_COMMENT, find_comments, mask_fences
from harness.extract.attrs import parse_attrs
from harness.extract.document import Document, mask
from harness.extract.fences import columns, mdx_markdown, parse_fences
from harness.extract.regions import Include, Layout, Problem, Wrapper
from harness.extract.rendered import find_exports
from harness.extract.rendered_regions import RENDERERS, render
from harness.extract.tabs import TabBuilder
from harness.model import Severity

_TAG_START = re.compile(r"<(?P<close>/)?(?P<name>[A-Z][\w.]*)")
_DEEP_FENCE = re.compile(r"^(?P<indent>[ \t]+)(?P<marker>`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_MAX_TAG = 4000

WRAPPERS: Mapping[str, Mapping[str, str]] = {
    "TypeScriptExample": {"typescript_example": "true"},
    "WranglerConfig": {"wrangler_config": "true"},
}
"""Components around a fence -> options they give it (the fence is still one snippet)."""

GENERATORS: frozenset[str] = frozenset({"PackageManagers", "WranglerConfig"})
"""Components that render code the page has no fence for (or a second variant of one), not extracted."""


@dataclass(frozen=True)
class _Tag:
    line: int
    name: str
    closing: bool
    self_closing: bool
    attrs: Mapping[str, str]
    start: int = 0
    end: int = 0
    """Offsets of the whole tag in the page text."""


def parse_mdx(doc: Document) -> Layout:
    """Find the fences, tab groups, wrappers and annotations of an MDX page."""
    fences = parse_fences(Document(outdent_fences(doc.text)), mdx_markdown())
    text = mask_fences(doc, fences)
    exports = find_exports(text)
    literals = [(export.start, export.end) for export in exports.values()]
    if literals:  # code in an `export const` is no fence and no markup
        inside = [(doc.line_of(start), doc.line_of(end)) for start, end in literals]
        fences = [f for f in fences if not any(first <= f.line <= last for first, last in inside)]
        text = mask(text, literals)
    annotations, comments = find_comments(doc, text, MDX_COMMENT)
    text = mask(text, comments + [(m.start(), m.end()) for m in _INLINE_CODE.finditer(text)])
    builder = TabBuilder("<Tabs>", "<TabItem>")
    wrappers: list[Wrapper] = []
    open_wrappers: dict[str, list[_Tag]] = {}
    notes: list[Problem] = []
    includes: list[Include] = []
    for tag in _tags(doc, text):
        if tag.name in ("Tabs", "TabItem") and not tag.self_closing:
            builder.feed(tag.name == "Tabs", tag.closing, tag.line, tag.attrs)
        if tag.name in RENDERERS and not tag.closing:
            fence, problem = render(tag.name, doc, tag.start, tag.end, exports)
            fences += [fence] if fence else []
            notes += [problem] if problem else []
        elif tag.name in GENERATORS and not tag.closing:
            notes.append(Problem(tag.line, f"generated code not extracted: <{tag.name}>", Severity.INFO))
        elif tag.name == "Render" and not tag.closing:
            includes.append(Include(tag.line, tag.attrs.get("file", ""), tag.attrs))
        if tag.name in WRAPPERS and not tag.self_closing:
            _wrapper_event(tag, open_wrappers, wrappers, notes)
    last = doc.line_count
    for name, stack in open_wrappers.items():
        for tag in stack:
            notes.append(Problem(tag.line, f"unclosed <{name}> opened at line {tag.line}"))
            wrappers.append(Wrapper(tag.line, last, {**WRAPPERS[name], **tag.attrs}))
    groups, problems = builder.finish(last)
    return Layout(
        fences=tuple(sorted(fences, key=lambda f: f.line)),
        groups=tuple(groups),
        wrappers=tuple(sorted(wrappers, key=lambda w: w.line)),
        annotations=tuple(annotations),
        problems=tuple(sorted(problems + notes, key=lambda p: p.line)),
        includes=tuple(includes),
    )


def _wrapper_event(
    tag: _Tag, open_wrappers: dict[str, list[_Tag]], wrappers: list[Wrapper], notes: list[Problem]
) -> None:
    stack = open_wrappers.setdefault(tag.name, [])
    if not tag.closing:
        stack.append(tag)
    elif not stack:
        notes.append(Problem(tag.line, f"</{tag.name}> without an open <{tag.name}>"))
    else:
        opened = stack.pop()
        wrappers.append(Wrapper(opened.line, tag.line, {**WRAPPERS[tag.name], **opened.attrs}))


def _tags(doc: Document, text: str) -> Iterator[_Tag]:
    """Capitalized JSX tags in `text`, with attribute values that may span lines and hold `{...}`."""
    resume = 0
    for match in _TAG_START.finditer(text):
        if match.start() < resume:
            continue
        end = _tag_end(text, match.end())
        if end is None:
            continue
        inner = text[match.end() : end - 1]
        self_closing = inner.rstrip().endswith("/")
        yield _Tag(
            line=doc.line_of(match.start()),
            name=match["name"],
            closing=bool(match["close"]),
            self_closing=self_closing,
            attrs=parse_attrs(inner.rstrip().removesuffix("/")),
            start=match.start(),
            end=end,
        )
        resume = end


def _tag_end(text: str, start: int) -> int | None:
    """Offset just past the `>` ending a tag whose attributes start at `start`, or None."""
    quote = ""
    depth = 0
    for i in range(start, min(len(text), start + _MAX_TAG)):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == ">" and depth == 0:
            return i + 1
        elif char == "<" and depth == 0:
            return None
    return None


def outdent_fences(text: str) -> str:
    """`text` with fences indented 4 columns or more (and their lines) moved to the left margin.

    CommonMark would read them as indented code; MDX reads them as fences and strips the opening
    fence's indentation from each line. Line numbers do not change.
    """
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        match = _DEEP_FENCE.match(lines[index])
        if not match or columns(match["indent"]) < 4:
            index += 1
            continue
        indent, marker = match["indent"], match["marker"]
        closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        end = next((i for i in range(index + 1, len(lines)) if closing.match(lines[i])), len(lines) - 1)
        for i in range(index, end + 1):
            lines[i] = _strip_indent(lines[i], indent)
        index = end + 1
    return "\n".join(lines)


def _strip_indent(line: str, indent: str) -> str:
    if line.startswith(indent):
        return line[len(indent) :]
    lead = len(line) - len(line.lstrip(" \t"))
    expanded = line[:lead].expandtabs(4)
    return expanded[min(columns(indent), len(expanded)) :] + line[lead:]
