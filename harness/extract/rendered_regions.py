"""MDX components that render code, as code regions (`Fence`s with `rendered` set) at their tag's line.

`rendered.py` knows how each component turns its attributes into code; this module reads the
tag and makes the region a snippet is built from, or says why it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from harness.extract.document import Document
from harness.extract.regions import Fence, Problem
from harness.extract.rendered import Export, RenderError, api_request_command, curl_tag_command, expression_attrs
from harness.model import Severity

_EXPORT_ATTR = "code-export"
"""What `code={name}` is read as: the name of the page's export that holds the code."""
CURL_LABEL = "curl"
"""The label of a rendered curl command outside tabs."""


def _code_region(attrs: Mapping[str, Any], exports: Mapping[str, Export]) -> tuple[str, str, str | None]:
    name, literal = attrs.get(_EXPORT_ATTR), attrs.get("code")
    if isinstance(name, str) and name in exports:
        code = exports[name].value
    elif isinstance(name, str):
        raise RenderError(f"code={{{name}}} names no `export const {name} = `...`` on this page")
    elif isinstance(literal, str):
        code = literal
    else:
        raise RenderError("code={...} is neither an exported template literal nor a string")
    lang = str(attrs.get("lang") or "")
    title = attrs.get("title")
    return code if code.endswith("\n") else code + "\n", lang, str(title) if title else (lang or None)


_Renderer = Callable[[Mapping[str, Any], Mapping[str, Export]], tuple[str, str, str | None]]
RENDERERS: Mapping[str, _Renderer] = {
    "Code": _code_region,
    "APIRequest": lambda attrs, _exports: (api_request_command(attrs), "bash", CURL_LABEL),
    "CURL": lambda attrs, _exports: (curl_tag_command(attrs), "bash", CURL_LABEL),
}
"""Components whose code is extracted -> (code, fence language, label outside tabs) from their attributes."""


def render(name: str, doc: Document, start: int, end: int,
           exports: Mapping[str, Export]) -> tuple[Fence | None, Problem | None]:
    """The code region of component `name`'s tag (page offsets `start` to `end`), or the problem that
    keeps it from being extracted."""
    line = doc.line_of(start)
    inner = doc.text[start:end].split(name, 1)[1].rstrip(">").rstrip().removesuffix("/")
    if name == "Code":
        inner = _code_name_as_string(inner)
    try:
        code, lang, label = RENDERERS[name](expression_attrs(inner), exports)
    except RenderError as error:
        return None, Problem(line, f"<{name}> not extracted: {error}", Severity.WARNING)
    end_line = doc.line_of(max(start, end - 1))
    return Fence(line=line, end_line=end_line, info=lang, source=code, rendered=name, label=label), None


def _code_name_as_string(inner: str) -> str:
    """`code={name}` (a variable, which JSON5 cannot read) as `code-export="name"`; literals stay."""
    return re.sub(r"\bcode\s*=\s*\{\s*([A-Za-z_$][\w$]*)\s*\}", _EXPORT_ATTR + r'="\1"', inner)
