"""Scenarios: forced errors and latency for some models, pages or tabs, so docs teams can test the
error handling their snippets show.

```toml
[[tool.harness.scenarios]]
pages = "workers-ai/errors/**"    # a glob on the page path (optional)
tabs = ["Python"]                 # tab labels (optional)
models = ["@cf/meta/*"]           # globs on the model id (optional)
error = "rate-limit"              # a name of `harness.mock.errors.SERVICE_ERRORS` (optional)
status = 429                      # overrides of the error's status, code, message (optional)
code = 3036
message = "..."
latency_ms = 1500                 # delay before the answer (optional)
```
A scenario applies to a model call when every matcher it has matches; the mock knows the snippet
behind each request (`page::group::label`). The first scenario that applies with an error wins;
latencies of all that apply add up.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.mock.errors import SERVICE_ERRORS, ServiceError


class ScenarioError(ValueError):
    """A scenario table is malformed (the message names where)."""


@dataclass(frozen=True)
class Scenario:
    """A forced error and/or latency for the model calls it matches."""

    pages: str | None = None
    """Glob on the page path (`*/` + glob also matches, as overrides do); None: every page."""
    tabs: tuple[str, ...] = ()
    """Tab labels; empty: every tab."""
    models: tuple[str, ...] = ()
    """Globs on the model id; empty: every model."""
    error: ServiceError | None = None
    """What to answer instead of the model's answer; None: answer normally (after the latency)."""
    latency_ms: int = 0

    def applies(self, snippet_id: str | None, model: str | None) -> bool:
        """Whether a call of `model` by snippet `snippet_id` (`page::group::label`) is matched."""
        page, _, rest = (snippet_id or "").partition("::")
        label = rest.partition("::")[2]
        if self.pages is not None and not (
            snippet_id and (fnmatch.fnmatch(page, self.pages) or fnmatch.fnmatch(page, "*/" + self.pages))
        ):
            return False
        if self.tabs and label not in self.tabs:
            return False
        return not self.models or any(fnmatch.fnmatch(model or "", glob) for glob in self.models)


@dataclass(frozen=True)
class Forced:
    """What the scenarios that match one call ask for."""

    error: ServiceError | None = None
    latency_s: float = 0.0


def forced(scenarios: Sequence[Scenario], snippet_id: str | None, model: str | None) -> Forced:
    """The first matching error and the sum of matching latencies."""
    matching = [s for s in scenarios if s.applies(snippet_id, model)]
    error = next((s.error for s in matching if s.error is not None), None)
    return Forced(error, sum(s.latency_ms for s in matching) / 1000)


def _strings(raw: Any, key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"{where}: `{key}` must be a string or a list of strings")
    return tuple(value)


def _int(raw: Mapping[str, Any], key: str, where: str) -> int | None:
    value = raw.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise ScenarioError(f"{where}: `{key}` must be a non-negative integer")
    return value


def parse_scenario(raw: Any, where: str) -> Scenario:
    """A `Scenario` from one `[[scenarios]]` table; `ScenarioError` names what is wrong."""
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{where}: a scenario must be a table")
    known = {"pages", "tabs", "models", "error", "status", "code", "message", "latency_ms"}
    unknown = set(raw) - known
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(known))})")
    pages = raw.get("pages")
    if pages is not None and not isinstance(pages, str):
        raise ScenarioError(f"{where}: `pages` must be a glob string")
    name = raw.get("error")
    status, code, message = _int(raw, "status", where), _int(raw, "code", where), raw.get("message")
    error = None
    if name is not None:
        if name not in SERVICE_ERRORS:
            raise ScenarioError(f"{where}: unknown error {name!r}; choose one of {', '.join(SERVICE_ERRORS)}")
        base = SERVICE_ERRORS[name]
        error = ServiceError(status or base.status, code or base.code, str(message or base.message))
    elif status is not None or code is not None or message is not None:
        if status is None or code is None:
            raise ScenarioError(f"{where}: without `error`, give both `status` and `code` (and a `message`)")
        error = ServiceError(status, code, str(message or "Error"))
    if error is not None and not 400 <= error.status <= 599:
        raise ScenarioError(f"{where}: `status` {error.status} is not an error status (400-599)")
    latency = _int(raw, "latency_ms", where) or 0
    if error is None and latency == 0:
        raise ScenarioError(f"{where}: a scenario needs an `error`, a `status` and `code`, or `latency_ms`")
    return Scenario(pages, _strings(raw, "tabs", where), _strings(raw, "models", where), error, latency)


def scenario_table(scenario: Scenario) -> dict[str, Any]:
    """The `[[scenarios]]` table that `parse_scenario` reads back into `scenario` (to pass it on)."""
    table: dict[str, Any] = {"tabs": list(scenario.tabs), "models": list(scenario.models)}
    if scenario.pages is not None:
        table["pages"] = scenario.pages
    if scenario.latency_ms:
        table["latency_ms"] = scenario.latency_ms
    if scenario.error is not None:
        table.update(status=scenario.error.status, code=scenario.error.code, message=scenario.error.message)
    return table
