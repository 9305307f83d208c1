"""Builds tab groups from a stream of open/close tag events, reporting unbalanced tags.

Each docs format finds its own tags (Hugo shortcodes, MDX components) and feeds them here, so
both formats pair, nest and repair tabs the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from harness.extract.regions import Problem, Tab, TabGroup


@dataclass
class _OpenTab:
    line: int
    label: str | None
    attrs: Mapping[str, str]


@dataclass
class _OpenGroup:
    line: int
    attrs: Mapping[str, str]
    tabs: list[Tab] = field(default_factory=list)
    current: _OpenTab | None = None


class TabBuilder:
    """Pairs tab tags into `TabGroup`s; `group_tag`/`tab_tag` name the tags in messages (`<Tabs>`)."""

    def __init__(self, group_tag: str, tab_tag: str) -> None:
        self.group_tag = group_tag
        self.tab_tag = tab_tag
        self.groups: list[TabGroup] = []
        self.problems: list[Problem] = []
        self._stack: list[_OpenGroup] = []

    def feed(self, is_group: bool, closing: bool, line: int, attrs: Mapping[str, str]) -> None:
        """One tag at `line`: a group or tab tag, opening or closing."""
        if is_group and closing:
            self.close_group(line)
        elif is_group:
            self.open_group(line, attrs)
        elif closing:
            self.close_tab(line)
        else:
            self.open_tab(line, attrs)

    def open_group(self, line: int, attrs: Mapping[str, str]) -> None:
        """A group tag opens at `line`."""
        self._stack.append(_OpenGroup(line, attrs))

    def open_tab(self, line: int, attrs: Mapping[str, str]) -> None:
        """A tab tag opens at `line`; an open sibling tab is closed first (and reported)."""
        if not self._stack:
            self._error(line, f"{self.tab_tag} outside any {self.group_tag}")
            self.open_group(line, {})
        group = self._stack[-1]
        if group.current is not None:
            self._unclosed_tab(group, line - 1)
        group.current = _OpenTab(line, attrs.get("label"), attrs)

    def close_tab(self, line: int) -> None:
        """A closing tab tag at `line`."""
        if not self._stack or self._stack[-1].current is None:
            self._error(line, f"{_closing(self.tab_tag)} without an open {self.tab_tag}")
            return
        self._end_tab(self._stack[-1], line)

    def close_group(self, line: int) -> None:
        """A closing group tag at `line`; an open tab inside it is closed (and reported)."""
        if not self._stack:
            self._error(line, f"{_closing(self.group_tag)} without an open {self.group_tag}")
            return
        group = self._stack[-1]
        if group.current is not None:
            self._unclosed_tab(group, line)
        self._end_group(line)

    def finish(self, last_line: int) -> tuple[list[TabGroup], list[Problem]]:
        """Close whatever is still open at the end of the page; the groups in page order."""
        while self._stack:
            group = self._stack[-1]
            if group.current is not None:
                self._unclosed_tab(group, last_line)
            self._error(group.line, f"unclosed {self.group_tag} opened at line {group.line}")
            self._end_group(last_line)
        return sorted(self.groups, key=lambda g: g.line), sorted(self.problems, key=lambda p: p.line)

    def _unclosed_tab(self, group: _OpenGroup, end_line: int) -> None:
        assert group.current is not None
        opened = group.current.line
        self._error(opened, f"unclosed {self.tab_tag} opened at line {opened}")
        self._end_tab(group, end_line)

    def _end_tab(self, group: _OpenGroup, end_line: int) -> None:
        assert group.current is not None
        tab = group.current
        label = tab.label or _label_by_position(group.attrs, len(group.tabs))
        group.tabs.append(Tab(tab.line, max(end_line, tab.line), label, tab.attrs))
        group.current = None

    def _end_group(self, end_line: int) -> None:
        group = self._stack.pop()
        self.groups.append(TabGroup(group.line, max(end_line, group.line), tuple(group.tabs), group.attrs))

    def _error(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))


def _label_by_position(attrs: Mapping[str, str], index: int) -> str:
    labels = [label.strip() for label in attrs.get("labels", "").split("|") if label.strip()]
    return labels[index] if index < len(labels) else f"tab{index + 1}"


def _closing(tag: str) -> str:
    """`{{<tab>}}` -> `{{</tab>}}`, `<TabItem>` -> `</TabItem>`."""
    return tag.replace("{{<", "{{</", 1) if tag.startswith("{{<") else tag.replace("<", "</", 1)
