"""`harness:` annotations: comments that do not change how a page renders but tell the harness
how to treat the next fence or tab group (`<!-- harness: skip reason="needs R2" -->`)."""

from __future__ import annotations

import re

from harness.extract.attrs import parse_attrs
from harness.extract.document import Document, line_spans, mask
from harness.extract.regions import Annotation, Fence

HTML_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
"""An HTML comment (Hugo and plain markdown pages); group 1 is its body."""
MDX_COMMENT = re.compile(r"\{\s*/\*(.*?)\*/\s*\}", re.DOTALL)
"""An MDX expression comment `{/* ... */}`; group 1 is its body."""

_HARNESS = re.compile(r"\s*harness\s*:(.*)", re.DOTALL)


def find_comments(doc: Document, text: str, comment: re.Pattern[str]) -> tuple[list[Annotation], list[tuple[int, int]]]:
    """The harness annotations among the comments in `text`, and the offsets of every comment.

    `text` is the page text with code blocks masked, so comment-like text in code is not read.
    """
    annotations = []
    spans = []
    for match in comment.finditer(text):
        spans.append((match.start(), match.end()))
        body = _HARNESS.match(match.group(1))
        if body:
            line, end_line = doc.line_of(match.start()), doc.line_of(match.end() - 1)
            annotations.append(Annotation(line, end_line, _options(body.group(1))))
    return annotations, spans


SESSION_ROLE_OPTION = "session_role"
"""The snippet option a `session=off|setup|teardown` annotation sets (the `session` option itself holds
the page-session plan, `harness.extract.sessions`): `off` keeps the block out of page sessions, `setup`
puts it at the start of its page's sessions of its language, `teardown` runs it even after a failure."""
SESSION_ROLES = ("off", "setup", "teardown")


def _options(body: str) -> dict[str, str]:
    """`skip reason="x"` -> `{"skip": "x"}`: a reason belongs to the verb it follows; `session=off` ->
    `{"session_role": "off"}`."""
    options = parse_attrs(body)
    if "session" in options:
        options[SESSION_ROLE_OPTION] = options.pop("session").lower()
    if "reason" in options:
        verbs = [verb for verb in ("skip", "xfail") if options.get(verb) == "true"]
        reason = options.pop("reason") if verbs else options["reason"]
        options.update(dict.fromkeys(verbs, reason))
    return options


def mask_fences(doc: Document, fences: list[Fence]) -> str:
    """The page text with the lines of closed fences blanked (an unclosed fence swallows too much)."""
    closed = [(fence.line, fence.end_line) for fence in fences if fence.closed]
    return mask(doc.text, line_spans(doc, closed))
