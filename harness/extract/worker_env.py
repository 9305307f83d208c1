"""The bindings of a page's Worker snippets: from the page's wrangler configuration when it has one
(the one in the snippet's tab group, else all those before it, merged, as a tutorial builds one file
up step by step, else all on the page), else from how the code uses `env`. A configuration that does
not parse is a problem at its line.

A snippet that uses only what the runner gives every Worker (`env.AI`) gets no `bindings` option:
there is nothing to plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from harness.extract import bindings, provided, wrangler_config
from harness.extract.bindings import Binding
from harness.extract.jsfacts import facts_of
from harness.extract.regions import Problem
from harness.model import Severity, Snippet

_WORKER_LANGUAGES = frozenset({"js", "ts"})
_BINDING_REASON = "not runnable: needs "
_LINE_IN_ERROR = re.compile(r"\(at line (\d+)|<string>:(\d+)")
"""Where tomllib (`at line 3, column 1`) and json5 (`<string>:3`) say the error is, in the block."""


def attach_bindings(snippets: Sequence[Snippet]) -> tuple[list[Snippet], list[Problem]]:
    """`snippets` (one page) with the Worker ones given option `bindings`, and their reasons naming
    the type of each binding the runner lacks; the problems of configurations that do not parse."""
    configs: list[tuple[Snippet, list[Binding]]] = []
    problems: list[Problem] = []
    for snippet in snippets:
        if not wrangler_config.is_config(snippet):
            continue
        try:
            configs.append((snippet, wrangler_config.bindings_of(wrangler_config.parse(snippet))))
        except wrangler_config.ConfigError as error:
            where = _LINE_IN_ERROR.search(str(error))
            line = snippet.line + int(where.group(1) or where.group(2)) - 1 if where else snippet.line
            problems.append(Problem(line, f"wrangler configuration does not parse, its bindings are not "
                                    f"used: {error}", Severity.WARNING))
    return [_with_bindings(s, configs) for s in snippets], problems


def _with_bindings(snippet: Snippet, configs: list[tuple[Snippet, list[Binding]]]) -> Snippet:
    if snippet.language not in _WORKER_LANGUAGES or "env" not in snippet.code:
        return snippet
    used = facts_of(snippet.code, snippet.language == "ts").env_bindings
    if not used:
        return snippet
    inferred = bindings.infer(snippet.code, used)
    chosen = _configs_for(snippet, configs)
    if not chosen:
        found, source = inferred, "code"
    else:
        merged: dict[str, Binding] = {}
        for _config, declared in chosen:  # a tutorial adds to one wrangler file step by step
            merged.update({b["name"]: b for b in declared})
        found = list(merged.values()) + [{**b, "inferred": True} for b in inferred if b["name"] not in merged]
        source = f"{snippet.page}:" + ",".join(str(config.line) for config, _ in chosen)
    if all(b["type"] == "ai" and b["name"] in provided.WORKER_BINDINGS for b in found if b["name"] in used):
        return snippet  # only what the runner gives every Worker (`env.AI`): nothing to plan
    options = {**snippet.options, bindings.BINDINGS_OPTION: bindings.encode(found),
               bindings.BINDINGS_FROM_OPTION: source}
    reason = snippet.skip_reason
    if reason and reason.startswith(_BINDING_REASON) and reason.endswith(bindings.NOT_SIMULATED):
        missing = bindings.unprovided([b for b in found if b["name"] in used])
        reason = bindings.reason(missing) if missing else None
    return replace(snippet, options=options, skip_reason=reason)


def _configs_for(snippet: Snippet, configs: list[tuple[Snippet, list[Binding]]]) -> list[tuple[Snippet, list[Binding]]]:
    """The configuration in the snippet's tab group; else every one before it on the page (a tutorial
    builds its wrangler file up); else every one on the page."""
    same_group = [c for c in configs if c[0].group == snippet.group]
    before = [c for c in configs if c[0].line < snippet.line]
    return same_group[:1] or before or configs
