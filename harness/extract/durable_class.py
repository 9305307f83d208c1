"""A block that only defines a Durable Object class (`export class MyDurableObject { constructor(state, env) {} }`,
a get-started page's first steps) or a Workflow class: run as the class of its binding, reached the way a
Worker reaches it.

The block's code runs unchanged, with a Worker the harness writes after it; the class is bound under the
name the page's wrangler configuration gives it, else the class's name in capitals.
- A Durable Object: the Worker gets a stub by name (`getByName("harness")`) and sends it the request. A
  class with a `fetch` method answers it (its answer is the Worker's); a class without one is constructed by
  that request, and workerd then says it has no fetch handler: the harness's Worker answers 200 "started"
  for exactly that error, and any other error (the constructor threw) fails the block.
- A Workflow (`extends WorkflowEntrypoint`) that reads no `event.payload` and neither sleeps nor waits for
  an event: the Worker starts an instance without params, waits for it to end and answers its status (500
  when it errored). One that reads its payload keeps a reason: the params are the Worker's, not on the block.
"Ran as" says which.
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
_WORKFLOW_CLASS = re.compile(r"\bexport\s+class\s+([A-Za-z_$][\w$]*)\s+extends\s+WorkflowEntrypoint\b")
_WORKFLOW_ALONE = "fragment: Worker code without a default export that handles fetch"
"""The classifier's reason for a module that imports `cloudflare:workers` and exports no handler."""
_WAITS = re.compile(r"\bstep\s*\.\s*(sleep|sleepUntil|waitForEvent)\b")
_RUNS = """\
    const instance = await env.{binding}.create();
    for (;;) {{
      const {{ status, output, error }} = await instance.status();
      if (status === "complete") return Response.json({{ status, output }});
      if (["errored", "terminated"].includes(status)) return Response.json({{ status, error }}, {{ status: 500 }});
      await new Promise((resolve) => setTimeout(resolve, 50));
    }}
"""
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
    """`snippets` (one page) with each block that only defines a Durable Object or Workflow class run
    through its binding (or given the reason why it cannot be)."""
    configured = _configured(snippets)
    found = []
    for snippet in snippets:
        if _candidate(snippet):
            snippet = _driven(snippet, configured)
        elif _workflow_alone(snippet):
            snippet = _workflow_driven(snippet, configured)
        found.append(snippet)
    return found


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


def _workflow_alone(snippet: Snippet) -> bool:
    return snippet.language in ("js", "ts") and snippet.skip_reason == _WORKFLOW_ALONE \
        and _WORKFLOW_CLASS.search(snippet.code) is not None


def _configured(snippets: Sequence[Snippet]) -> list[tuple[Snippet, Binding]]:
    """The Durable Object and Workflow bindings of the page's wrangler configurations that parse, with their block."""
    found: list[tuple[Snippet, Binding]] = []
    for snippet in snippets:
        if not wrangler_config.is_config(snippet):
            continue
        try:
            declared = wrangler_config.bindings_of(wrangler_config.parse(snippet))
        except wrangler_config.ConfigError:
            continue  # said at its line already (`worker_env.attach_bindings`)
        found += [(snippet, b) for b in declared if b["type"] in ("durable_object_namespace", "workflow")]
    return found


def _bound(snippet: Snippet, kind: str, name: str, configured: list[tuple[Snippet, Binding]],
           driver: str, ran_as: str) -> Snippet:
    """The block with `driver` (the harness's fetch handler's body, `{binding}` in it) after its code, its
    class `name` bound as `kind`, and "ran as" `ran_as` (`{binding}` and `{where}` in it)."""
    config = next(((block, b) for block, b in configured if b["type"] == kind and b.get("class_name") == name), None)
    binding = config[1]["name"] if config else re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()
    lines_of_driver = ["", "export default {", "  async fetch(request, env) {",
                       *driver.format(binding=binding).splitlines(), "  },", "};"]
    header = max(0, len(snippet.source.splitlines()) - len(snippet.code.splitlines()))
    first = snippet.line + header
    lines = [(text, first + i) for i, text in enumerate(snippet.code.rstrip("\n").split("\n"))]
    program = Program(tuple(lines + [(text, None) for text in lines_of_driver]))
    where = "the page's wrangler configuration" if config else "a name the harness chose"
    options = {**snippet.options, "kind": "worker", LINE_MAP_OPTION: program.line_map(),
               RAN_AS_OPTION: ran_as.format(binding=binding, where=where),
               bindings.BINDINGS_OPTION: bindings.encode([{"type": kind, "name": binding, "class_name": name}]),
               bindings.BINDINGS_FROM_OPTION: f"{snippet.page}:{config[0].line}" if config else "code"}
    return replace(snippet, code=program.code, options=options, skip_reason=None)


def _driven(snippet: Snippet, configured: list[tuple[Snippet, Binding]]) -> Snippet:
    has_fetch = bool(_FETCH_METHOD.search(snippet.code))
    stub = '    const stub = env.{binding}.getByName("harness");\n'
    did = ("sent it the request; its fetch answered" if has_fetch else
           "sent it one request to construct it; the class has no fetch handler, so workerd's "
           f"`{NO_FETCH}` after construction is answered 200 \"started\" (any other error fails the block)")
    driver = stub + (_ANSWERS if has_fetch else _STARTS.replace("{", "{{").replace("}", "}}"))
    ran_as = ("as the class of Durable Object namespace `{binding}` ({where}): the harness's Worker got a stub "
              f"with `getByName(\"harness\")` and {did}")
    return _bound(snippet, "durable_object_namespace", durable_class(snippet.code) or "", configured, driver, ran_as)


def _workflow_driven(snippet: Snippet, configured: list[tuple[Snippet, Binding]]) -> Snippet:
    found = _WORKFLOW_CLASS.search(snippet.code)
    name = found[1] if found else ""
    waits = _WAITS.search(snippet.code)
    if waits:
        return replace(snippet, skip_reason=f"not runnable: Workflow `{name}` calls `step.{waits[1]}`, and the harness "
                       "does not wait for a Workflow's sleeps or events")
    if re.search(r"\.\s*payload\b", snippet.code):
        return replace(snippet, skip_reason=f"fragment: Workflow `{name}` reads its `event.payload`, which only the "
                       "Worker that starts it gives (`create({ params })`); the harness does not make params up")
    ran_as = ("as the class of Workflow `{binding}` ({where}): the harness's Worker started an instance without "
              "params, waited for it to end and answered its status (500 when it errored)")
    return _bound(snippet, "workflow", name, configured, _RUNS, ran_as)
