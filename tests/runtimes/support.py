"""Installing entry points for a test: a distribution on sys.path, the way pip leaves one."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
"""Where the toy plugin module (`toy_rb.py`) is."""


def install(where: Path, monkeypatch: pytest.MonkeyPatch, group: str, entry_points: str) -> None:
    """Install into `where` a distribution whose only content is `entry_points` (lines `name = module:attr`)
    in `group`; the toy module beside this file is importable too."""
    info = where / "toy_plugins-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-plugins\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{group}]\n{entry_points}\n")
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.syspath_prepend(str(where))
