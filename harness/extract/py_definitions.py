"""A Python block that only imports and defines runs as a module: its imports and definitions run (an import
that fails, a name a default or a decorator reads that does not exist, a syntax error show), and each
top-level function that nothing in the block calls and that takes no argument without a default is then
called once, as the page's reader calls it (`hello_world()`), so its body runs too.

The block's `code` becomes that program (its own lines, then the calls the harness wrote, after them so
every line keeps its page line); its `ran_as` option says what ran.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from dataclasses import replace

from harness.extract.sessions import SESSION_OPTION
from harness.extract.worker_program import RAN_AS_OPTION
from harness.model import Snippet

_DEFINES_ONLY = ("not runnable: only defines ", "not runnable: nothing at the top level runs")
"""The classifier's reasons for a block that only imports and defines (`runtimes/python.py`)."""
_PRELUDE_OPTION = "prelude"
"""A block marked as the prelude of the later blocks (`harness.extract.snippets`): it runs with each of them."""


def callable_functions(code: str) -> list[str]:
    """The block's top-level functions that take no argument without a default and that nothing in the
    block calls, in order (async functions are not: calling one runs nothing without an event loop)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    called = {node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name in called:
            continue
        arguments = node.args
        positional = arguments.posonlyargs + arguments.args
        keyword_free = all(default is not None for default in arguments.kw_defaults)
        if len(arguments.defaults) == len(positional) and keyword_free:
            found.append(node.name)
    return found


def run_definitions(snippet: Snippet) -> Snippet:
    """`snippet` run as a module (see the module's docstring) when it only imports and defines; else as it was."""
    if snippet.language != "py" or not (snippet.skip_reason or "").startswith(_DEFINES_ONLY) \
            or RAN_AS_OPTION in snippet.options or _PRELUDE_OPTION in snippet.options:
        return snippet
    calls = callable_functions(snippet.code)
    code = snippet.code.rstrip("\n") + "\n"
    if calls:
        code += "\n" + "".join(f"{name}()\n" for name in calls)
        shown = " and ".join(f"`{name}()`" for name in calls)
        ran_as = (f"as a script: its imports and definitions run, then the harness calls {shown} once "
                  "(no argument without a default)")
    elif (snippet.skip_reason or "").startswith(_DEFINES_ONLY[0]):
        ran_as = ("as a script: its imports and definitions run; nothing calls what it defines (no function it "
                  "defines can be called without arguments the page does not give)")
    else:
        ran_as = "as a script: its imports run (it defines nothing)"
    options = {**snippet.options, "kind": "script", RAN_AS_OPTION: ran_as}
    return replace(snippet, code=code, options=options, skip_reason=None)


def run_all_definitions(snippets: Sequence[Snippet]) -> list[Snippet]:
    """Each Python block of a page that only imports and defines run as a module, bar those a later block
    continues: they run in that block's page session (`harness.sessions_run`), as its first cells."""
    plans = [json.loads(s.options.get(SESSION_OPTION, "{}")) for s in snippets]
    continued = {earlier for plan in plans for earlier in plan.get("after", [])}
    return [s if s.id in continued else run_definitions(s) for s in snippets]
