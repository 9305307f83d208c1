"""Entry point of the mock sidecar image: serves the Workers AI mock until SIGTERM.

Listens on 127.0.0.1 only (the container has no network; snippet containers join its network
namespace): proxy on HARNESS_PROXY_PORT (8080), app on HARNESS_APP_PORT (8081), TLS for
api.cloudflare.com on HARNESS_TLS_PORT (443). The private state (CA key) stays in /state; the CA
certificate alone is copied to /public/ca.pem, the volume snippet containers mount read-only.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

from harness.mock.server import MockConfig, MockServer
from harness.serialize import loads


def openapi_from_env(packed: str, folder: Path) -> tuple[Path, ...]:
    """The OpenAPI documents the harness passed (gzip JSON list, base64), written to `folder`."""
    if not packed:
        return ()
    paths = []
    for i, document in enumerate(json.loads(gzip.decompress(base64.b64decode(packed)))):
        path = folder / f"openapi-{i}.json"
        path.write_text(json.dumps(document))
        paths.append(path)
    return tuple(paths)


def config_from_env() -> MockConfig:
    """The mock as the harness passed it (`HARNESS_MOCK_CONFIG`, written by `harness.serialize`), with the
    OpenAPI documents' contents from `HARNESS_MOCK_OPENAPI` (defaults: `MockConfig()`)."""
    config = loads(MockConfig, os.environ.get("HARNESS_MOCK_CONFIG") or "{}")
    documents = openapi_from_env(os.environ.get("HARNESS_MOCK_OPENAPI", ""), Path(tempfile.mkdtemp()))
    return replace(config, openapi_docs=documents)


def main() -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    ports = {name: int(os.environ.get(f"HARNESS_{name.upper()}_PORT", default))
             for name, default in (("proxy", 8080), ("app", 8081), ("tls", 443))}
    with MockServer(config_from_env(), Path("/state"), ports["proxy"], ports["app"], ports["tls"]) as server:
        public = Path(os.environ.get("HARNESS_PUBLIC_DIR", "/public"))
        shutil.copyfile(server.ca_file, public / "ca.pem.tmp")
        os.replace(public / "ca.pem.tmp", public / "ca.pem")
        print(f"mock sidecar: proxy {ports['proxy']}, app {ports['app']}, tls {ports['tls']}", flush=True)
        while not stop.wait(0.5):
            server.check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
