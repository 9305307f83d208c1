"""The Workers AI mock as a sidecar container with no network, for the docker executor.

The sidecar runs `runners/mock/sidecar.py` with `network_mode="none"`: its namespace has only a
loopback, where the mock serves its proxy (8080), its app (8081) and TLS for the API hosts (443);
those hosts resolve to 127.0.0.1 through the container's /etc/hosts, which containers joining
the namespace share. The host cannot reach it, so readiness, registration and the journal go
through `docker exec` of `runners/mock/admin.py`. The run's CA certificate is copied to a
public volume that snippet containers mount read-only; the CA key stays in a private one.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

import docker.errors
import requests
from docker import DockerClient
from docker.models.containers import Container
from docker.models.volumes import Volume

from harness.errors import HarnessError
from harness.mock.journal import entry_from_dict
from harness.mock.openapi import OpenApiError, load_document
from harness.mock.server import MockConfig
from harness.model import RecordedRequest
from harness.run.docker.engine import RunLabels, remove_quietly
from harness.run.docker.sandbox import Namespace
from harness.serialize import dumps

PROXY_PORT, APP_PORT, TLS_PORT = 8080, 8081, 443
OPENAPI_ENV_LIMIT = 120_000
"""Bytes of the compressed OpenAPI documents an environment variable carries (Linux: 128 KiB a string)."""
ADMIN = ["/opt/harness/.venv/bin/python", "/opt/harness/admin.py"]


def openapi_env(paths: tuple[Path, ...]) -> str:
    """The OpenAPI documents for the sidecar: a JSON list, gzip-compressed, base64 ("" for none)."""
    if not paths:
        return ""
    try:
        documents = [load_document(path) for path in paths]
    except OpenApiError as error:
        raise HarnessError(str(error)) from error
    packed = base64.b64encode(gzip.compress(json.dumps(documents).encode())).decode("ascii")
    if len(packed) > OPENAPI_ENV_LIMIT:
        raise HarnessError(f"the OpenAPI documents {', '.join(map(str, paths))} are {len(packed)} bytes compressed;"
                           f" the docker executor passes at most {OPENAPI_ENV_LIMIT} to its mock (use a smaller"
                           " excerpt, or the local executor)")
    return packed


def config_env(config: MockConfig) -> dict[str, str]:
    """`config` for `runners/mock/sidecar.py`: as `harness.serialize` writes it, the OpenAPI documents by content."""
    return {"HARNESS_MOCK_CONFIG": dumps(replace(config, openapi_docs=())),
            "HARNESS_MOCK_OPENAPI": openapi_env(config.openapi_docs)}


class MockSidecar:
    """The mock sidecar's lifecycle: a context manager that leaves nothing behind if start-up fails."""

    def __init__(self, client: DockerClient, image: str, labels: RunLabels, config: MockConfig,
                 start_timeout_s: float = 30.0) -> None:
        self._client, self._image, self._labels, self._config = client, image, labels, config
        self._start_timeout_s = start_timeout_s
        self._container: Container | None = None
        self._volumes: list[Volume] = []

    def __enter__(self) -> MockSidecar:
        try:
            self._start()
            self._wait_ready()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Stops the sidecar; raises `HarnessError` (with its logs) if it died during the run."""
        try:
            if exc_type is None and self._container is not None:
                self._container.reload()
                if self._container.status != "running":
                    self._fail(f"died during the run (exit {self._container.attrs['State'].get('ExitCode')})")
        finally:
            self._stop()

    @property
    def namespace(self) -> Namespace:
        """What snippet containers join."""
        if self._container is None:
            raise HarnessError("the mock sidecar is not running (use it as a context manager)")
        return Namespace(self._container.id or "", self._volumes[1].name or "")

    def put_public(self, tar: bytes) -> None:
        """Adds `tar`'s files to the public volume (snippet containers see them under `CA_DIR`, read-only)."""
        if self._container is None or not self._container.put_archive("/public", tar):
            raise HarnessError("could not copy files into the mock sidecar's public volume")

    def _start(self) -> None:
        run = self._labels.run_id
        for part in ("state", "public"):
            self._volumes.append(self._client.volumes.create(name=f"harness-{run}-{part}",
                                                             labels=self._labels.of(part)))
        environment = {"HARNESS_PROXY_PORT": str(PROXY_PORT), "HARNESS_APP_PORT": str(APP_PORT),
                       "HARNESS_TLS_PORT": str(TLS_PORT), **config_env(self._config)}
        self._container = self._client.containers.run(
            self._image, detach=True, name=f"harness-{run}-mock", network_mode="none",
            extra_hosts={host: "127.0.0.1" for host in self._config.hosts}, environment=environment,
            volumes={self._volumes[0].name: {"bind": "/state", "mode": "rw"},
                     self._volumes[1].name: {"bind": "/public", "mode": "rw"}},
            read_only=True, tmpfs={"/tmp": "rw,nosuid,nodev,size=64m"}, cap_drop=["ALL"],
            security_opt=["no-new-privileges"], mem_limit="1g", pids_limit=512,
            labels=self._labels.of("mock"),
            # ::1 on the loopback, as on a reader's machine: `wrangler dev` (workerd) hangs on `localhost` without
            sysctls={"net.ipv6.conf.all.disable_ipv6": "0", "net.ipv6.conf.lo.disable_ipv6": "0"},
        )

    def _wait_ready(self) -> None:
        """Polls `admin.py ready` until it succeeds; on timeout or exit raises with the logs."""
        assert self._container is not None
        deadline = time.monotonic() + self._start_timeout_s
        while True:
            self._container.reload()
            if self._container.status not in ("created", "running"):
                self._fail(f"exited ({self._container.attrs['State'].get('ExitCode')})")
            try:
                probe = self._container.exec_run(["sh", "-c", " ".join(ADMIN) + " ready 2>/dev/null"])
                if probe.exit_code == 0:
                    return
            except docker.errors.APIError:  # it stopped between reload and exec: seen next round
                pass
            if time.monotonic() > deadline:
                self._fail(f"was not ready within {self._start_timeout_s:g}s")
            time.sleep(0.2)

    def _fail(self, what: str) -> None:
        assert self._container is not None
        logs = self._container.logs(tail=30).decode("utf-8", errors="replace").strip()
        raise HarnessError(
            f"the mock sidecar ({self._image}) {what}; its last log lines:\n{logs or '(none)'}\n"
            "hint: rebuild the images (`harness images build`) if the harness package changed"
        )

    def _stop(self) -> None:
        remove_quietly(self._container, *self._volumes)
        self._container = None
        self._volumes.clear()

    def admin(self, *args: str) -> Any:
        """Runs `admin.py ARGS` in the sidecar and returns its JSON output."""
        if self._container is None:
            raise HarnessError("the mock sidecar is not running (use it as a context manager)")
        try:
            result = self._container.exec_run([*ADMIN, *args], demux=True)
        except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
            raise HarnessError(f"the mock sidecar does not answer: {error}") from error
        stdout, stderr = result.output
        if result.exit_code != 0:
            message = (stderr or b"").decode("utf-8", errors="replace").strip().splitlines()[-1:]
            raise HarnessError(f"mock admin `{' '.join(args[:1])}` failed: {''.join(message) or result.exit_code}")
        return json.loads(stdout or b"null")

    def stopped(self) -> str | None:
        """None while the sidecar runs; else what became of it (exited, removed, or the engine is gone)."""
        container = self._container
        if container is None:
            return "it is not running"
        try:
            container.reload()
        except docker.errors.NotFound:
            return "its container was removed"
        except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
            return f"the Docker engine does not answer ({type(error).__name__})"
        if container.status != "running":
            return f"its container {container.status} (exit {container.attrs['State'].get('ExitCode')})"
        return None

    def register(self, snippet_id: str) -> str:
        """A fresh token standing for `snippet_id`."""
        return str(self.admin("register", snippet_id)["token"])

    def journal(self, snippet_id: str, take: bool = False) -> tuple[RecordedRequest, ...]:
        """The journal entries of one snippet, in order of arrival (with `take`, the mock forgets them)."""
        return tuple(entry_from_dict(entry) for entry in self.admin("take" if take else "journal", snippet_id))
