"""Hugo pages: `{{< tabs >}}`/`{{< tab >}}` shortcodes around CommonMark fences.

Hugo expands shortcodes before markdown and renders each tab on its own, so shortcodes are found
in the raw text (bar `{{/* comments */}}`) and an unclosed fence ends at the next tab tag.
"""

from __future__ import annotations

import re
from dataclasses import replace

import yaml

from harness.extract.annotations import HTML_COMMENT, find_comments, mask_fences
from harness.extract.attrs import parse_attrs
from harness.extract.document import Document, mask
from harness.extract.fences import commonmark, parse_fences
from harness.extract.regions import Fence, Include, Layout, Problem
from harness.extract.tabs import TabBuilder
from harness.extract.yamlplain import PlainLoader

_COMMENT = re.compile(r"\{\{[<%]?-?\s*/\*.*?\*/\s*-?[>%]?\}\}", re.DOTALL)
_SHORTCODE = re.compile(
    r"""\{\{(?P<delim>[<%])-?\s*(?P<close>/)?\s*(?P<name>[A-Za-z][\w.-]*)
        (?P<attrs>(?:"[^"]*"|'[^']*'|`[^`]*`|[^"'`])*?)\s*/?\s*-?[>%]\}\}""",
    re.DOTALL | re.VERBOSE,
)


def parse_hugo(doc: Document) -> Layout:
    """Find the fences, tab groups and annotations of a Hugo (or plain CommonMark) page."""
    builder = TabBuilder("{{<tabs>}}", "{{<tab>}}")
    barriers: set[int] = set()
    notes: list[Problem] = []
    includes: list[Include] = []
    text = mask(doc.text, [(m.start(), m.end()) for m in _COMMENT.finditer(doc.text)])
    for match in _SHORTCODE.finditer(text):
        line = doc.line_of(match.start())
        name = match["name"].lower()
        attrs = parse_attrs(match["attrs"])
        if name in ("tabs", "tab"):
            barriers.add(line)
            builder.feed(name == "tabs", bool(match["close"]), line, attrs)
        elif name == "render" and not match["close"]:
            includes.append(Include(line, attrs.get("file") or _first_value(match["attrs"]), attrs))
    fences = [_split_header(fence) for fence in parse_fences(doc, commonmark(), barriers)]
    # masking only blanks characters: a page with no `<!--` has no comment once its fences are masked
    annotations = find_comments(doc, mask_fences(doc, fences), HTML_COMMENT)[0] if "<!--" in doc.text else []
    groups, problems = builder.finish(doc.line_count)
    return Layout(
        fences=tuple(fences),
        groups=tuple(groups),
        annotations=tuple(annotations),
        problems=tuple(sorted(problems + notes, key=lambda p: p.line)),
        includes=tuple(includes),
    )


def _first_value(attrs: str) -> str:
    """`{{< render "_x.md" >}}`: the file given as the first, unnamed value."""
    match = re.search(r"\"([^\"]*)\"|'([^']*)'|(\S+)", attrs)
    return next((group for group in match.groups() if group), "") if match else ""


def _split_header(fence: Fence) -> Fence:
    """Cloudflare's Hugo theme reads a `---` YAML header at the top of a block (`filename: x`)."""
    if fence.source.split("\n", 1)[0].strip() != "---":
        return fence
    lines = fence.source.split("\n")
    closing = next((i for i in range(1, len(lines) - 1) if lines[i].strip() == "---"), None)
    if closing is None:
        return fence
    try:
        data = yaml.load("\n".join(lines[1:closing]), Loader=PlainLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return fence
    if not isinstance(data, dict):
        return fence
    header = {str(key): str(value) for key, value in data.items()}
    return replace(fence, header=header, header_lines=closing + 1)
