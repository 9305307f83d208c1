"""Packages a project adds to the runners: `packages = { npm = [...], pypi = [...] }` in its config.

`harness packages install` installs them once, online, into the project's `.harness-cache/packages/`
(`npm/` with a package.json and its package-lock.json, `pypi/` by `pip install --target` with a
`requirements.lock`); runs are offline and only point the runners at that folder
(`HARNESS_NPM_PACKAGES`, `NODE_PATH`, `PYTHONPATH`). Classification sees them through
`provided.configured`: a snippet skipped for a package the config adds is classified again.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.extract import provided
from harness.extract.classify import classify
from harness.model import Snippet

OPTION = "packages_dir"
"""Snippet option: the project's package folder, set on runnable snippets when the config has packages."""
LOCK_OPTION = "packages_lock"
"""Snippet option: a digest of the installed lock files, so that a result cached before a reinstall
is not reused (`harness.cache` keys on options)."""
DIR_ENV = "HARNESS_PACKAGES_DIR"
"""Launch variable: the folder every other variable of `runner_env` points into (the docker executor
copies it into the run and points them at the copy: `in_container`)."""
_NPM_PIN = re.compile(r"^(@[\w.-]+/)?[\w.-]+@(\d+\.\d+\.\d+(?:-[\w.]+)?|file:\S+\.tgz)$")
_PYPI_PIN = re.compile(r"^[A-Za-z0-9][\w.-]*==\d[\w.!+-]*$")
_NEEDS = re.compile(r"^not runnable: needs (npm|Python) package .*, not installed")


@dataclass(frozen=True)
class Packages:
    """The packages a project's config adds, each pinned exactly."""

    npm: tuple[str, ...] = ()
    """`name@1.2.3` (or `name@file:x.tgz`, a tarball beside the config)."""
    pypi: tuple[str, ...] = ()
    """`name==1.2.3`."""
    root: Path = Path()
    """The config file's folder: the cache is `root/.harness-cache/packages`."""

    @property
    def cache(self) -> Path:
        """Where `harness packages install` puts them."""
        return (self.root / ".harness-cache" / "packages").resolve()

    def npm_names(self) -> frozenset[str]:
        """The npm package names."""
        return frozenset(spec[: spec.index("@", 1)] for spec in self.npm)

    def lock_digest(self) -> str:
        """A digest of the lock files the install wrote (empty files when not installed)."""
        digest = hashlib.sha256()
        for lock in (self.cache / "npm" / "package-lock.json", self.cache / "pypi" / "requirements.lock"):
            digest.update(lock.read_bytes() if lock.is_file() else b"-")
        return digest.hexdigest()[:16]

    def missing(self) -> list[str]:
        """The configured packages not (yet) in the cache, each as npm `x` or PyPI `y`."""
        lock = self.cache / "pypi" / "requirements.lock"
        frozen = {line.split("==")[0].lower().replace("_", "-") for line in lock.read_text().splitlines()} \
            if lock.is_file() else set()
        modules = self.cache / "npm" / "node_modules"
        return ([f"npm `{n}`" for n in sorted(self.npm_names()) if not (modules / n).is_dir()]
                + [f"PyPI `{s.split('==')[0]}`" for s in self.pypi
                   if s.split("==")[0].lower().replace("_", "-") not in frozen])

    def python_modules(self) -> frozenset[str]:
        """Import names: each distribution's normalized name, and the top-level modules installed."""
        names = {spec.split("==")[0].lower().replace("-", "_").replace(".", "_") for spec in self.pypi}
        target = self.cache / "pypi"
        if target.is_dir():
            names |= {p.name.removesuffix(".py") for p in target.iterdir()
                      if p.suffix not in (".dist-info", ".pth") and p.name not in ("bin", "__pycache__")
                      and not p.name.endswith(".lock") and (p.is_dir() or p.suffix == ".py")}
        return frozenset(names)


def parse_packages(raw: Any, source: str) -> Packages:
    """`Packages` from the config's `packages` table; an unpinned spec is a HarnessError naming it."""
    if not isinstance(raw, Mapping) or set(raw) - {"npm", "pypi"}:
        raise HarnessError(f"{source}: `packages` must be a table with `npm` and/or `pypi` lists")
    lists: dict[str, tuple[str, ...]] = {}
    for key, pin, example in (("npm", _NPM_PIN, "name@1.2.3"), ("pypi", _PYPI_PIN, "name==1.2.3")):
        specs = raw.get(key, [])
        if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
            raise HarnessError(f"{source}: `packages.{key}` must be a list of strings")
        for spec in specs:
            if not pin.match(spec):
                raise HarnessError(f"{source}: packages.{key} entry {spec!r} is not pinned exactly (write {example})")
        lists[key] = tuple(specs)
    return Packages(npm=lists["npm"], pypi=lists["pypi"], root=Path(source).parent if source else Path())


def install(packages: Packages, python: Path, env: Mapping[str, str] | None = None) -> list[str]:
    """Installs the packages into `packages.cache` (npm with `npm`, PyPI with `python -m pip`);
    what was done, a line each. Needs the registries (or pip's `PIP_FIND_LINKS` in `env`)."""
    done = []
    if packages.npm:
        folder = packages.cache / "npm"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text(json.dumps({"name": "harness-project-packages", "private": True}) + "\n")
        specs = [_npm_spec(spec, packages.root) for spec in packages.npm]
        _run(["npm", "install", "--save-exact", "--no-audit", "--no-fund", *specs], folder, env)
        done.append(f"npm: {', '.join(packages.npm)} -> {folder}")
    if packages.pypi:
        target = packages.cache / "pypi"
        target.mkdir(parents=True, exist_ok=True)
        _run([str(python), "-m", "pip", "install", "-q", "--upgrade", "--target", str(target), *packages.pypi],
             target, env)
        freeze = _run([str(python), "-m", "pip", "freeze", "--path", str(target)], target, env)
        (target / "requirements.lock").write_text(freeze)
        done.append(f"pypi: {', '.join(packages.pypi)} -> {target}")
    return done


def _npm_spec(spec: str, root: Path) -> str:
    name, _, version = spec[1:].partition("@")
    return f"file:{(root / version[5:]).resolve()}" if version.startswith("file:") else spec


def _run(argv: Sequence[str], cwd: Path, env: Mapping[str, str] | None) -> str:
    try:
        done = subprocess.run(argv, cwd=cwd, env=None if env is None else dict(env), capture_output=True,
                              text=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise HarnessError(f"packages: `{' '.join(argv[:3])}` failed: {error}") from error
    if done.returncode != 0:
        raise HarnessError(f"packages: `{' '.join(argv)}` exited {done.returncode}:\n{done.stderr.strip()[-2000:]}")
    return done.stdout


def recheck(snippet: Snippet, packages: Packages, placeholders: Mapping[str, str]) -> Snippet:
    """A snippet skipped as needing a package: classified again with the configured packages
    provided (it may run now); if some are still missing, the skip says how to add them."""
    found = _NEEDS.match(snippet.skip_reason or "")
    options = dict(snippet.options)
    if (packages.npm or packages.pypi) and OPTION not in options:
        options[OPTION] = str(packages.cache)
        options[LOCK_OPTION] = packages.lock_digest()
    if found is None:
        return replace(snippet, options=options) if snippet.skip_reason is None else snippet
    with provided.configured(packages.npm_names(), packages.python_modules()):
        again = classify(snippet.code, snippet.language, placeholders)
    reason = again.reason if again is not None else None
    hint = _NEEDS.match(reason or "")
    if hint:
        key, pin = ("npm", "name@1.2.3") if hint.group(1) == "npm" else ("pypi", "name==1.2.3")
        reason = f'{reason} (add it to packages.{key} in [tool.harness], pinned: "{pin}")'
    missing = packages.missing() if reason is None else []
    if missing:
        reason = (f"not runnable: configured package(s) {', '.join(missing)} not installed "
                  "(run `harness packages install`)")
    kind = again.kind if again is not None else options.get("kind", "")
    return replace(snippet, skip_reason=reason, options={**options, "kind": kind} if kind else options)


def runner_env(snippet: Snippet, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Variables that point a runner at the project's packages (none when it has none):
    `HARNESS_NPM_PACKAGES` (Node's hooks, the Worker bundler), `NODE_PATH` after `base`'s, `PYTHONPATH`."""
    folder = snippet.options.get(OPTION)
    if not folder:
        return {}
    node_path = ":".join(p for p in ((base or {}).get("NODE_PATH", ""), f"{folder}/npm/node_modules") if p)
    return {DIR_ENV: folder, "HARNESS_NPM_PACKAGES": f"{folder}/npm", "NODE_PATH": node_path,
            "PYTHONPATH": f"{folder}/pypi"}


def archive(folder: Path, name: str = "packages") -> bytes:
    """A tar of `folder` as `name/...`, readable by any user (bytecode left out)."""
    buffer = io.BytesIO()

    def readable(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        if "__pycache__" in info.name:
            return None
        info.uid = info.gid = 0
        info.mode |= 0o555 if info.isdir() else 0o444
        return info

    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(folder, arcname=name, filter=readable)
    return buffer.getvalue()


def in_container(env: Mapping[str, str], inside: str) -> dict[str, str]:
    """`env` with the host's package folder (`DIR_ENV`) replaced by its copy `inside` a container."""
    host = env[DIR_ENV]
    return {key: value.replace(host, inside) for key, value in env.items()}
