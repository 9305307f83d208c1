"""The launch of a session: its cells, a manifest and the language's driver, laid out for any executor.

The cells and the manifest go in `.harness-session/` of the work dir (the cells' own cwd stays as a
lone block's); the driver reports each cell on stdout behind a mark made for this launch, which no
cell can know in advance.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.extract.placeholder_values import TEST_ACCOUNT_ID, TEST_API_TOKEN, TEST_EMAIL, TEST_GATEWAY_ID
from harness.generated_values import reader_file_stand_ins
from harness.model import Snippet
from harness.packages import runner_env
from harness.route import Route
from harness.run.base import Launch
from harness.run.common import OUTPUT_LIMIT, proxy_env, snippet_env

FOLDER = ".harness-session"
"""Where a session's cells and manifest are, in its work dir."""


def cell_limit(cells: int) -> int:
    """Bytes of stdout (and of stderr) the driver reports per cell: the reports of all cells (two
    streams each, base64 or JSON-escaped) stay under the executor's cap on a launch's output."""
    return max(4096, OUTPUT_LIMIT // (3 * max(cells, 1)))


def answers(placeholders: Mapping[str, str]) -> list[list[str]]:
    """What `getpass()`/`input()` answer, by a word of the prompt: the values the page's placeholders
    get for a token, an account id, an AI Gateway, an email (the first word found wins)."""
    token = placeholders.get("{API_TOKEN}", TEST_API_TOKEN)
    return [["token", token], ["api key", token], ["gateway", TEST_GATEWAY_ID],
            ["email", placeholders.get("<EMAIL>", TEST_EMAIL)],
            ["account", placeholders.get("{ACCOUNT_ID}", TEST_ACCOUNT_ID)]]


def _shared(cells: Sequence[Snippet], route: Route) -> tuple[dict[str, bytes], dict[str, str]]:
    files: dict[str, bytes] = {}
    env: dict[str, str] = {}
    for cell in cells:
        files.update(reader_file_stand_ins(cell.options))
        env.update({**snippet_env(cell), **runner_env(cell)})
    return files, {**env, **proxy_env(route)}


def python_launch(cells: Sequence[Snippet], teardown: Sequence[bool], route: Route, runners_dir: Path,
                  placeholders: Mapping[str, str]) -> tuple[Launch, str]:
    """The launch of `runners/python/session_driver.py` over `cells`, and its report's mark."""
    mark = "harness-cell-" + secrets.token_hex(8)
    files, env = _shared(cells, route)
    manifest = {"mark": mark, "limit": cell_limit(len(cells)), "answers": answers(placeholders),
                "cells": [{"file": f"{i}.py", "teardown": down} for i, down in enumerate(teardown, 1)]}
    files.update({f"{FOLDER}/{i}.py": cell.code.encode() for i, cell in enumerate(cells, 1)})
    files[f"{FOLDER}/manifest.json"] = json.dumps(manifest).encode()
    python = runners_dir / "python" / ".venv" / "bin" / "python"
    driver = runners_dir / "python" / "session_driver.py"
    argv = (str(python), "-u", str(driver), f"{{workdir}}/{FOLDER}/manifest.json")
    quiet_pip = {"PIP_DISABLE_PIP_VERSION_CHECK": "1"}  # pip asking PyPI about itself is not the page's doing
    return Launch(argv=argv, files=files, env={**env, **quiet_pip, "PYTHONDONTWRITEBYTECODE": "1",
                                               "PYTHONIOENCODING": "utf-8"}), mark


def shell_launch(cells: Sequence[Snippet], teardown: Sequence[bool], route: Route, runners_dir: Path,
                 placeholders: Mapping[str, str]) -> tuple[Launch, str]:
    """The launch of `runners/shell/session_driver.sh` over `cells`, and its report's mark."""
    del placeholders  # a shell block reads no prompt
    mark = "harness-cell-" + secrets.token_hex(8)
    files, env = _shared(cells, route)
    files.update({f"{FOLDER}/{i}.sh": cell.code.encode() for i, cell in enumerate(cells, 1)})
    downs = [str(i) for i, down in enumerate(teardown, 1) if down]
    argv = ("bash", str(runners_dir / "shell" / "session_driver.sh"), mark, f"{{workdir}}/{FOLDER}",
            str(cell_limit(len(cells))), str(len(cells)), *downs)
    return Launch(argv=argv, files=files, env=env), mark


LAUNCHERS = {"python": python_launch, "shell": shell_launch}
"""Runner name -> how a session of its blocks is launched."""
