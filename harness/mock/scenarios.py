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

[[tool.harness.scenarios]]
hosts = ["*.example.com"]         # globs on the host of a simulated origin
status = 503                      # what the origin answers instead (each optional)
headers = { retry-after = "5" }
body = "<h1>down</h1>"
latency_ms = 200
```
A scenario applies to a model call when every matcher it has matches; the mock knows the snippet
behind each request (`page::group::label`). The first scenario that applies with an error wins;
latencies of all that apply add up. A scenario with `hosts` applies to the simulated origins of
those hosts only (never to a model call): the first that sets a status, headers or a body wins.
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
class OriginOverride:
    """What a simulated origin answers when a host scenario says so (None: its own plausible value)."""

    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None


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
    hosts: tuple[str, ...] = ()
    """Globs on the host of a simulated origin; empty: the scenario is about model calls."""
    origin: OriginOverride | None = None
    """What a matched origin answers instead of its plausible answer."""

    def applies(self, snippet_id: str | None, model: str | None) -> bool:
        """Whether a call of `model` by snippet `snippet_id` (`page::group::label`) is matched."""
        return not self.hosts and self._matches_snippet(snippet_id) and (
            not self.models or any(fnmatch.fnmatch(model or "", glob) for glob in self.models)
        )

    def applies_to_host(self, snippet_id: str | None, host: str) -> bool:
        """Whether a request to the simulated origin of `host` by `snippet_id` is matched."""
        return any(fnmatch.fnmatch(host, glob) for glob in self.hosts) and self._matches_snippet(snippet_id)

    def _matches_snippet(self, snippet_id: str | None) -> bool:
        page, _, rest = (snippet_id or "").partition("::")
        label = rest.partition("::")[2]
        if self.pages is not None and not (
            snippet_id and (fnmatch.fnmatch(page, self.pages) or fnmatch.fnmatch(page, "*/" + self.pages))
        ):
            return False
        return not self.tabs or label in self.tabs


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


def for_host(scenarios: Sequence[Scenario], snippet_id: str | None, host: str) -> tuple[OriginOverride | None, float]:
    """The first override that the host scenarios matching a request set, and their summed latency (s)."""
    matching = [s for s in scenarios if s.applies_to_host(snippet_id, host)]
    override = next((s.origin for s in matching if s.origin is not None), None)
    return override, sum(s.latency_ms for s in matching) / 1000


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
    known = {"pages", "tabs", "models", "error", "status", "code", "message", "latency_ms", "hosts", "headers", "body"}
    unknown = set(raw) - known
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(known))})")
    pages = raw.get("pages")
    if pages is not None and not isinstance(pages, str):
        raise ScenarioError(f"{where}: `pages` must be a glob string")
    if "hosts" in raw:
        return _host_scenario(raw, pages, where)
    if "headers" in raw or "body" in raw:
        raise ScenarioError(f"{where}: `headers` and `body` apply to simulated origins: give `hosts` too")
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


def _host_scenario(raw: Mapping[str, Any], pages: str | None, where: str) -> Scenario:
    """A scenario about simulated origins (`hosts`, with `status`, `headers`, `body`, `latency_ms`)."""
    misplaced = {"models", "error", "code", "message"} & set(raw)
    if misplaced:
        raise ScenarioError(f"{where}: {', '.join(sorted(misplaced))} do not apply to `hosts` (simulated origins)")
    hosts = _strings(raw, "hosts", where)
    status = _int(raw, "status", where)
    if status is not None and not 100 <= status <= 599:
        raise ScenarioError(f"{where}: `status` {status} is not an HTTP status (100-599)")
    headers = raw.get("headers", {})
    if not isinstance(headers, Mapping) or not all(isinstance(v, str) for v in headers.values()):
        raise ScenarioError(f"{where}: `headers` must be a table of strings")
    body = raw.get("body")
    if body is not None and not isinstance(body, str):
        raise ScenarioError(f"{where}: `body` must be a string")
    latency = _int(raw, "latency_ms", where) or 0
    override = None
    if status is not None or headers or body is not None:
        override = OriginOverride(status, tuple((str(k), v) for k, v in headers.items()), body)
    if not hosts or (override is None and latency == 0):
        raise ScenarioError(f"{where}: a host scenario needs `hosts` and a `status`, `headers`, `body` or `latency_ms`")
    return Scenario(pages, _strings(raw, "tabs", where), (), None, latency, hosts, override)


def scenario_table(scenario: Scenario) -> dict[str, Any]:
    """The `[[scenarios]]` table that `parse_scenario` reads back into `scenario` (to pass it on)."""
    table: dict[str, Any] = {"tabs": list(scenario.tabs)}
    if scenario.hosts:
        table["hosts"] = list(scenario.hosts)
    else:
        table["models"] = list(scenario.models)
    if scenario.origin is not None:
        if scenario.origin.status is not None:
            table["status"] = scenario.origin.status
        if scenario.origin.headers:
            table["headers"] = dict(scenario.origin.headers)
        if scenario.origin.body is not None:
            table["body"] = scenario.origin.body
    if scenario.pages is not None:
        table["pages"] = scenario.pages
    if scenario.latency_ms:
        table["latency_ms"] = scenario.latency_ms
    if scenario.error is not None:
        table.update(status=scenario.error.status, code=scenario.error.code, message=scenario.error.message)
    return table
