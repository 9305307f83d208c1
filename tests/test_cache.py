"""The result cache's keys: whatever can change a result changes every key."""

from __future__ import annotations

from pathlib import Path

from harness.cache import HARNESS_DIR, ResultCache


def keys(tmp_path: Path, code: Path, runners: Path) -> str:
    return ResultCache(tmp_path / "cache", runners, "local", 30.0, harness_dir=code).key("page.md::g1::py")


def test_a_change_in_the_harness_own_code_or_in_a_runner_changes_every_key(tmp_path: Path) -> None:
    """A check edited in a newer checkout (same version number) must not be served an older result."""
    code, runners = tmp_path / "harness", tmp_path / "runners"
    (code / "check").mkdir(parents=True)
    (runners / "python").mkdir(parents=True)
    (code / "check" / "rules.py").write_text("LEVEL = 'error'\n")
    (runners / "python" / "run.py").write_text("print('run')\n")
    first = keys(tmp_path, code, runners)

    assert keys(tmp_path, code, runners) == first
    (code / "check" / "rules.py").write_text("LEVEL = 'warning'\n")
    second = keys(tmp_path, code, runners)
    assert second != first
    (runners / "python" / "run.py").write_text("print('ran')\n")
    assert keys(tmp_path, code, runners) not in (first, second)


def test_the_default_is_the_installed_package_with_its_mock_and_checks() -> None:
    assert (HARNESS_DIR / "check").is_dir() and (HARNESS_DIR / "mock").is_dir()
    assert (HARNESS_DIR / "cache.py").resolve() == Path(__file__).resolve().parents[1] / "harness" / "cache.py"
