"""Base images the runner images start from: a public image online, or one built offline.

Each runtime declares the base of its image (`Runtime.base_image`). Offline bases are root file
systems of Debian packages made by `mmdebstrap` and `docker import`ed (`scripts/build-base-image.sh`),
so no image registry is needed. Online bases are the public
`python`, `node` and `debian` images. Node: bookworm's Node 18.20 would meet every `engines` field
of the lockfiles (undici 6 wants >=18.17, esbuild >=18, miniflare 3 >=16.13) but behaves
differently from the Node 20 of `node:20-slim` and of the local runner (its `fetch` sends
`user-agent: undici`, not `node`), so the offline node base is Debian trixie with its nodejs 20 and
npm, and the nodejs.org build of Node 20.20.2 from the npm registry as the `node` on PATH (Debian's
build has no start-up snapshot or code cache and starts about twice as slowly; see the script).
Nothing is copied from the host.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docker.errors
from docker import DockerClient

from harness.errors import HarnessError
from harness.runtimes.base import BaseImage as BaseImage
from harness.runtimes.registry import base_images, built_in

Progress = Callable[[str], None]

SCRIPTS_DIR = Path(__file__).resolve().parents[2] / "scripts"

BASES: dict[str, BaseImage] = {runtime.base_image.kind: runtime.base_image for runtime in built_in()}
"""The built-in runtimes' base images by kind (`python`, `node`, `debian`); the mock sidecar's image
builds on `python`'s. `base_images()` adds those of runtimes that plugins register."""


@dataclass(frozen=True)
class ResolvedBase:
    """The base image a build uses."""

    reference: str
    image_id: str


def _local(client: DockerClient, reference: str) -> ResolvedBase | None:
    try:
        return ResolvedBase(reference, client.images.get(reference).id)
    except docker.errors.ImageNotFound:
        return None


def _pull(client: DockerClient, reference: str, progress: Progress) -> ResolvedBase | None:
    progress(f"pulling {reference} ...")
    try:
        client.images.pull(reference)
    except docker.errors.APIError as error:
        progress(f"cannot pull {reference}: {error.explanation or error}")
        return None
    return _local(client, reference)


def build_offline(kind: str, progress: Progress) -> None:
    """Builds `harness-base-<kind>:<suite>` with mmdebstrap (a minute or two; needs root)."""
    script = SCRIPTS_DIR / "build-base-image.sh"
    offline = base_images()[kind].offline
    progress(f"building {offline} from Debian packages (mmdebstrap) ...")
    proc = subprocess.run(
        [str(script), kind, offline],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise HarnessError(f"building the offline base image {offline} failed:\n{tail}")


def resolve_base(client: DockerClient, kind: str, offline: bool | None, progress: Progress) -> ResolvedBase:
    """The base image of `kind`, pulled or built if needed.

    `offline=True`: the Debian-built image; `False`: the public one; `None` (auto): whichever
    exists locally (public first), else pull the public one, else build offline.
    """
    bases = base_images()
    if kind not in bases:
        raise HarnessError(f"unknown base image kind {kind!r} (known: {', '.join(bases)})")
    base = bases[kind]
    if offline is not True:
        found = _local(client, base.public)
        if found is None and offline is None:
            found = _local(client, base.offline)
        found = found or _pull(client, base.public, progress)
        if found is not None:
            return found
        if offline is False:
            raise HarnessError(f"the public base image {base.public} cannot be pulled (try --offline)")
    found = _local(client, base.offline)
    if found is None:
        build_offline(kind, progress)
        found = _local(client, base.offline)
    if found is None:
        raise HarnessError(f"the offline base image {base.offline} is missing after its build")
    return found
