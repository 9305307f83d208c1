"""A copy of `fixtures/packages/` with its npm tarball (`npm pack`) and wheel built beside it, and its
packages installed by `harness packages install` offline (pip finds the wheel through PIP_FIND_LINKS)."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures" / "packages"


def build_wheel(module: Path, folder: Path) -> Path:
    """A pure wheel `tiny_greet-1.0.0-py3-none-any.whl` of the one-module distribution `tiny-greet`."""
    info = "tiny_greet-1.0.0.dist-info"
    files = {
        module.name: module.read_bytes(),
        f"{info}/METADATA": b"Metadata-Version: 2.1\nName: tiny-greet\nVersion: 1.0.0\n",
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    digest = {name: base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
              for name, data in files.items()}
    record = "".join(f"{name},sha256={digest[name]},{len(data)}\n" for name, data in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    wheel = folder / "tiny_greet-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project, its packages installed (`.harness-cache/packages/`)."""
    folder = tmp_path_factory.mktemp("packages") / "project"
    shutil.copytree(FIXTURE, folder)
    vendor = folder / "vendor"
    subprocess.run(["npm", "pack", "--pack-destination", str(vendor)], cwd=vendor / "tiny-greet", check=True,
                   capture_output=True, timeout=120)
    build_wheel(vendor / "tiny_greet.py", vendor)
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(vendor), "npm_config_offline": "true"}
    done = subprocess.run([sys.executable, "-m", "harness.cli", "packages", "install", "--config", "harness.toml"],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder
