"""The entry-point loader that docs formats and runtimes share."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.extract.formats import HUGO, MDX, FormatPluginError, docs_formats, format_for
from harness.plugins import PluginError, load_plugins
from harness.runtimes.base import Runtime

from .support import install


def test_plugins_load_in_their_group_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(tmp_path, monkeypatch, "harness.toy", "rb = toy_rb:RB\nsnake = toy_rb:SNAKE")
    found = load_plugins("harness.toy", Runtime, "toy")
    assert sorted((where, runtime.name) for where, runtime in found) == [
        ("toy 'rb' (toy_rb:RB)", "rb"), ("toy 'snake' (toy_rb:SNAKE)", "snake")]
    assert load_plugins("harness.no_such_group", Runtime, "toy") == []
    with pytest.raises(PluginError, match=r"toy 'rb' \(toy_rb:RB\) is not a str but Runtime"):
        load_plugins("harness.toy", str, "toy")


def test_a_docs_format_plugin_is_added_or_fails_naming_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs_formats.cache_clear()
    try:
        install(tmp_path, monkeypatch, "harness.docs_formats", "rst = toy_rb:RST")
        assert docs_formats()[-1].name == "rst" and format_for(Path("a.rst")).name == "rst"
        assert (format_for(Path("a.md")), format_for(Path("a.mdx"))) == (HUGO, MDX)
        (tmp_path / "toy_plugins-0.1.dist-info" / "entry_points.txt").write_text(
            "[harness.docs_formats]\nrst = toy_rb:RB\n")
        docs_formats.cache_clear()
        with pytest.raises(FormatPluginError, match=r"docs format 'rst' \(toy_rb:RB\) is not a DocsFormat but Runtime"):
            docs_formats()
    finally:
        docs_formats.cache_clear()
