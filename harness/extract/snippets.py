"""Turns a page `Layout` into `Snippet`s: group ids, labels, languages, options, code to run."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from harness.extract import wrangler_config
from harness.extract.attrs import parse_attrs
from harness.extract.document import Document
from harness.extract.languages import info_rest, language_of
from harness.extract.prepare import ready
from harness.extract.regions import Fence, Layout, Problem, Tab
from harness.model import Severity, Snippet
from harness.runtimes.registry import language_named


@dataclass(frozen=True)
class _Place:
    """Where a fence sits: its group key and tab (None for a fence of its own)."""

    key: object
    tab: Tab | None
    anchors: frozenset[int]
    """Opening lines of the fence, its tab, groups and wrappers: where annotations may point."""


def build_snippets(
    layout: Layout, doc: Document, page: str, placeholders: Mapping[str, str]
) -> tuple[list[Snippet], list[Problem]]:
    """One snippet per fence of `layout`, and the problems found in the fences themselves."""
    targets = _annotation_targets(layout, doc)
    group_ids: dict[object, str] = {}
    label_counts: Counter[tuple[str, str]] = Counter()
    snippets: list[Snippet] = []
    problems: list[Problem] = []
    preludes: dict[str, str] = {}
    declared = wrangler_config.declared_names(_config_blocks(layout, page, targets))
    for fence in layout.fences:
        place = _place(fence, layout, problems)
        group = group_ids.setdefault(place.key, f"g{len(group_ids) + 1}")
        label = place.tab.label if place.tab else fence.label
        name = "1"
        if label is not None:
            label_counts[group, label] += 1
            count = label_counts[group, label]
            name = label if count == 1 else f"{label}#{count}"
        options = _options(fence, layout, place, targets)
        problems.extend(_option_problems(fence, options))
        snippet, found = _snippet(fence, f"{page}::{group}::{name}", page, group, label, options, placeholders,
                                  preludes, declared)
        snippets.append(snippet)
        problems.extend(found)
        problems.extend(_fence_problems(fence))
    return snippets, problems


def _config_blocks(layout: Layout, page: str, targets: Mapping[int, Mapping[str, str]]) -> list[Snippet]:
    """The page's TOML and JSON blocks as shown, with their options, for `wrangler_config` to say which
    configure a Worker (read before the code, whose placeholders may be the bindings they name)."""
    blocks = []
    for fence in layout.fences:
        language = language_of(fence.info).name
        if language in wrangler_config.CONFIG_LANGUAGES and fence.closed:
            place = _place(fence, layout, [])
            blocks.append(Snippet(id="", page=page, group="", label=place.tab.label if place.tab else fence.label,
                                  language=language, code=_code_of(fence), line=fence.line,
                                  options=_options(fence, layout, place, targets)))
    return blocks


def _place(fence: Fence, layout: Layout, problems: list[Problem]) -> _Place:
    containing = sorted((g for g in layout.groups if g.line <= fence.line <= g.end_line), key=lambda g: -g.line)
    anchors = {fence.line} | {g.line for g in containing}
    anchors |= {w.line for w in layout.wrappers if w.line <= fence.line <= w.end_line}
    for group in containing:
        tab = group.tab_at(fence.line)
        if tab is not None:
            return _Place(("group", group.line), tab, frozenset(anchors | {tab.line}))
    if containing:
        problems.append(Problem(fence.line, "code fence inside a tab group but outside any tab", Severity.WARNING))
    return _Place(("fence", fence.line), None, frozenset(anchors))


def _annotation_targets(layout: Layout, doc: Document) -> dict[int, dict[str, str]]:
    """Line of the first thing after each annotation (blank lines and other annotations skipped)."""
    by_start = {a.line: a for a in layout.annotations}
    targets: dict[int, dict[str, str]] = {}
    for annotation in layout.annotations:
        line = annotation.end_line + 1
        while line <= doc.line_count and (doc.is_blank(line) or line in by_start):
            line = by_start[line].end_line + 1 if line in by_start else line + 1
        targets.setdefault(line, {}).update(annotation.options)
    return targets


def _options(fence: Fence, layout: Layout, place: _Place, targets: Mapping[int, Mapping[str, str]]) -> dict[str, str]:
    options = parse_attrs(info_rest(fence.info))
    options.update(fence.header)
    if fence.rendered:
        options["rendered"] = fence.rendered
    for wrapper in layout.wrappers:
        if wrapper.line <= fence.line <= wrapper.end_line:
            options.update(wrapper.options)
    for line in sorted(place.anchors):
        options.update(targets.get(line, {}))
    return options


def _snippet(
    fence: Fence,
    snippet_id: str,
    page: str,
    group: str,
    label: str | None,
    options: Mapping[str, str],
    placeholders: Mapping[str, str],
    preludes: dict[str, str],
    declared: frozenset[str] = frozenset(),
) -> tuple[Snippet, tuple[Problem, ...]]:
    """The snippet of `fence`; `preludes` (language -> code) grows when the fence is a prelude; `declared`
    are the binding names the page's wrangler configuration gives (names in code, not placeholders)."""
    language = language_of(fence.info)
    source_lines = fence.source.splitlines()[fence.header_lines :]
    body = _code_of(fence)
    expected_output = None
    runnable = language_named(language.name)
    if runnable is not None and runnable.split_output is not None:
        body, expected_output = runnable.split_output(body)
    is_prelude = options.get("prelude") == "true"
    result = ready(body, language.name, options, _skip_reason(fence, options, language.skip_reason), placeholders,
                   source_lines, _first_line(fence),
                   prelude="" if is_prelude else preludes.get(language.name, ""), bindings=declared)
    if is_prelude:
        preludes[language.name] = preludes.get(language.name, "") + result.code.rstrip("\n") + "\n"
    snippet = Snippet(
        id=snippet_id,
        page=page,
        group=group,
        label=label,
        language=result.language,
        code=result.code,
        line=_first_line(fence) - fence.header_lines,
        info=fence.info,
        source=fence.source,
        fence_line=fence.line,
        skip_reason=result.skip_reason,
        expected_output=expected_output,
        options=result.options,
    )
    return snippet, result.problems


def _first_line(fence: Fence) -> int:
    """The page line of the first line of code: after the fence and its header; a rendered block's
    code is shown where its component's tag stands."""
    return fence.line if fence.rendered else fence.line + 1 + fence.header_lines


def _skip_reason(fence: Fence, options: Mapping[str, str], language_skip: str | None) -> str | None:
    if not fence.closed:
        return "unclosed fence"
    if "skip" in options:
        reason = options["skip"]
        return f"skipped by annotation: {reason}" if reason not in ("", "true") else "skipped by annotation"
    if _is_empty(fence):
        return "empty block"
    if language_skip:
        return language_skip
    if options.get("output") == "true":
        return "not runnable: output block"
    return None


def _option_problems(fence: Fence, options: dict[str, str]) -> list[Problem]:
    """A `timeout` that is no positive number of seconds is dropped, with a warning."""
    timeout = options.get("timeout")
    if timeout is None:
        return []
    try:
        if 0 < float(timeout) < math.inf:
            return []
    except ValueError:
        pass
    del options["timeout"]
    message = f"timeout must be a positive number of seconds, not {timeout!r}; ignored"
    return [Problem(fence.line, message, Severity.WARNING)]


def _is_empty(fence: Fence) -> bool:
    return not _code_of(fence).strip()


def _code_of(fence: Fence) -> str:
    """The fence's lines after its header (all of them when it has none)."""
    return fence.source if not fence.header_lines else "".join(fence.source.splitlines(True)[fence.header_lines :])


def _fence_problems(fence: Fence) -> list[Problem]:
    problems = []
    if not fence.closed:
        problems.append(Problem(fence.line, f"unclosed code fence opened at line {fence.line}"))
    if _is_empty(fence) and fence.closed:
        problems.append(Problem(fence.line, "empty code block", Severity.WARNING))
    language = language_of(fence.info)
    if not language.word:
        problems.append(Problem(fence.line, "code fence has no language, not run", Severity.WARNING))
    elif not language.known:
        message = f"code fence has unknown language {language.word!r}, not run"
        problems.append(Problem(fence.line, message, Severity.WARNING))
    return problems
