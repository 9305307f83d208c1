"""The registry of executors: built-ins, `harness.executors` plugins, and the `auto` choice that
`harness run` makes without `--executor` (docker when it is ready, else local with one warning line)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.errors import HarnessError
from harness.run.docker.ready import docker_ready
from harness.run.executor_kind import ExecutorSettings
from harness.run.executors import ENTRY_POINT_GROUP, ExecutorPluginError, choose, executor_choices, executor_kinds
from harness.run.local.executor import LocalExecutor
from harness.run.registry import default_runners_dir

DEAD_ENGINE = "unix:///nonexistent/harness-test/docker.sock"
PAGE = "# One snippet\n\n```sh\necho hello from the snippet\n```\n"
PLUGIN = '''
from harness.run.executor_kind import ExecutorKind, ExecutorSettings
from harness.run.local.executor import LocalExecutor

class Named(LocalExecutor):
    name = "{name}"

def make(settings: ExecutorSettings) -> Named:
    return Named(settings.runners_dir, settings.mock)

KIND = ExecutorKind("{name}", make, sandboxed={sandboxed}, ready=lambda settings: {ready!r})
NOT_A_KIND = object()
'''


def settings() -> ExecutorSettings:
    return ExecutorSettings(runners_dir=default_runners_dir())


class Plugins:
    """An installed package's `harness.executors` entry points (a dist-info folder on sys.path)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.declared = folder, dict[str, str]()

    def declare(self, **targets: str) -> None:
        """Entry name -> `module:attribute`; the registry is read afresh next time."""
        self.declared.update(targets)
        self._write()

    def forget(self, name: str) -> None:
        del self.declared[name]
        self._write()

    def _write(self) -> None:
        info = self.folder / "harness_test_plugin-1.0.dist-info"
        info.mkdir(exist_ok=True)
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: harness-test-plugin\nVersion: 1.0\n")
        lines = "".join(f"{name} = {target}\n" for name, target in self.declared.items())
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{lines}")
        executor_kinds.cache_clear()


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Plugins]:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield Plugins(tmp_path)
    executor_kinds.cache_clear()


def plugin_module(tmp_path: Path, module: str, name: str, sandboxed: bool = False, ready: str | None = None) -> None:
    (tmp_path / f"{module}.py").write_text(PLUGIN.format(name=name, sandboxed=sandboxed, ready=ready))


def test_the_built_ins_are_registered_and_auto_is_a_choice() -> None:
    assert list(executor_kinds())[:3] == ["local", "docker", "inprocess"]
    assert executor_choices()[-1] == "auto"
    assert executor_kinds()["docker"].sandboxed and not executor_kinds()["local"].sandboxed
    assert isinstance(choose("local", settings(), print).make(settings()), LocalExecutor)


def test_an_unknown_executor_is_a_harness_error_listing_the_choices() -> None:
    with pytest.raises(HarnessError, match=r"unknown executor 'podman' \(choose from local, docker, inprocess"):
        choose("podman", settings(), print)


def test_a_plugin_executor_is_registered_and_made(plugins: Plugins, tmp_path: Path) -> None:
    plugin_module(tmp_path, "plugin_named", "named")
    plugins.declare(named="plugin_named:KIND")
    assert "named" in executor_choices()
    executor = choose("named", settings(), print).make(settings())
    assert executor.name == "named"
    with executor:
        assert executor.route("p.md::g1::1").token


@pytest.mark.parametrize(("target", "problem"), [
    ("plugin_missing:KIND", r"executor plugin 'bad' \(plugin_missing:KIND\) fails to load: No module named"),
    ("plugin_named:NOT_A_KIND", r"executor plugin 'bad' \(plugin_named:NOT_A_KIND\) is not a ExecutorKind but object"),
    ("plugin_local:KIND", r"executor plugin 'bad' \(plugin_local:KIND\) takes the name 'local', which is already"),
])
def test_a_bad_plugin_fails_when_the_registry_is_read_naming_itself(
        plugins: Plugins, tmp_path: Path, target: str, problem: str) -> None:
    plugin_module(tmp_path, "plugin_named", "named")
    plugin_module(tmp_path, "plugin_local", "local")
    plugins.declare(bad=target)
    with pytest.raises(ExecutorPluginError, match=problem):
        executor_kinds()


def test_auto_takes_a_ready_sandboxed_executor_and_passes_over_one_that_is_not(
        plugins: Plugins, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", DEAD_ENGINE)
    plugin_module(tmp_path, "plugin_jail", "jail", sandboxed=True, ready="its daemon is down")
    plugin_module(tmp_path, "plugin_vm", "vm", sandboxed=True, ready=None)
    plugins.declare(jail="plugin_jail:KIND", vm="plugin_vm:KIND")
    said: list[str] = []
    assert choose("auto", settings(), said.append).name == "vm"
    assert said == ["executor: vm (snippets run sandboxed)"]
    plugins.forget("vm")
    said.clear()
    assert choose("auto", settings(), said.append).name == "local"
    [line] = said
    assert line.startswith("warning: snippets run unsandboxed, as local processes on this machine: docker was not "
                           "used: no Docker engine answers")
    assert line.endswith("; jail was not used: its daemon is down") and "\n" not in line


def harness_run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    (tmp_path / "page.md").write_text(PAGE)
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", "page.md", "-q", "--no-cache", "--json",
                           "r.json", *args], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert (tmp_path / "r.json").exists(), done.stdout + done.stderr
    return done, json.loads((tmp_path / "r.json").read_text())


def test_harness_run_without_an_engine_runs_locally_and_says_so_once(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", DEAD_ENGINE)
    done, report = harness_run(tmp_path)
    assert report["summary"]["executor"] == "local"
    [warning] = [line for line in done.stderr.splitlines() if "unsandboxed" in line]
    assert warning.startswith("warning: snippets run unsandboxed") and "no Docker engine answers" in warning
    assert [s["status"] for s in report["snippets"]] == ["passed"]


@pytest.mark.docker
def test_harness_run_without_executor_runs_in_docker_when_the_images_are_current(tmp_path: Path) -> None:
    problem = docker_ready()
    if problem:
        pytest.fail(f"the docker tests need an engine and current images: {problem}")
    done, report = harness_run(tmp_path)
    assert report["summary"]["executor"] == "docker", done.stderr
    assert "executor: docker (snippets run sandboxed)" in done.stderr and "unsandboxed" not in done.stderr
    [snippet] = report["snippets"]
    assert (snippet["status"], snippet["stdout"]) == ("passed", "hello from the snippet\n")
