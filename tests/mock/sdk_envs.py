"""Throwaway installs of real clients (the official `cloudflare` SDKs, `openai`, `langchain-cloudflare`),
cached by their pinned versions.

Python majors cannot share one environment, so each set of requirements gets its own venv under
`~/.cache/harness-test-sdks/python-<name>-<version>...` (pip from PyPI); npm packages go to
`.../npm-<name>-<version>...`. An install is made in a temporary folder and renamed into place
when it is complete, under a lock, so parallel test processes and interrupted runs are safe.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CACHE = Path(os.environ.get("HARNESS_SDK_CACHE", Path.home() / ".cache" / "harness-test-sdks"))
INSTALL_TIMEOUT_S = 600


class SdkInstallError(RuntimeError):
    """An SDK could not be installed (the output of the failed command is in the message)."""


def _installed(name: str, install: list[list[str]], probe: str) -> Path:
    """`CACHE/name`, made by running `install` (with `{dir}` for the folder) if it is not there yet."""
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / name
    with open(CACHE / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / probe).exists():
            return target
        work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=CACHE))
        try:
            for argv in install:
                argv = [part.replace("{dir}", str(work)) for part in argv]
                done = subprocess.run(argv, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, cwd=work)
                if done.returncode != 0:
                    raise SdkInstallError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
            shutil.rmtree(target, ignore_errors=True)
            work.rename(target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


def python_env(*requirements: str) -> Path:
    """The python of a venv with `requirements` (pinned: `name==version`) installed."""
    folder = _installed(
        "python-" + "-".join(r.replace("==", "-") for r in requirements),
        [
            [sys.executable, "-m", "venv", "{dir}"],
            ["{dir}/bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements],
        ],
        "bin/python",
    )
    # a venv is not relocatable: its scripts name the temporary folder, but `bin/python -m` works
    return folder / "bin" / "python"


def python_sdk(version: str) -> Path:
    """The python of a venv with `cloudflare==version` installed."""
    return python_env(f"cloudflare=={version}")


def npm_env(*packages: str) -> Path:
    """A `node_modules` folder with `packages` (pinned: `name@version`) installed."""
    name = "npm-" + "-".join(p.lstrip("@").replace("/", "-").replace("@", "-") for p in packages)
    first = packages[0].rpartition("@")[0] or packages[0]
    folder = _installed(
        name,
        [["npm", "install", "--prefix", "{dir}", "--no-audit", "--no-fund", "--no-save", *packages]],
        f"node_modules/{first}/package.json",
    )
    return folder / "node_modules"


def npm_sdk(version: str) -> Path:
    """A `node_modules` folder with `cloudflare@version` installed."""
    return npm_env(f"cloudflare@{version}")
