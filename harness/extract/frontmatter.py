"""Front matter: YAML between `---` lines or TOML between `+++` lines at the top of a page."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from harness.extract.regions import Problem
from harness.extract.yamlplain import PlainLoader

_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class FrontMatter:
    """The parsed front matter and where it sits."""

    data: Mapping[str, Any]
    """The parsed mapping; empty when the page has none or it is broken."""
    end_line: int
    """The line of the closing delimiter (0 when the page has no front matter)."""
    problems: tuple[Problem, ...] = ()


def read_front_matter(text: str) -> FrontMatter:
    """Find and parse the front matter at the top of `text`; never raises."""
    lines = text.split("\n")
    delimiter = lines[0].lstrip("\ufeff").rstrip()
    if delimiter not in ("---", "+++"):
        return FrontMatter({}, 0)
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == delimiter), None)
    if closing is None:
        return FrontMatter({}, 0, (Problem(1, f"front matter opened with {delimiter!r} is never closed"),))
    body = "\n".join(lines[1:closing]) + "\n"
    data, problem = _parse_toml(body) if delimiter == "+++" else _parse_yaml(body)
    return FrontMatter(data, closing + 1, (problem,) if problem else ())


def _parse_yaml(body: str) -> tuple[Mapping[str, Any], Problem | None]:
    try:
        data = yaml.load(body, Loader=PlainLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        return {}, _yaml_problem(error)
    return _as_mapping(data)


def _yaml_problem(error: yaml.YAMLError) -> Problem:
    """The error at its page line (YAML marks count from 0 at the line after the opening `---`)."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = 2 + mark.line if mark is not None else 1
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None and context_mark.line != getattr(mark, "line", None):
        reason = f"{reason} ({context} at line {2 + context_mark.line})"
    return Problem(line, f"broken front matter: {reason}")


def _parse_toml(body: str) -> tuple[Mapping[str, Any], Problem | None]:
    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_LINE.search(str(error))
        line = 1 + int(found.group(1)) if found else 1
        return {}, Problem(line, f"broken front matter: {error}")
    return _as_mapping(data)


def _as_mapping(data: object) -> tuple[Mapping[str, Any], Problem | None]:
    if data is None:
        return {}, None
    if not isinstance(data, Mapping):
        return {}, Problem(2, f"front matter is a {type(data).__name__}, not a mapping of keys")
    return data, None
