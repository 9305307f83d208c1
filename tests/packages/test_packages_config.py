"""The `packages` key: exact pins only; a spec without one is an error naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import load, parse
from harness.errors import HarnessError


def test_pinned_packages_are_read(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text(
        'packages = { npm = ["left-pad@1.3.0", "@scope/x@2.0.0-beta.1", "y@file:v/y-1.0.0.tgz"],'
        ' pypi = ["rich==13.9.4"] }\n')
    packages = load(start=tmp_path).packages
    assert packages.npm == ("left-pad@1.3.0", "@scope/x@2.0.0-beta.1", "y@file:v/y-1.0.0.tgz")
    assert packages.pypi == ("rich==13.9.4",)
    assert packages.npm_names() == {"left-pad", "@scope/x", "y"}
    assert packages.cache == (tmp_path / ".harness-cache" / "packages").resolve()
    assert "rich" in packages.python_modules()


@pytest.mark.parametrize(("key", "spec"), [("npm", "left-pad"), ("npm", "left-pad@^1.3.0"), ("npm", "left-pad@latest"),
                                           ("pypi", "rich"), ("pypi", "rich>=13"), ("pypi", "rich~=13.9")])
def test_a_spec_without_an_exact_pin_is_an_error(key: str, spec: str) -> None:
    with pytest.raises(HarnessError) as raised:
        parse({"packages": {key: [spec]}}, "proj/harness.toml")
    assert str(raised.value).startswith(f"proj/harness.toml: packages.{key} entry {spec!r} is not pinned exactly")


def test_an_unknown_packages_list_is_an_error() -> None:
    with pytest.raises(HarnessError, match="proj/pyproject.toml: `packages` must be a table"):
        parse({"packages": {"cargo": ["serde==1"]}}, "proj/pyproject.toml")
