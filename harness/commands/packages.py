"""`harness packages install`: the npm and PyPI packages of the project's config, installed once."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.commands.tools import CONFIG_HELP
from harness.config import load as load_config
from harness.packages import install
from harness.run.docker.images import RUNNERS_DIR


def cmd_packages(args: argparse.Namespace) -> int:
    """Installs the configured packages into the project's `.harness-cache/packages/` (needs the registries)."""
    config = load_config(Path(args.config) if args.config else None)
    if not (config.packages.npm or config.packages.pypi):
        print("harness: no packages in the configuration" + (f" ({config.source})" if config.source else ""))
        return 0
    for line in install(config.packages, Path(args.python)):
        print(f"installed {line}")
    return 0


def add_commands(sub: Any) -> None:
    """`packages install` on the subparsers `sub`."""
    packages = sub.add_parser("packages", help="install the npm and PyPI packages the configuration adds "
                              "(`packages = { npm = [...], pypi = [...] }`), once, online; runs use them offline")
    packages.add_argument("action", choices=("install",))
    packages.add_argument("--config", metavar="FILE", help=CONFIG_HELP)
    packages.add_argument("--python", default=str(RUNNERS_DIR / "python" / ".venv" / "bin" / "python"),
                          help="the Python whose pip installs the PyPI packages (default: the python runner's)")
    packages.set_defaults(func=cmd_packages)
