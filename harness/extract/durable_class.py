"""A block that only defines a Durable Object class (`export class MyDurableObject { constructor(state, env) {} }`,
a get-started page's first steps): run as the class of a namespace, reached the way a Worker reaches it.

The block's code runs unchanged, with a Worker the harness writes after it: the class is bound to a
namespace (the page's wrangler configuration names it, else the class's name in capitals), the Worker gets
a stub by name (`getByName("harness")`) and sends it the request. A class with a `fetch` method answers it
(its answer is the Worker's); a class without one is constructed by that request, and workerd then says it
has no fetch handler: the harness's Worker answers 200 "started" for exactly that error, and any other
error (the constructor threw) fails the block. "Ran as" says which.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from harness.extract import bindings, wrangler_config
from harness.extract.bindings import Binding
from harness.extract.worker_program import LINE_MAP_OPTION, RAN_AS_OPTION, Program
from harness.model import Snippet

ONLY_DEFINES = "not runnable: only defines "
"""How the classifier's reason for a block that only declares things starts."""
NO_FETCH = "does not export a fetch() function"
"""What workerd says when a Durable Object without a `fetch` method is sent a request (after constructing it)."""
_CLASS = re.compile(r"\bexport\s+class\s+([A-Za-z_$][\w$]*)(\s+extends\s+DurableObject\b)?[^{]*\{")
_CONSTRUCTOR = re.compile(r"\bconstructor\s*\(\s*(?:state|ctx|controller)\b[^,)]*,\s*env\b")
_FETCH_METHOD = re.compile(r"^\s*(?:async\s+)?fetch\s*\(", re.MULTILINE)
_ANSWERS = """\
    return stub.fetch(request);
"""
_STARTS = f"""\
    try {{
      return await stub.fetch(request);
    }} catch (error) {{
      if (!String(error?.message ?? error).includes("{NO_FETCH}")) throw error;
      return new Response("harness: the Durable Object started; its class has no fetch handler");
    }}
"""


def drive_classes(snippets: Sequence[Snippet]) -> list[Snippet]:
    """`snippets` (one page) with each block that only defines a Durable Object class run through a namespace."""
    configured = _configured(snippets)
    return [_driven(s, configured) if _candidate(s) else s for s in snippets]


def durable_class(code: str) -> str | None:
    """The Durable Object class the code exports: one that `extends DurableObject`, or whose constructor
    takes `(state, env)` as a Durable Object's does; None when it exports none."""
    for match in _CLASS.finditer(code):
        if match[2] or _CONSTRUCTOR.search(code, match.end()):
            return match[1]
    return None


def _candidate(snippet: Snippet) -> bool:
    return snippet.language in ("js", "ts") and (snippet.skip_reason or "").startswith(ONLY_DEFINES) \
        and "export default" not in snippet.code and durable_class(snippet.code) is not None


def _configured(snippets: Sequence[Snippet]) -> list[tuple[Snippet, Binding]]:
    """The Durable Object bindings of the page's wrangler configurations that parse, with their block."""
    found: list[tuple[Snippet, Binding]] = []
    for snippet in snippets:
        if not wrangler_config.is_config(snippet):
            continue
        try:
            declared = wrangler_config.bindings_of(wrangler_config.parse(snippet))
        except wrangler_config.ConfigError:
            continue  # said at its line already (`worker_env.attach_bindings`)
        found += [(snippet, b) for b in declared if b["type"] == "durable_object_namespace"]
    return found


def _driven(snippet: Snippet, configured: list[tuple[Snippet, Binding]]) -> Snippet:
    name = durable_class(snippet.code) or ""
    config = next(((block, b) for block, b in configured if b.get("class_name") == name), None)
    binding = config[1]["name"] if config else re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()
    source = f"{snippet.page}:{config[0].line}" if config else "code"
    has_fetch = bool(_FETCH_METHOD.search(snippet.code))
    driver = [
        "", "export default {", "  async fetch(request, env) {",
        f'    const stub = env.{binding}.getByName("harness");', *(_ANSWERS if has_fetch else _STARTS).splitlines(),
        "  },", "};",
    ]
    header = max(0, len(snippet.source.splitlines()) - len(snippet.code.splitlines()))
    first = snippet.line + header
    lines = [(text, first + i) for i, text in enumerate(snippet.code.rstrip("\n").split("\n"))]
    program = Program(tuple(lines + [(text, None) for text in driver]))
    where = "the page's wrangler configuration" if config else "a name the harness chose"
    did = ("sent it the request; its fetch answered" if has_fetch else
           "sent it one request to construct it; the class has no fetch handler, so workerd's "
           f"`{NO_FETCH}` after construction is answered 200 \"started\" (any other error fails the block)")
    ran_as = (f"as the class of Durable Object namespace `{binding}` ({where}): the harness's Worker got a stub "
              f"with `getByName(\"harness\")` and {did}")
    options = {**snippet.options, "kind": "worker", LINE_MAP_OPTION: program.line_map(), RAN_AS_OPTION: ran_as,
               bindings.BINDINGS_OPTION: bindings.encode([{"type": "durable_object_namespace", "name": binding,
                                                           "class_name": name}]),
               bindings.BINDINGS_FROM_OPTION: source}
    return replace(snippet, code=program.code, options=options, skip_reason=None)
