"""Runs the Python blocks of one page session as a notebook kernel would: one IPython namespace, cells
one after the other, `!cmd` and `%magic` lines as in Jupyter.

Usage: `python -u session_driver.py MANIFEST`, where MANIFEST (JSON) is
`{"mark": str, "limit": int, "cells": [{"file": str, "teardown": bool}], "answers": [[word, value], ...]}`
(file names relative to the manifest's folder). For each cell it runs it prints one line on its own
standard output, `<mark> <json>`, with `{"cell": i, "start": t, "end": t, "exit": int, "stdout": str,
"stderr": str, "truncated": bool}` (times: seconds since the epoch; exit 0, 1 for an exception, or the
status of `SystemExit`); what a cell and its child processes write goes to files, not to that stream.
After a cell fails only teardown cells run. A `!cmd` that exits non-zero fails its cell (raises
`subprocess.CalledProcessError`), as a reader would see it fail. `getpass()` and `input()` get the
value of the first `answers` word their prompt holds (there is no terminal); none: `EOFError`.
"""

from __future__ import annotations

import builtins
import getpass
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _answer(answers: list[list[str]]) -> Any:
    def ask(prompt: object = "", *_args: object, **_kwargs: object) -> str:
        text = str(prompt).lower()
        for word, value in answers:
            if word in text:
                return value
        raise EOFError(f"no terminal to answer {str(prompt)!r}, and the harness has no value for this prompt")

    return ask


def _shell(scratch: str) -> Any:
    """An IPython shell as a kernel has one (its profile in `scratch`, no history database, no colours)."""
    os.environ["IPYTHONDIR"] = os.path.join(scratch, "ipython")  # not a `.ipython` in the cells' work dir
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Publisher(DisplayPublisher):  # type: ignore[misc]
        """Shows what a notebook renders as text: Markdown as its source, else the plain repr."""

        def publish(self, data: dict[str, Any], metadata: Any = None, **kwargs: Any) -> None:
            text = data.get("text/markdown") or data.get("text/plain")
            if text is not None:
                print(text)

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config, colors="nocolor", display_pub_class=Publisher)

    def show_traceback(_etype: Any, _evalue: Any, stb: list[str]) -> None:
        print(shell.InteractiveTB.stb2text(stb), file=sys.stderr)

    def system(cmd: str) -> None:
        __tracebackhide__ = True  # the traceback ends at the cell's `!cmd` line
        expanded = shell.var_expand(cmd, depth=1)
        code = subprocess.call(expanded, shell=True, executable=os.environ.get("SHELL") or None)
        shell.user_ns["_exit_code"] = code
        if code != 0:
            raise subprocess.CalledProcessError(code, expanded)

    shell._showtraceback = show_traceback
    shell.system = system
    return shell


def _exit_of(result: Any) -> int:
    error = result.error_before_exec or result.error_in_exec
    if error is None:
        return 0
    if isinstance(error, SystemExit):
        code = error.code
        return 0 if code is None else code & 0xFF if isinstance(code, int) else 1
    return 1


def _read(path: Path, limit: int) -> tuple[str, bool]:
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    return data[:limit].decode("utf-8", errors="replace"), len(data) > limit


def run_cell(shell: Any, code: str, scratch: Path, limit: int) -> dict[str, Any]:
    """Runs one cell with fds 1 and 2 on files; what it did, as the protocol line says."""
    out, err = scratch / "stdout", scratch / "stderr"
    saved = os.dup(1), os.dup(2)
    sys.stdout.flush()
    sys.stderr.flush()
    with out.open("wb") as out_file, err.open("wb") as err_file:
        os.dup2(out_file.fileno(), 1)
        os.dup2(err_file.fileno(), 2)
        start = time.time()
        try:
            exit_code = _exit_of(shell.run_cell(code, store_history=True))
        finally:
            end = time.time()
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
    stdout, cut_out = _read(out, limit)
    stderr, cut_err = _read(err, limit)
    return {"start": start, "end": end, "exit": exit_code, "stdout": stdout, "stderr": stderr,
            "truncated": cut_out or cut_err}


def main(manifest_path: str) -> int:
    manifest = json.loads(Path(manifest_path).read_text())
    folder = Path(manifest_path).parent
    protocol = os.dup(1)
    getpass.getpass = builtins.input = _answer(manifest.get("answers", []))  # type: ignore[assignment]
    failed = False
    with tempfile.TemporaryDirectory(prefix="scratch-", dir=folder) as scratch:  # beside the cells
        shell = _shell(scratch)
        for index, cell in enumerate(manifest["cells"]):
            if failed and not cell.get("teardown"):
                continue
            code = (folder / cell["file"]).read_text()
            record = {"cell": index, **run_cell(shell, code, Path(scratch), int(manifest["limit"]))}
            os.write(protocol, f"{manifest['mark']} {json.dumps(record)}\n".encode())
            failed = failed or record["exit"] != 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
