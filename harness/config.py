"""Project configuration: `[tool.harness]` in pyproject.toml, or a `harness.toml`.

```toml
[tool.harness]
timeout = 30
placeholders = { "{ZONE_ID}" = "0123456789abcdef" }

[tool.harness.rules]            # by code or name: "off", "error", "warning" or "info"
REQ005 = "error"
undocumented-param = "off"

[[tool.harness.overrides]]      # for pages matching a glob, and optionally some tabs only
pages = "workers-ai/**"
tabs = ["curl"]
rules = { REQ004 = "off" }
skip = "needs a real account"   # also: timeout = 60, xfail = "known bug #12"

[[tool.harness.scenarios]]      # the mock forces an error or latency (see harness.mock.scenarios)
pages = "workers-ai/errors/**"  # also: tabs = [...], models = ["@cf/meta/*"]
error = "rate-limit"            # or status/code/message; latency_ms = 1500

openapi = ["api/openapi.json"]  # other api.cloudflare.com paths, answered from these documents
packages = { npm = ["left-pad@1.3.0"], pypi = ["rich==13.9.4"] }  # `harness packages install`
d1_schema = ["docs/schema.sql"] # D1 tables a page queries but never creates (`harness.extract.d1_tables`)
```
A team can so configure pages it does not want to edit; `harness:` comments on a page do the
same for one fence or tab group.
"""

from __future__ import annotations

import fnmatch
import sqlite3
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.check.registry import ALL_RULES
from harness.errors import HarnessError
from harness.extract import d1_tables
from harness.mock.scenarios import Scenario, ScenarioError, parse_scenario
from harness.model import Finding, Severity, Snippet
from harness.packages import Packages, parse_packages, recheck

OFF = "off"
LEVELS = (OFF, *(s.value for s in Severity))
SNIPPET_OPTIONS = ("skip", "timeout", "xfail", "ai_version", "requests")


@dataclass(frozen=True)
class Override:
    """Settings for pages matching `pages` (a glob on the page path) and, if given, only some tabs."""

    pages: str
    tabs: tuple[str, ...] = ()
    rules: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, str] = field(default_factory=dict)

    def applies(self, page: str, label: str | None) -> bool:
        page_ok = fnmatch.fnmatch(page, self.pages) or fnmatch.fnmatch(page, "*/" + self.pages)
        return page_ok and (not self.tabs or (label or "") in self.tabs)


@dataclass(frozen=True)
class Config:
    """The project's settings; the defaults when it has none."""

    source: str = ""
    timeout_s: float | None = None
    placeholders: Mapping[str, str] = field(default_factory=dict)
    rules: Mapping[str, str] = field(default_factory=dict)
    """Rule code -> level, for every page."""
    overrides: tuple[Override, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    """Errors and latency the mock forces on some pages, tabs or models."""
    openapi: tuple[Path, ...] = ()
    """OpenAPI documents (relative paths from the configuration file's folder) the mock serves."""
    packages: Packages = field(default_factory=Packages)
    """npm and PyPI packages the project adds to the runners (`harness.packages`)."""
    d1_schema: tuple[str, ...] = ()
    """SQL statements (of the `d1_schema` files, in order) that make the D1 tables a Worker block queries
    but no block of its page creates, before it runs (`harness.extract.d1_tables`)."""
    d1_schema_files: tuple[Path, ...] = ()
    """Those files, as the configuration names them (relative paths from its folder)."""

    def level(self, rule: str, page: str, label: str | None) -> str | None:
        """The configured level of `rule` for this page and tab, or None for the rule's default."""
        level = self.rules.get(rule)
        for override in self.overrides:
            if override.applies(page, label) and rule in override.rules:
                level = override.rules[rule]
        return level

    def snippet_options(self, snippet: Snippet) -> dict[str, str]:
        """Options (`skip`, `timeout`, `xfail`) that config adds to a snippet; the page's own win."""
        options: dict[str, str] = {}
        for override in self.overrides:
            if override.applies(snippet.page, snippet.label):
                options.update(override.options)
        return options


def apply_to_snippet(config: Config, snippet: Snippet) -> Snippet:
    """The snippet with config options merged under its own annotations, and classified again if it
    was skipped for a package the config adds (`harness.packages.recheck`)."""
    snippet = recheck(snippet, config.packages, config.placeholders)
    if config.d1_schema and d1_tables.PLAN_OPTION in snippet.options:
        files = ", ".join(str(path) for path in config.d1_schema_files)
        snippet = d1_tables.apply_schema(snippet, config.d1_schema, files)
    extra = config.snippet_options(snippet)
    if not extra:
        return snippet
    options = {**extra, **snippet.options}
    skip_reason = snippet.skip_reason
    if skip_reason is None and "skip" in options:
        skip_reason = f"skipped by configuration: {options['skip']}"
    return replace(snippet, options=options, skip_reason=skip_reason)


def apply_to_findings(config: Config, findings: Iterable[Finding], label_of: Mapping[str, str | None]) -> list[Finding]:
    """Findings with configured severities; those of rules turned off are dropped."""
    kept = []
    for found in findings:
        label = label_of.get(found.snippet_id or "")
        level = config.level(found.rule, found.page, label)
        if level == OFF:
            continue
        kept.append(found if level is None else replace(found, severity=Severity(level)))
    return kept


def _rule_levels(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise HarnessError(f"{where}: `rules` must be a table of rule = level")
    by_name = {rule.name: rule.code for rule in ALL_RULES}
    codes = {rule.code for rule in ALL_RULES}
    levels = {}
    for key, value in raw.items():
        code = by_name.get(key, key)
        if code not in codes:
            raise HarnessError(f"{where}: unknown rule {key!r} (see `harness rules`)")
        if value not in LEVELS:
            raise HarnessError(f"{where}: rule {key} = {value!r}; choose one of {', '.join(LEVELS)}")
        levels[code] = str(value)
    return levels


def _override(raw: Any, where: str) -> Override:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("pages"), str):
        raise HarnessError(f"{where}: each [[overrides]] needs `pages = \"glob\"`")
    tabs = raw.get("tabs", [])
    tabs = [tabs] if isinstance(tabs, str) else tabs
    options = {k: str(raw[k]) for k in SNIPPET_OPTIONS if k in raw}
    return Override(pages=raw["pages"], tabs=tuple(str(t) for t in tabs),
                    rules=_rule_levels(raw.get("rules", {}), where), options=options)


def parse(data: Mapping[str, Any], source: str) -> Config:
    """A `Config` from the `[tool.harness]` table (or a harness.toml's top level)."""
    known = {"timeout", "placeholders", "rules", "overrides", "scenarios", "openapi", "packages", "d1_schema"}
    unknown = set(data) - known
    if unknown:
        raise HarnessError(f"{source}: unknown setting(s) {', '.join(sorted(unknown))}")
    timeout = data.get("timeout")
    schema_files = _paths(data.get("d1_schema", []), source, "d1_schema")
    return Config(
        source=source,
        timeout_s=float(timeout) if timeout is not None else None,
        placeholders={str(k): str(v) for k, v in dict(data.get("placeholders", {})).items()},
        rules=_rule_levels(data.get("rules", {}), source),
        overrides=tuple(_override(o, f"{source} overrides[{i}]") for i, o in enumerate(data.get("overrides", []))),
        scenarios=_scenarios(data.get("scenarios", []), source),
        openapi=_openapi(data.get("openapi", []), source),
        packages=parse_packages(data.get("packages", {}), source),
        d1_schema=tuple(statement for path in schema_files for statement in _statements(path, source)),
        d1_schema_files=schema_files,
    )


def _scenarios(raw: Any, source: str) -> tuple[Scenario, ...]:
    if not isinstance(raw, list):
        raise HarnessError(f"{source}: `scenarios` must be an array of tables ([[scenarios]])")
    try:
        return tuple(parse_scenario(table, f"{source} scenarios[{i}]") for i, table in enumerate(raw))
    except ScenarioError as error:
        raise HarnessError(str(error)) from error


def _openapi(raw: Any, source: str) -> tuple[Path, ...]:
    return _paths(raw, source, "openapi")


def _paths(raw: Any, source: str, key: str) -> tuple[Path, ...]:
    raw = [raw] if isinstance(raw, str) else raw
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise HarnessError(f"{source}: `{key}` must be a path or a list of paths")
    folder = Path(source).parent if source else Path()
    return tuple(folder / p for p in raw)


def _statements(path: Path, source: str) -> list[str]:
    """The SQL statements of a `d1_schema` file, one by one (SQLite says where each ends)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise HarnessError(f"{source}: d1_schema file {path} cannot be read: {error}") from error
    statements, pending = [], ""
    for line in text.splitlines(keepends=True):
        if not pending.strip() and line.strip().startswith("--"):
            continue  # a comment between statements
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip() and not pending.strip().startswith("--"):
        raise HarnessError(f"{source}: d1_schema file {path} ends inside a statement: {pending.strip()[:60]!r}")
    problem = d1_tables.schema_problem(statements)
    if problem:
        raise HarnessError(f"{source}: d1_schema file {path}: {problem}")
    return statements


def load(path: Path | None = None, start: Path | None = None) -> Config:
    """`path` if given; else `harness.toml`, then `pyproject.toml` with `[tool.harness]`, in `start`."""
    candidates = [path] if path else [(start or Path.cwd()) / "harness.toml", (start or Path.cwd()) / "pyproject.toml"]
    for candidate in candidates:
        if candidate is None or not candidate.exists():
            if path is not None:
                raise HarnessError(f"{path}: no such configuration file")
            continue
        try:
            data = tomllib.loads(candidate.read_text())
        except tomllib.TOMLDecodeError as error:
            raise HarnessError(f"{candidate}: {error}") from error
        if candidate.name == "pyproject.toml":
            data = data.get("tool", {}).get("harness")
            if data is None:
                continue
        return parse(data, str(candidate))
    return Config()
