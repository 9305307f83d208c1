"""Runner images: content-hash tags, no rebuild when nothing changed, what each image holds."""

from __future__ import annotations

import ast
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import docker.errors
import pytest
from docker import DockerClient

from harness.errors import HarnessError
from harness.run import base_images
from harness.run.base_images import BASES
from harness.run.docker import images
from harness.run.docker.engine import RUNNER_LABEL, connect, engine_problem

from .docker_support import engine_client

TINY_DOCKERFILE = "ARG BASE=harness-base-debian:bookworm\nFROM ${BASE}\nCOPY . /opt/runners/tiny/\n"



@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()

@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A throw-away runner folder `tiny` in a runners dir of its own; its images are removed after."""
    folder = tmp_path / "runners" / "tiny"
    folder.mkdir(parents=True)
    (folder / "Dockerfile").write_text(TINY_DOCKERFILE)
    (folder / "shim.sh").write_text(f"echo {uuid.uuid4().hex}\n")  # unique: the first build always builds
    monkeypatch.setattr(images, "RUNNERS_DIR", tmp_path / "runners")
    yield folder
    if engine_problem() is None:
        with closing(connect()) as docker_client:
            for image in docker_client.images.list(filters={"label": f"{RUNNER_LABEL}=tiny"}):
                docker_client.images.remove(image.id, force=True)


def test_the_hash_covers_sources_but_not_installed_dependencies(tiny: Path) -> None:
    before = images.source_hash("tiny")
    for junk in (".venv/bin/python", "node_modules/x/index.js", "__pycache__/a.pyc"):
        (tiny / junk).parent.mkdir(parents=True, exist_ok=True)
        (tiny / junk).write_text("installed")
    assert images.source_hash("tiny") == before
    (tiny / "shim.sh").chmod(0o755)
    assert images.source_hash("tiny") != before


def test_the_base_image_kind_comes_from_the_dockerfile(tiny: Path) -> None:
    assert images.base_kind("tiny") == "debian"
    (tiny / "Dockerfile").write_text("FROM scratch\n")
    with pytest.raises(HarnessError, match="ARG BASE=harness-base"):
        images.base_kind("tiny")
    with pytest.raises(HarnessError, match="no runner image 'nope'"):
        images.base_kind("nope")


def harness_files_imported(start: list[Path]) -> set[str]:
    """The files of the harness package that `start` imports, directly or through each other
    (every import counts, also a deferred one), relative to the repository."""
    root, seen, todo = images.REPO_ROOT, set[str](), list(start)
    while todo:
        for node in ast.walk(ast.parse(todo.pop().read_text())):
            named = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module, *(f"{node.module}.{a.name}" for a in node.names)] \
                if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            for name in (n for n in named if n == "harness" or n.startswith("harness.")):
                base = root / name.replace(".", "/")
                for path in (base.with_suffix(".py"), base / "__init__.py"):
                    rel = str(path.relative_to(root))
                    if path.is_file() and rel not in seen:
                        seen.add(rel)
                        todo.append(path)
    return seen


def test_the_mock_image_context_is_what_the_mock_imports() -> None:
    files = images.context_files("mock")
    assert {"pyproject.toml", "harness/model.py", "harness/mock/server.py", "runners/mock/sidecar.py"} <= set(files)
    assert not any(name.startswith(("harness/extract/", "harness/check/", "harness/run/")) for name in files)
    imported = harness_files_imported([path for name, path in files.items()
                                       if name.startswith("runners/mock/") and name.endswith(".py")])
    assert "harness/mock/server.py" in imported and "harness/errors.py" in imported
    assert imported - set(files) == set(), "the mock imports modules its image is not built with"


def test_the_ca_bundle_follows_the_hosts_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first.pem", tmp_path / "second.pem"
    second.write_text("ca")
    monkeypatch.setenv("SSL_CERT_FILE", str(first))  # missing: skipped
    monkeypatch.setenv("PIP_CERT", str(second))
    assert images.ca_bundle() == second


class FakeImages:
    """Just enough of `client.images` for `resolve_base`: what exists, what a pull can fetch."""

    def __init__(self, present: set[str], pullable: set[str]) -> None:
        self.present, self.pullable = present, pullable
        self.pulled: list[str] = []

    def get(self, reference: str) -> SimpleNamespace:
        if reference not in self.present:
            raise docker.errors.ImageNotFound(reference)
        return SimpleNamespace(id=f"sha256:{reference}")

    def pull(self, reference: str) -> None:
        self.pulled.append(reference)
        if reference not in self.pullable:
            raise docker.errors.APIError("no registry")
        self.present.add(reference)


@pytest.mark.parametrize(
    ("offline", "present", "pullable", "expected", "pulled", "built"),
    [
        (None, {"python:3.12-slim"}, set(), "python:3.12-slim", [], False),
        (None, {"harness-base-python:bookworm"}, set(), "harness-base-python:bookworm", [], False),
        (None, set(), {"python:3.12-slim"}, "python:3.12-slim", ["python:3.12-slim"], False),
        (None, set(), set(), "harness-base-python:bookworm", ["python:3.12-slim"], True),
        (True, {"python:3.12-slim"}, set(), "harness-base-python:bookworm", [], True),
        (False, {"harness-base-python:bookworm"}, {"python:3.12-slim"}, "python:3.12-slim", ["python:3.12-slim"],
         False),
    ],
)
def test_base_image_choice(monkeypatch: pytest.MonkeyPatch, offline: bool | None, present: set[str],
                           pullable: set[str], expected: str, pulled: list[str], built: bool) -> None:
    fake = FakeImages(set(present), pullable)
    builds: list[str] = []

    def build_offline(kind: str, progress: object) -> None:
        builds.append(kind)
        fake.present.add(BASES[kind].offline)

    monkeypatch.setattr(base_images, "build_offline", build_offline)
    chosen = base_images.resolve_base(SimpleNamespace(images=fake), "python", offline, lambda _: None)
    assert (chosen.reference, fake.pulled, builds == ["python"]) == (expected, pulled, built)


def test_online_without_a_registry_is_a_harness_error() -> None:
    fake = FakeImages(set(), set())
    with pytest.raises(HarnessError, match="cannot be pulled"):
        base_images.resolve_base(SimpleNamespace(images=fake), "node", False, lambda _: None)


@pytest.mark.docker
def test_an_unchanged_runner_is_not_rebuilt(docker_client: DockerClient, tiny: Path) -> None:
    [first] = images.build_images(runners=["tiny"])
    assert first.built and first.repository == "harness-runner-tiny" and len(first.tag) == 12
    [second] = images.build_images(runners=["tiny"])
    assert (second.built, second.reference, second.image_id) == (False, first.reference, first.image_id)
    assert images.image_for("tiny") == first.reference
    labels = docker_client.images.get(first.reference).labels
    assert labels[RUNNER_LABEL] == "tiny" and labels[images.SOURCE_LABEL] == images.source_hash("tiny")

    (tiny / "shim.sh").write_text("echo changed\n")
    assert images.image_for("tiny") is None  # stale: built from other sources
    assert [i.current for i in images.list_images() if i.reference == first.reference] == [False]
    [third] = images.build_images(runners=["tiny"])
    assert third.built and third.tag != first.tag and images.image_for("tiny") == third.reference


@pytest.mark.docker
def test_a_build_removes_only_its_own_checkouts_stale_images(
    docker_client: DockerClient, tiny: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    here = images.REPO_ROOT
    monkeypatch.setattr(images, "REPO_ROOT", tmp_path / "another-clone")
    [theirs] = images.build_images(runners=["tiny"])
    monkeypatch.setattr(images, "REPO_ROOT", here)
    (tiny / "shim.sh").write_text("echo ours\n")
    [ours] = images.build_images(runners=["tiny"])
    (tiny / "shim.sh").write_text("echo ours, changed\n")
    [newer] = images.build_images(runners=["tiny"])
    present = {i.id for i in docker_client.images.list(filters={"label": f"{RUNNER_LABEL}=tiny"})}
    assert theirs.image_id in present and newer.image_id in present
    assert ours.image_id not in present
    assert docker_client.images.get(newer.reference).labels[images.CHECKOUT_LABEL] == str(here)


@pytest.mark.docker
def test_a_failing_build_is_a_harness_error_with_the_output(docker_client: DockerClient, tiny: Path) -> None:
    (tiny / "Dockerfile").write_text(TINY_DOCKERFILE + "RUN echo broken-step >&2 && false\n")
    with pytest.raises(HarnessError, match="(?s)building the tiny image failed.*broken-step"):
        images.build_images(runners=["tiny"])


@pytest.fixture(scope="module")
def runner_images(docker_client: DockerClient) -> dict[str, str]:
    """Every runner image, built if missing (offline bases unless public ones exist)."""
    return {info.name: info.reference for info in images.build_images()}


CHECKS = {
    "python": "/opt/runners/python/.venv/bin/python -c 'import requests, httpx; print(\"ok\")'",
    "node": "node -e 'require(\"/opt/runners/node/node_modules/undici\"); console.log(\"ok\")'",
    "worker": "node -e 'require(\"/opt/runners/worker/node_modules/miniflare\"); console.log(\"ok\")'",
    "shell": "bash -c 'curl --version >/dev/null && jq --version >/dev/null && echo ok'",
    "mock": "/opt/harness/.venv/bin/python -c 'import harness.mock.server; print(\"ok\")'",
}


@pytest.mark.docker
@pytest.mark.parametrize("name", sorted(CHECKS))
def test_each_image_holds_its_runtime_and_runs_as_non_root(
    docker_client: DockerClient, runner_images: dict[str, str], name: str
) -> None:
    output = docker_client.containers.run(
        runner_images[name], ["sh", "-c", f"id -u; {CHECKS[name]}"], entrypoint=[],
        network_mode="none", remove=True, read_only=True,
    )
    assert output.decode().split() == ["10001", "ok"]


@pytest.mark.docker
def test_building_again_rebuilds_nothing(runner_images: dict[str, str]) -> None:
    again = images.build_images()
    assert {info.name: info.reference for info in again} == runner_images
    assert not any(info.built for info in again)
    assert all(images.image_for(name) == reference for name, reference in runner_images.items())
