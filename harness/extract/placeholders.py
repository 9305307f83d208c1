"""Placeholders: page text like `{ACCOUNT_ID}` that readers replace before running.

A placeholder table maps page text to the value put in its place (`"{ZONE_ID}" = "abc"`); a key
starting with `$` names an environment variable instead (`"$ZONE_ID" = "abc"`): it is set for the
snippet, never written into its code. Besides the table, any placeholder whose name says it is an
account id, an API token or an AI Gateway (`<accountId>`, `{cf_api_token}`, `$CLOUDFLARE_API_TOKEN`,
`{gateway_id}`) gets the values the mock accepts, and an id or a name the reader chooses (`{zone_id}`,
`<MY_QUEUE>`) or a value the reader supplies (`<CUSTOMER_EMAIL>`) one made from its name
(`generated_values.py`), unless where it sits says more (`placeholder_context.py`: a model in a
fine-tune command, a field of a JSON body that the API contract describes, an account id in an API
path's account slot), and a folder the reader names (`<OUTPUT_DIR>`) a folder the runner lays out;
outside a string, in code (`env.<MY_QUEUE>.send()`), a `<NAME>` is a name the reader picks for the
code: it becomes `NAME`; a `YOUR_NAME` there that the page's wrangler configuration declares as a binding
(`"binding": "YOUR_QUEUE"`) is that binding's name, left as it is. What is left that still looks like a placeholder
(`<URL>`) is reported, and the snippet is not run.

Only readers' text is replaced: anywhere in shell, but in a programming language (JS/TS, Python:
its runtime declares `string_spans`) only inside string literals, never in f-strings or template
`${...}` (where `{account_id}` is code). The values themselves are in `placeholder_values.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from harness.extract.placeholder_context import contextual_value
from harness.extract.placeholder_values import DEFAULT_PLACEHOLDERS as DEFAULT_PLACEHOLDERS
from harness.extract.placeholder_values import TEST_ACCOUNT_ID as TEST_ACCOUNT_ID
from harness.extract.placeholder_values import TEST_API_TOKEN as TEST_API_TOKEN
from harness.extract.placeholder_values import TEST_EMAIL as TEST_EMAIL
from harness.extract.placeholder_values import TEST_GATEWAY_ID as TEST_GATEWAY_ID
from harness.extract.placeholder_values import environment as environment
from harness.extract.placeholder_values import role_value as role_value
from harness.extract.shell_reader_files import shell_reader_files
from harness.generated_values import folder_value, generated_value
from harness.runtimes.base import SpanFinder
from harness.runtimes.registry import language_named

_TABLE_VALUES = frozenset(DEFAULT_PLACEHOLDERS.values())
"""Values reports always show as the default table's placeholder (`{ACCOUNT_ID}`), wherever they come from."""
_HTML_TAGS = """
    a abbr b body br button code details div em footer form h1 h2 h3 h4 h5 h6 head header hr html i
    iframe img input label li link main meta nav ol option p pre script section select small span
    strong style sub summary sup table tbody td template textarea th thead title tr u ul video audio
    source svg path
"""
HTML_TAGS = frozenset(_HTML_TAGS.split())

_ANGLE = re.compile(r"<([A-Za-z][A-Za-z0-9_-]*)>")
_BRACE = re.compile(r"\{(?<![$\w{]\{)([A-Za-z][A-Za-z0-9_]*)\}(?!\})")
"""`{NAME}` not right after `$`, a word character or `{` (the `{` first: the search skips to it)."""
_BARE_WORDS = ("YOUR_", "ENTER_", "REPLACE_WITH_", "INSERT_")
_BARE = re.compile(r"\b(?:YOUR|ENTER|REPLACE_WITH|INSERT)_[A-Z0-9_]+\b")
"""`YOUR_NAME` and the like (searched for only in code that holds one of `_BARE_WORDS`)."""
_UPPER = re.compile(r"^[A-Z][A-Z0-9_]+$")
_READER_FILE = re.compile(r"\{(?:PATH/TO/|path/to/)([A-Za-z0-9_][A-Za-z0-9_.-]*)\}")
"""`{PATH/TO/adapter_model.safetensors}`: a file of the reader's own, named by where it is."""
_API_SLOT = re.compile(r"(?<=/accounts/)[A-Z][A-Z0-9_]+(?=[/'\"\s]|$)|(?<=Bearer )[A-Z][A-Z0-9_]+\b")
"""A bare upper-case word where an API call's account id or token goes (`/accounts/CF_ACCOUNT_ID/`,
`Bearer CF_API_TOKEN`): a placeholder when its name says that role (shell commands only, where no
variable of the code can look like it)."""


def replace_placeholders(code: str, placeholders: Mapping[str, str]) -> str:
    """`code` with each placeholder replaced by its value: exact text, in one pass, nothing else.

    A placeholder right after `$` is left alone: `${ACCOUNT_ID}` is a variable of the code (a JS
    template literal, a shell parameter), not text for the reader to replace.
    """
    return _replace(code, placeholders, [(0, len(code))])


@dataclass(frozen=True)
class Leftover:
    """A token that looks like a placeholder and has no value."""

    token: str
    offset: int
    """Where it is in the code (before replacement)."""


@dataclass(frozen=True)
class Prepared:
    """Code with its placeholders replaced, and what could not be."""

    code: str
    leftovers: tuple[Leftover, ...]
    generated: Mapping[str, str] = field(default_factory=dict)
    """Placeholders given a value made from their name (`generated_values.py`) -> that value."""
    reader_files: tuple[str, ...] = ()
    """Names of the reader's own files the code names by a placeholder (`{PATH/TO/model.bin}` became
    `model.bin`): the runner lays a stand-in of each in the snippet's work dir."""
    reader_folders: tuple[str, ...] = ()
    """The folders the code names by a placeholder (`<OUTPUT_DIR>` became `my-output`): the runner lays
    out each (a stand-in of what the command reads from it)."""
    reader_paths: Mapping[str, str] = field(default_factory=dict)
    """Files of `reader_files` a shell command sends as the page names them (`shell_reader_files.py`):
    stand-in name -> the path as shown (`my-video.mp4` -> `/Users/jane/Desktop/my-video.mp4`)."""


def prepare(code: str, language: str, placeholders: Mapping[str, str],
            bindings: frozenset[str] = frozenset()) -> Prepared:
    """Replace the table's placeholders and role-named ones in the reader's text of `code`; `bindings`
    are the binding names the page's wrangler configuration declares (names in code, not placeholders)."""
    text = {k: v for k, v in placeholders.items() if not k.startswith("$")}
    # where the reader's text is (a scan of the code) matters only if something may be replaced there
    needed = (_ANGLE.search(code) or _BRACE.search(code) or _api_slot(code) or _READER_FILE.search(code)
              or any(k in code for k in text))
    spans = readers_text(code, language) if needed else []
    leftovers = []
    found: dict[str, str] = {}
    generated: dict[str, str] = {}
    names: dict[str, str] = {}
    folders: set[str] = set()
    in_code = _string_spans(language) is not None
    for offset, token, strict in _candidates(code, language, spans):
        if token in bindings and in_code and not _inside(offset, spans):
            continue  # `env.YOUR_QUEUE` where the page's configuration binds `YOUR_QUEUE`: its name
        value = text.get(token) or role_value(token)
        if value is None and strict and _inside(offset, spans) and (placed := contextual_value(token, code, language)):
            value = placed if placed in _TABLE_VALUES else generated.setdefault(token, placed)  # the table's: masked
        elif value is None and strict and _inside(offset, spans) and (folder := folder_value(token)) is not None:
            value = generated.setdefault(token, folder)
            folders.add(folder)
        elif value is None and strict and _inside(offset, spans) and (made := generated_value(token)) is not None:
            value = generated.setdefault(token, made)
        elif value is None and strict and in_code and not _inside(offset, spans) and _ANGLE.fullmatch(token):
            names[token] = generated[token] = token[1:-1]  # `env.<MY_QUEUE>`: a name in the code
            continue
        if value is not None:
            found.setdefault(token, value)
        elif strict:
            leftovers.append(Leftover(token, offset))
    if found and not needed:
        spans = readers_text(code, language)
    files = {m.group(0): m.group(1) for m in _READER_FILE.finditer(code) if _inside(m.start(), spans)}
    sent = shell_reader_files(code) if _string_spans(language) is None else ()
    homes = {f.shown: f.name for f in sent if f.shown.startswith("/")}  # the writer's home folder: "your file"
    if homes and not spans:
        spans = readers_text(code, language)
    replaced = _replace(code, {**files, **homes, **found, **text}, spans)
    if names:
        replaced = _replace(replaced, names, _outside(readers_text(replaced, language), len(replaced)))
    return Prepared(replaced, tuple(leftovers), generated, tuple(sorted({*files.values(), *(f.name for f in sent)})),
                    tuple(sorted(folders)), {f.name: f.shown for f in sent})


def _api_slot(code: str) -> bool:
    """Whether `_API_SLOT` finds anything (looked for only after the text its lookbehinds need)."""
    return ("/accounts/" in code or "Bearer " in code) and _API_SLOT.search(code) is not None


def readers_text(code: str, language: str) -> list[tuple[int, int]]:
    """Offsets of the parts of `code` where a reader's placeholder may stand: the string literals
    of a programming language (its runtime says where they are), else all of it."""
    spans = _string_spans(language)
    return spans(code) if spans else [(0, len(code))]


def _string_spans(language: str) -> SpanFinder | None:
    found = language_named(language)
    return found.string_spans if found else None


def _candidates(code: str, language: str, spans: list[tuple[int, int]]) -> list[tuple[int, str, bool]]:
    """(offset, token, strict) of what looks like a placeholder in the reader's text; a strict one
    left without a value is reported.

    `<NAME>` (not an HTML tag) and `YOUR_NAME` anywhere; `{name}` in shell, `{NAME}` in code
    strings, where `{name}` is replaced only when its name has a role (`{gateway_id}`).
    """
    code_language = _string_spans(language) is not None
    found = [(m.start(), m.group(0), True) for m in _ANGLE.finditer(code)
             if m.group(1).lower() not in HTML_TAGS
             and (not code_language or _UPPER.match(m.group(1)) or _inside(m.start(), spans))]
    if any(word in code for word in _BARE_WORDS):
        found += [(m.start(), m.group(0), True) for m in _BARE.finditer(code)]
    found += [(m.start(), m.group(0), not code_language or bool(_UPPER.match(m.group(1))))
              for m in _BRACE.finditer(code) if _inside(m.start(), spans) and not _format_call(code, m.start())]
    if not code_language:
        found += [(m.start(), m.group(0), False) for m in _API_SLOT.finditer(code) if role_value(m.group(0))]
    return sorted(found)


def _outside(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The parts of a text of `length` that are not in `spans` (sorted, not overlapping)."""
    out, last = [], 0
    for start, end in spans:
        out.append((last, start))
        last = end
    return [*out, (last, length)]


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _format_call(code: str, offset: int) -> bool:
    """`"{NAME}".format(...)`: a Python format field, not a placeholder."""
    end = code.find("\n", offset)
    return ".format(" in code[offset : len(code) if end < 0 else end]


def _replace(code: str, placeholders: Mapping[str, str], spans: list[tuple[int, int]]) -> str:
    if not placeholders or not spans:
        return code
    keys = sorted(placeholders, key=len, reverse=True)
    pattern = re.compile(r"(?<!\$)(?:" + "|".join(re.escape(key) for key in keys) + ")")
    out = []
    last = 0
    for start, end in spans:
        out.append(code[last:start])
        out.append(pattern.sub(lambda match: placeholders[match.group(0)], code[start:end]))
        last = end
    out.append(code[last:])
    return "".join(out)
