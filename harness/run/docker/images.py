"""Runner images: one per folder `runners/<name>/` with a Dockerfile, tagged by content hash.

An image is tagged `harness-runner-<name>:<hash12>`, the hash covering every file of its build
context and the base image id, so an unchanged runner is never rebuilt. Its labels say which
runner it is (`org.harness.runner`) and the hash of its sources alone (`org.harness.source`),
by which `image_for` finds the image built from the runner folder as it is now.

The build context is the runner's folder (without `.venv`, `node_modules`, caches) unless the
Dockerfile has a `# context: <paths>` line naming repository paths (the mock sidecar needs the
harness package itself). Builds run the docker CLI with BuildKit, because only it can hand the
host's CA bundle to pip and npm as a secret that never lands in a layer.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import docker.errors
from docker import DockerClient
from docker.models.images import Image

from harness.errors import HarnessError
from harness.run.base_images import Progress, ResolvedBase, resolve_base
from harness.run.docker.engine import RUNNER_LABEL, connect

REPO_ROOT = Path(__file__).resolve().parents[3]
RUNNERS_DIR = REPO_ROOT / "runners"
SOURCE_LABEL = "org.harness.source"
CHECKOUT_LABEL = "org.harness.checkout"
"""Which checkout of the harness built an image: a build removes only its own checkout's stale images, so
two clones (or git worktrees) on one engine never delete each other's current images."""
BASE_LABEL = "org.harness.base-image"
SKIPPED_PARTS = {".venv", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_BASE_ARG = re.compile(r"^ARG\s+BASE=harness-base-(\w+)", re.MULTILINE)
_CONTEXT = re.compile(r"^#\s*context:\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class ImageInfo:
    """One runner image as the engine has it."""

    name: str
    """The runner (`python`, `node`, `shell`, `worker`, `mock`)."""
    repository: str
    tag: str
    image_id: str
    size: int
    """Bytes."""
    created: str
    """ISO 8601 time of the build."""
    current: bool = True
    """Built from the runner folder as it is now (what `image_for` returns)."""
    built: bool = False
    """Built by the `build_images` call that returned it (False: reused)."""

    @property
    def reference(self) -> str:
        return f"{self.repository}:{self.tag}"

    def __str__(self) -> str:
        state = "built" if self.built else "current" if self.current else "stale"
        return (f"{self.name:<8} {self.reference:<36} {self.size / 1e6:>6.0f} MB  "
                f"{self.created[:19].replace('T', ' ')}  {state}")


def repository_of(name: str) -> str:
    return f"harness-runner-{name}"


def runner_names() -> list[str]:
    """Every folder under `runners/` with a Dockerfile."""
    return sorted(p.parent.name for p in RUNNERS_DIR.glob("*/Dockerfile"))


def _dockerfile(name: str) -> Path:
    path = RUNNERS_DIR / name / "Dockerfile"
    if not path.is_file():
        raise HarnessError(f"no runner image {name!r}: {path} does not exist (known: {', '.join(runner_names())})")
    return path


def context_files(name: str) -> dict[str, Path]:
    """Relative path in the build context -> file, for the image of runner `name`."""
    text = _dockerfile(name).read_text()
    declared = _CONTEXT.search(text)
    roots = [(REPO_ROOT / p, p) for p in declared.group(1).split()] if declared else [(RUNNERS_DIR / name, "")]
    files: dict[str, Path] = {}
    for root, prefix in roots:
        candidates = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in candidates:
            rel = path.relative_to(root)
            if not path.is_file() or SKIPPED_PARTS & set(rel.parts) or path.suffix == ".pyc":
                continue
            files[str(Path(prefix) / rel) if str(rel) != "." else prefix] = path
    return files


def source_hash(name: str) -> str:
    """The sha256 of runner `name`'s build context (paths, exec bits and contents)."""
    digest = hashlib.sha256()
    for rel, path in sorted(context_files(name).items()):
        executable = os.access(path, os.X_OK)
        digest.update(f"{rel}\0{int(executable)}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def base_kind(name: str) -> str:
    """The base image kind a runner's Dockerfile asks for (`ARG BASE=harness-base-<kind>:...`)."""
    found = _BASE_ARG.search(_dockerfile(name).read_text())
    if not found:
        raise HarnessError(f"runners/{name}/Dockerfile has no `ARG BASE=harness-base-<kind>:<tag>` line")
    return found.group(1)


def ca_bundle() -> Path | None:
    """The CA bundle pip and npm must trust inside builds: the host's, as its own tools use it."""
    for variable in ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE"):
        value = os.environ.get(variable)
        if value and Path(value).is_file():
            return Path(value)
    default = Path("/etc/ssl/certs/ca-certificates.crt")
    return default if default.is_file() else None


def buildkit_cli() -> str:
    """A docker CLI that builds with BuildKit: one with the buildx plugin, or a 20.10 client
    (built-in BuildKit, Debian's docker.io at /usr/bin/docker). `HARNESS_DOCKER_CLI` overrides."""
    if override := os.environ.get("HARNESS_DOCKER_CLI"):
        return override
    found = [shutil.which("docker"), "/usr/bin/docker"]
    for cli in dict.fromkeys(c for c in found if c and Path(c).exists()):
        if subprocess.run([cli, "buildx", "version"], capture_output=True, check=False).returncode == 0:
            return cli
        version = subprocess.run([cli, "version", "--format", "{{.Client.Version}}"],
                                 capture_output=True, text=True, check=False).stdout.strip()
        if version and int(version.split(".")[0]) < 23:
            return cli
    raise HarnessError("no docker CLI with BuildKit: install the buildx plugin or Debian's docker.io")


def _info(name: str, image: Image, current: bool, built: bool = False) -> ImageInfo:
    attrs = image.attrs
    repository = repository_of(name)
    tags = [t.split(":", 1)[1] for t in image.tags if t.startswith(repository + ":")]
    tag = next((t for t in tags if t != "latest"), tags[0] if tags else "<none>")
    return ImageInfo(name, repository, tag, attrs["Id"], int(attrs.get("Size", 0)), attrs.get("Created", ""),
                     current=current, built=built)


def _build(name: str, base: ResolvedBase, reference: str, source: str, progress: Progress) -> None:
    dockerfile = _dockerfile(name)
    declared = _CONTEXT.search(dockerfile.read_text())
    in_context = dockerfile.relative_to(REPO_ROOT) if declared else Path("Dockerfile")
    with tempfile.TemporaryDirectory(prefix=f"harness-build-{name}-") as tmp:
        context = Path(tmp)
        for rel, path in context_files(name).items():
            (context / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, context / rel)
        command = [buildkit_cli(), "build", "--network", "host", "--progress", "plain",
                   "--build-arg", f"BASE={base.reference}", "-f", str(context / in_context),
                   "--label", f"{RUNNER_LABEL}={name}", "--label", f"{SOURCE_LABEL}={source}",
                   "--label", f"{CHECKOUT_LABEL}={REPO_ROOT}", "--label", f"{BASE_LABEL}={base.reference}",
                   "-t", reference, "-t", f"{repository_of(name)}:latest"]
        if (ca := ca_bundle()) is not None:
            command += ["--secret", f"id=ca,src={ca}"]
        progress(f"building {reference} from {base.reference} ...")
        proc = subprocess.run([*command, str(context)], env={**os.environ, "DOCKER_BUILDKIT": "1"},
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise HarnessError(f"building the {name} image failed:\n{tail}")


def _remove_stale(client: DockerClient, name: str, source: str) -> None:
    """Removes the images of runner `name` that this checkout built from other sources (unless a container
    uses one); another checkout's images are its own business."""
    mine = [f"{RUNNER_LABEL}={name}", f"{CHECKOUT_LABEL}={REPO_ROOT}"]
    for image in client.images.list(filters={"label": mine}):
        if image.labels.get(SOURCE_LABEL) != source:
            with contextlib.suppress(docker.errors.APIError):
                client.images.remove(image.id)


def build_images(offline: bool | None = None, runners: Sequence[str] | None = None,
                 progress: Progress | None = None) -> list[ImageInfo]:
    """Builds the images of `runners` (all when None) that are missing; returns them all.

    `offline`: True builds on the Debian-built bases, False on public images, None picks what
    exists or can be pulled, else builds offline. Raises `HarnessError` when a build fails.
    """
    say = progress or (lambda _: None)
    client = connect()
    kinds = {name: base_kind(name) for name in runners or runner_names()}
    needed = sorted(set(kinds.values()))
    with ThreadPoolExecutor(max_workers=len(needed) or 1) as pool:  # offline bases take a minute each
        bases = dict(zip(needed, pool.map(lambda kind: resolve_base(client, kind, offline, say), needed),
                         strict=True))
    result = []
    for name, kind in kinds.items():
        source = source_hash(name)
        tag = hashlib.sha256(f"{source}\0{bases[kind].image_id}".encode()).hexdigest()[:12]
        reference = f"{repository_of(name)}:{tag}"
        built = False
        try:
            client.images.get(reference)
            say(f"{reference} is up to date")
        except docker.errors.ImageNotFound:
            _build(name, bases[kind], reference, source, say)
            built = True
            _remove_stale(client, name, source)
        result.append(_info(name, client.images.get(reference), current=True, built=built))
    return result


def list_images(client: DockerClient | None = None) -> list[ImageInfo]:
    """Every runner image the engine has, newest first per runner."""
    client = client or connect()
    images = client.images.list(filters={"label": RUNNER_LABEL})
    current = {name: source_hash(name) for name in runner_names()}
    infos = [
        _info(image.labels[RUNNER_LABEL], image,
              current=current.get(image.labels[RUNNER_LABEL]) == image.labels.get(SOURCE_LABEL))
        for image in images
    ]
    newest_first = sorted(infos, key=lambda info: info.created, reverse=True)
    return sorted(newest_first, key=lambda info: info.name)


def image_for(runner_name: str, client: DockerClient | None = None) -> str | None:
    """The newest image built from `runners/<runner_name>` as it is now (`repo:tag`), or None."""
    client = client or connect()
    source = source_hash(runner_name)
    images = client.images.list(filters={"label": [f"{RUNNER_LABEL}={runner_name}", f"{SOURCE_LABEL}={source}"]})
    if not images:
        return None
    newest = max(images, key=lambda image: image.attrs.get("Created", ""))
    return _info(runner_name, newest, current=True).reference
