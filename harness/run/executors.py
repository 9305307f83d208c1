"""The registry of executors, and the choice of one for a run.

The built-in executors are listed here; a third-party package adds one by naming an `ExecutorKind`
in the `harness.executors` entry-point group (a plugin that does not load, is no `ExecutorKind` or
takes a name already taken fails when the registry is read, naming itself). `auto` (the default of
`harness run`) takes the first sandboxed executor that is ready here (docker: an engine answers and
the images are current); otherwise it runs locally and says, in one line, that snippets run unsandboxed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from harness.errors import HarnessError
from harness.mock.server import MockConfig
from harness.plugins import PluginError, load_plugins
from harness.run.base import Executor
from harness.run.docker.executor import DOCKER
from harness.run.docker.ready import docker_ready as docker_ready
from harness.run.executor_kind import ExecutorKind, ExecutorSettings
from harness.run.inprocess.executor import INPROCESS
from harness.run.local.executor import LOCAL

if TYPE_CHECKING:
    from harness.pipeline import RunOptions

ENTRY_POINT_GROUP = "harness.executors"
AUTO = "auto"
BUILT_IN: tuple[ExecutorKind, ...] = (LOCAL, DOCKER, INPROCESS)
"""The executors that ship with the harness."""
EXECUTOR_CHOICES = (*(kind.name for kind in BUILT_IN), AUTO)
"""`--executor` values of the built-in executors; `executor_choices()` adds the plugins'."""


class ExecutorPluginError(PluginError):
    """A `harness.executors` entry point that does not load, is no `ExecutorKind`, or reuses a name."""


@cache
def executor_kinds() -> dict[str, ExecutorKind]:
    """Every executor by name: the built-in ones, then those registered by installed packages."""
    found = {kind.name: kind for kind in BUILT_IN}
    for where, kind in load_plugins(ENTRY_POINT_GROUP, ExecutorKind, "executor plugin", ExecutorPluginError):
        if kind.name in found or kind.name == AUTO:
            raise ExecutorPluginError(f"{where} takes the name {kind.name!r}, which is already taken")
        found[kind.name] = kind
    return found


def executor_choices() -> tuple[str, ...]:
    """What `--executor` accepts: every registered executor and `auto`."""
    return (*executor_kinds(), AUTO)


def mock_config(options: RunOptions) -> MockConfig:
    """The mock as the configuration asks for it (scenarios, OpenAPI documents)."""
    return MockConfig(scenarios=options.config.scenarios, openapi_docs=options.config.openapi)


def settings_of(options: RunOptions) -> ExecutorSettings:
    """The part of `options` that executors read."""
    return ExecutorSettings(runners_dir=options.runners_dir, mock=mock_config(options),
                            warm_workers=options.warm_workers, isolation=options.isolation,
                            build_images=options.build_images)


def one_line(text: str, limit: int = 300) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def choose(name: str, settings: ExecutorSettings, announce: Callable[[str], None]) -> ExecutorKind:
    """The executor `name` names; for `auto` the first ready sandboxed one, else `local` (announced)."""
    kinds = executor_kinds()
    if name != AUTO:
        if name not in kinds:
            raise HarnessError(f"unknown executor {name!r} (choose from {', '.join(executor_choices())})")
        return kinds[name]
    passed_over = []
    for kind in kinds.values():
        if kind.sandboxed:
            problem = kind.ready(settings)
            if problem is None:
                announce(f"executor: {kind.name} (snippets run sandboxed)")
                return kind
            passed_over.append(f"{kind.name} was not used: {one_line(problem)}")
    reason = "; ".join(passed_over) or "no sandboxed executor is registered"
    announce(f"warning: snippets run unsandboxed, as local processes on this machine: {reason}")
    return kinds[LOCAL.name]


def make_executor(options: RunOptions, announce: Callable[[str], None] = lambda _: None) -> Executor:
    """The executor `options.executor` names (not yet entered); `auto` takes docker when it is ready,
    else local, and says which (see the module docstring)."""
    settings = settings_of(options)
    return choose(options.executor, settings, announce).make(settings)
