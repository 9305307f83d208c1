"""Shell snippets: bash with curl, as a reader would paste them into a terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness.model import Snippet
from harness.route import Route
from harness.run.base import Launch
from harness.run.common import proxy_env, snippet_env


class ShellRunner:
    """Runs an `sh` snippet with `bash -e`: the first failing command fails the snippet."""

    name = "shell"

    def available(self) -> str | None:
        missing = [tool for tool in ("bash", "curl") if shutil.which(tool) is None]
        return f"not on PATH: {', '.join(missing)}" if missing else None

    def launch(self, snippet: Snippet, route: Route, runners_dir: Path) -> Launch:
        return Launch(
            argv=("bash", "-e", "{workdir}/snippet.sh"),
            files={"snippet.sh": snippet.code.encode()},
            env={**snippet_env(snippet), **proxy_env(route)},
        )
