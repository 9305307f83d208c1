"""Python: `py` fences, run as scripts by the runner's own interpreter (with `requests` and `httpx`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from harness.extract import provided
from harness.extract.placeholder_values import environment
from harness.extract.pyfacts import py_facts
from harness.extract.pystrings import plain_string_spans
from harness.generated_values import reader_file_stand_ins
from harness.model import Snippet
from harness.packages import runner_env
from harness.route import Route
from harness.run.base import Launch
from harness.run.common import proxy_env, snippet_env
from harness.runtimes.base import BaseImage, Classification, Language, Runtime, listed

PYTHON_WORKER_MODULES = frozenset({"js", "pyodide", "workers"})
"""Modules only a Python Worker imports."""


def classify_py(code: str, placeholders: Mapping[str, str]) -> Classification:
    """A script, or why not: a notebook cell, a Python Worker, a fragment, a missing package."""
    facts = py_facts(code)
    env, missing = environment(list(facts.environ), placeholders)

    def result(kind: str, reason: str | None = None) -> Classification:
        return Classification(kind, reason, "py", env, tuple(missing))

    if facts.notebook:
        return result("notebook", f"not runnable: notebook cell (`{facts.notebook}`)")
    worker_modules = [m for m in facts.imports if m in PYTHON_WORKER_MODULES]
    if worker_modules or "on_fetch" in facts.defines:
        what = f"imports {listed(worker_modules)}" if worker_modules else "defines `on_fetch`"
        return result("python-worker", f"not runnable: Python Worker ({what}); workerd loads its Pyodide "
                      "runtime from the internet when a Python Worker starts, and no package carries it offline")
    if facts.top_level_return:
        return result("fragment", "fragment: `return` outside a function")
    if facts.top_level_await:
        return result("fragment", "fragment: `await` outside an async function")
    if facts.undefined:
        return result("fragment", f"fragment: uses {listed(facts.undefined)}, never defined")
    packages = [m for m in facts.imports if not provided.python_provided(m)]
    if packages:
        return result("script", f"not runnable: needs Python package {listed(packages)}, not installed")
    if not facts.top_level_effect:
        return result("module", f"not runnable: only defines {listed(facts.defines)}; nothing calls it"
                      if facts.defines else "not runnable: nothing at the top level runs")
    return result("script")


class PythonRunner:
    """Runs a `py` snippet as a script; requests and httpx reach the mock through HTTPS_PROXY."""

    name = "python"
    warm_server = False

    def __init__(self, runners_dir: Path) -> None:
        self._local_python = runners_dir / "python" / ".venv" / "bin" / "python"

    def available(self) -> str | None:
        if self._local_python.exists():
            return None
        return f"no Python environment at {self._local_python} (run `make setup`)"

    def launch(self, snippet: Snippet, route: Route, runners_dir: Path) -> Launch:
        python = runners_dir / "python" / ".venv" / "bin" / "python"
        return Launch(
            argv=(str(python), "-u", "{workdir}/snippet.py"),
            files={**reader_file_stand_ins(snippet.options), "snippet.py": snippet.code.encode()},
            env={**snippet_env(snippet), **proxy_env(route), "PYTHONDONTWRITEBYTECODE": "1",
                 "PYTHONIOENCODING": "utf-8", **runner_env(snippet)},
        )


PY = Language(
    name="py",
    fence_words=("py", "python", "python3"),
    classify=classify_py,
    default_kind=lambda _code: "script",
    string_spans=plain_string_spans,
    body_marker="json",
)
PYTHON_BASE = BaseImage("python", "python:3.12-slim", "harness-base-python:bookworm")
"""Also the base of the mock sidecar's image."""
PYTHON = Runtime(
    name=PythonRunner.name,
    languages=(PY,),
    kinds=frozenset({"script"}),
    runner=PythonRunner,
    base_image=PYTHON_BASE,
    warm_server=PythonRunner.warm_server,
)
