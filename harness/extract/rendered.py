"""Code that an MDX page renders from components rather than from a fence.

- `<Code code={name} lang="py" />` shows the template literal of `export const name = \\`...\\``,
  unescaped as JavaScript cooks it (`\\``, `\\${`, `\\\\`, `\\n`, ...).
- `<CURL url="..." method="POST" headers={{...}} json={{...}} />` shows a curl command.
- `<APIRequest path="/accounts/{account_id}/..." method="POST" json={{...}} />` shows the curl command
  of a Cloudflare API call: the URL under `https://api.cloudflare.com/client/v4/`, each path
  parameter left as a shell variable (`{account_id}` -> `$ACCOUNT_ID`) and token auth
  (`Authorization: Bearer $CLOUDFLARE_API_TOKEN`). Cloudflare's component reads the auth scheme
  from the API schema; every operation the docs call this way takes a token, so that is assumed.

The command is built line by line as Cloudflare's `CURL` component builds it, so the snippet is
what a reader copies from the rendered page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import json5

API_BASE = "https://api.cloudflare.com/client/v4/"
"""Where `<APIRequest>` paths are resolved."""
TOKEN_HEADER = ("Authorization", "Bearer $CLOUDFLARE_API_TOKEN")
"""The header `<APIRequest>` renders for an operation that takes an API token."""

_EXPORT = re.compile(r"^export\s+const\s+([A-Za-z_$][\w$]*)\s*=\s*`", re.MULTILINE)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": ""}
_ATTR_NAME = re.compile(r"([A-Za-z_][\w-]*)\s*=\s*")
_PATH_PARAM = re.compile(r"\{([A-Za-z_][\w-]*)\}")


class RenderError(ValueError):
    """A component whose code cannot be rendered from the page alone (a value that is no literal)."""


@dataclass(frozen=True)
class Export:
    """`export const name = \\`...\\`` of an MDX page: its cooked value and where it is."""

    name: str
    value: str
    line: int
    """The page line of `export const`."""
    start: int
    end: int
    """Offsets of the whole literal (to mask it, so its text is not read as markup)."""


def find_exports(text: str) -> dict[str, Export]:
    """Every template-literal `export const` of page `text` (MDX's ESM lines), by name."""
    found: dict[str, Export] = {}
    for match in _EXPORT.finditer(text):
        end = _literal_end(text, match.end())
        if end is None:
            continue
        raw = text[match.end() : end]
        try:
            value = cook(raw)
        except RenderError:
            continue
        line = text.count("\n", 0, match.start()) + 1
        found[match[1]] = Export(match[1], value, line, match.start(), end + 1)
    return found


def _literal_end(text: str, start: int) -> int | None:
    """Offset of the backtick closing a template literal whose text starts at `start`."""
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "`":
            return index
        index += 1
    return None


def cook(raw: str) -> str:
    """A template literal's text as JavaScript cooks it; an unescaped `${` cannot be, and raises."""
    out: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "$" and raw.startswith("${", index):
            raise RenderError("the template literal interpolates `${...}`")
        if char != "\\" or index + 1 >= len(raw):
            out.append(char)
            index += 1
            continue
        escaped = raw[index + 1]
        if escaped == "u" and raw.startswith("{", index + 2):
            close = raw.index("}", index)
            out.append(chr(int(raw[index + 3 : close], 16)))
            index = close + 1
        elif escaped in "ux":
            width = 4 if escaped == "u" else 2
            out.append(chr(int(raw[index + 2 : index + 2 + width], 16)))
            index += 2 + width
        else:
            out.append(_ESCAPES.get(escaped, escaped))
            index += 2
    return "".join(out)


def expression_attrs(tag: str) -> dict[str, Any]:
    """The attributes of a component's tag text (`<APIRequest path="..." json={{...}} />`) as values:
    strings as they are, `{...}` expressions read as JSON5 literals (a JS object literal of plain
    values) or template literals; an expression that is no literal raises `RenderError` naming the
    attribute."""
    attrs: dict[str, Any] = {}
    index = 0
    while True:
        match = _ATTR_NAME.search(tag, index)
        if match is None:
            return attrs
        name, start = match[1], match.end()
        if start >= len(tag):
            return attrs
        opener = tag[start]
        if opener in "\"'":
            close = tag.find(opener, start + 1)
            close = len(tag) if close < 0 else close
            attrs[name] = tag[start + 1 : close]
            index = close + 1
        elif opener == "{":
            close = _brace_end(tag, start)
            expression = tag[start + 1 : close].strip()
            try:
                template = len(expression) > 1 and expression[0] == expression[-1] == "`"
                attrs[name] = cook(expression[1:-1]) if template else json5.loads(expression)
            except ValueError as error:
                raise RenderError(f"{name}={{...}} is not a literal value ({error})") from error
            index = close + 1
        else:
            index = start


def _brace_end(text: str, start: int) -> int:
    """Offset of the `}` closing the `{` at `start` (strings skipped), or the end of `text`."""
    depth = 0
    quote_char = ""
    index = start
    while index < len(text):
        char = text[index]
        if quote_char:
            if char == "\\":
                index += 1
            elif char == quote_char:
                quote_char = ""
        elif char in "\"'`":
            quote_char = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(text)


def curl_command(method: str, url: str, headers: Mapping[str, str], body: Any = None,
                 form: Mapping[str, Any] | None = None) -> str:
    """The curl command Cloudflare's `CURL` component shows: one option a line, tab-indented,
    joined by ` \\`; a JSON body as `JSON.stringify(body, null, "\\t\\t")` in single quotes."""
    lines = [f"curl {url}", f"\t--request {method}"]
    lines += [f'\t--header "{key}: {value}"' for key, value in headers.items()]
    if body is not None:
        shown = json.dumps(body, indent="\t\t", ensure_ascii=False).split("\n")
        shown[-1] = "\t" + shown[-1]
        lines.append("\t--json '" + "\n".join(shown) + "'")
    for key, value in (form or {}).items():
        text = _js_string(value).replace('"', '\\"')
        lines.append(f'\t--form "{key}={text}"')
    return " \\\n".join(lines) + "\n"


def _js_string(value: Any) -> str:
    """`String(value)` as JavaScript gives it, for the plain values a literal holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def api_request_url(path: str, parameters: Mapping[str, Any] | None = None) -> str:
    """The URL `<APIRequest>` shows: `path` under the API base, given path parameters filled in,
    given others as the query, the rest as shell variables (`{zone_id}` -> `$ZONE_ID`)."""
    given = dict(parameters or {})
    in_path = {name for name in _PATH_PARAM.findall(path)}

    def fill(match: re.Match[str]) -> str:
        value = given.get(match[1])
        return quote(str(value), safe="") if value else "$" + match[1].upper()

    url = API_BASE + _PATH_PARAM.sub(fill, path.removeprefix("/"))
    query = [(name, value) for name, value in given.items() if name not in in_path and value]
    pairs = [(name, v) for name, value in query for v in (value if isinstance(value, list) else [value])]
    if pairs:
        url += "?" + "&".join(f"{quote(name, safe='')}={quote(_js_string(v), safe='')}" for name, v in pairs)
    return url


def api_request_command(attrs: Mapping[str, Any]) -> str:
    """The curl command an `<APIRequest>` tag with `attrs` renders."""
    path, method = attrs.get("path"), attrs.get("method", "GET")
    if not isinstance(path, str) or not path:
        raise RenderError("<APIRequest> has no path")
    if "json" in attrs and "form" in attrs:
        raise RenderError('<APIRequest> cannot use both "json" and "form"')
    parameters = attrs.get("parameters")
    url = api_request_url(path, parameters if isinstance(parameters, Mapping) else None)
    return curl_command(str(method), url, dict([TOKEN_HEADER]), attrs.get("json"), attrs.get("form"))


def curl_tag_command(attrs: Mapping[str, Any]) -> str:
    """The curl command a `<CURL>` tag with `attrs` renders."""
    url = attrs.get("url")
    if not isinstance(url, str) or not url:
        raise RenderError("<CURL> has no url")
    headers = attrs.get("headers") or {}
    if not isinstance(headers, Mapping):
        raise RenderError("<CURL> headers={...} is not an object")
    if "json" in attrs and "form" in attrs:
        raise RenderError("<CURL> cannot use both 'json' and 'form'")
    return curl_command(str(attrs.get("method", "GET")), url, {str(k): str(v) for k, v in headers.items()},
                        attrs.get("json"), attrs.get("form"))
