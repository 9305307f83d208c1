"""Python snippets: run by the runner's own interpreter (with `requests` and `httpx`)."""

from __future__ import annotations

from pathlib import Path

from harness.model import Snippet
from harness.route import Route
from harness.run.base import Launch
from harness.run.common import proxy_env, snippet_env


class PythonRunner:
    """Runs a `py` snippet as a script; requests and httpx reach the mock through HTTPS_PROXY."""

    name = "python"

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
            files={"snippet.py": snippet.code.encode()},
            env={**snippet_env(snippet), **proxy_env(route), "PYTHONDONTWRITEBYTECODE": "1",
                 "PYTHONIOENCODING": "utf-8"},
        )
