"""Entry points: how installed packages add docs formats, runtimes (and whatever else is registered).

A registry lists its built-ins and adds what `load_plugins` finds in its entry-point group. A plugin
that does not load, or names something other than what the group holds, fails when it is loaded,
naming itself (`runtime plugin 'go' (harness_go:GO) is not a Runtime but str`).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TypeVar

from harness.errors import HarnessError

T = TypeVar("T")


class PluginError(HarnessError):
    """An entry point that does not load, or does not name what its group holds."""


def load_plugins(group: str, kind: type[T], what: str, error: type[PluginError] = PluginError) -> list[tuple[str, T]]:
    """(`<what> '<name>' (<module:attr>)`, the object) for each entry point of `group`."""
    found = []
    for entry in entry_points(group=group):
        where = f"{what} {entry.name!r} ({entry.value})"
        try:
            loaded = entry.load()
        except Exception as failure:
            raise error(f"{where} fails to load: {failure}") from failure
        if not isinstance(loaded, kind):
            raise error(f"{where} is not a {kind.__name__} but {type(loaded).__name__}")
        found.append((where, loaded))
    return found
