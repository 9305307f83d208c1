"""A block skipped for a package the config adds is classified again and runs; others name the package."""

from __future__ import annotations

from pathlib import Path

from harness.config import Config, apply_to_snippet
from harness.extract.page import extract_page
from harness.model import Snippet
from harness.packages import LOCK_OPTION, OPTION, Packages, runner_env

PAGE = Path(__file__).resolve().parents[2] / "fixtures" / "packages" / "greetings.md"


def snippets() -> dict[int, Snippet]:
    return {s.line: s for s in extract_page(PAGE, "greetings.md").snippets}


def test_without_the_config_every_import_of_the_package_is_a_skip_that_says_how_to_add_it() -> None:
    applied = {line: apply_to_snippet(Config(), s) for line, s in snippets().items()}
    assert {line: s.skip_reason for line, s in applied.items()} == {
        10: 'not runnable: needs npm package `tiny-greet`, not installed for Node scripts '
            '(add it to packages.npm in [tool.harness], pinned: "name@1.2.3")',
        18: 'not runnable: needs npm package `tiny-greet`, not installed for Workers '
            '(add it to packages.npm in [tool.harness], pinned: "name@1.2.3")',
        30: 'not runnable: needs Python package `tiny_greet`, not installed '
            '(add it to packages.pypi in [tool.harness], pinned: "name==1.2.3")',
        38: 'not runnable: needs npm package `left-pad`, not installed for Node scripts '
            '(add it to packages.npm in [tool.harness], pinned: "name@1.2.3")',
        46: "fragment: continues line 30 (uses `greet`, defined there); runs in a page session",
    }
    assert not any(OPTION in s.options for s in applied.values())


def installed(root: Path) -> None:
    """What `harness packages install` leaves of tiny-greet (the install itself: test_run)."""
    cache = root / ".harness-cache" / "packages"
    (cache / "npm" / "node_modules" / "tiny-greet").mkdir(parents=True)
    (cache / "pypi").mkdir()
    (cache / "pypi" / "requirements.lock").write_text("tiny-greet==1.0.0\n")


def test_configured_packages_make_the_blocks_run_in_their_runner(tmp_path: Path) -> None:
    installed(tmp_path)
    config = Config(packages=Packages(npm=("tiny-greet@1.0.0",), pypi=("tiny-greet==1.0.0",), root=tmp_path))
    applied = {line: apply_to_snippet(config, s) for line, s in snippets().items()}
    assert {line: (s.skip_reason, s.options.get("kind")) for line, s in applied.items()} == {
        10: (None, "script"), 18: (None, "worker"), 30: (None, "script"),
        38: ('not runnable: needs npm package `left-pad`, not installed for Node scripts '
             '(add it to packages.npm in [tool.harness], pinned: "name@1.2.3")', "script"),
        46: ("fragment: continues line 30 (uses `greet`, defined there); runs in a page session", "fragment")}
    cache = str((tmp_path / ".harness-cache" / "packages").resolve())
    assert runner_env(applied[10], {"NODE_PATH": "/r/node_modules"}) == {
        "HARNESS_PACKAGES_DIR": cache, "HARNESS_NPM_PACKAGES": f"{cache}/npm",
        "NODE_PATH": f"/r/node_modules:{cache}/npm/node_modules",
        "PYTHONPATH": f"{cache}/pypi"}


def test_configured_packages_not_yet_installed_are_a_skip_that_says_to_install_them(tmp_path: Path) -> None:
    config = Config(packages=Packages(npm=("tiny-greet@1.0.0",), pypi=("tiny-greet==1.0.0",), root=tmp_path))
    applied = apply_to_snippet(config, snippets()[18])
    assert applied.skip_reason == ("not runnable: configured package(s) npm `tiny-greet`, PyPI `tiny-greet` not "
                                   "installed (run `harness packages install`)")
    installed(tmp_path)
    assert apply_to_snippet(config, snippets()[18]).skip_reason is None


def test_a_reinstall_with_other_pins_changes_the_snippets_options_so_cached_results_are_not_reused(
        tmp_path: Path) -> None:
    installed(tmp_path)
    config = Config(packages=Packages(npm=("tiny-greet@1.0.0",), pypi=("tiny-greet==1.0.0",), root=tmp_path))
    before = apply_to_snippet(config, snippets()[30]).options[LOCK_OPTION]
    (tmp_path / ".harness-cache" / "packages" / "pypi" / "requirements.lock").write_text("tiny-greet==1.0.1\n")
    assert apply_to_snippet(config, snippets()[30]).options[LOCK_OPTION] != before
