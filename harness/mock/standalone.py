"""`harness mock`: the mock as a standalone server any client can be pointed at.

It prints where everything is: the account id and the token it accepts (`--account-id`,
`--token`), the CA certificate to trust (made fresh for this server) and how, the base URLs for
SDKs (`base_url=`: REST over HTTP and HTTPS, OpenAI-compatible, AI Gateway), the proxy for unmodified clients
(`HTTPS_PROXY`), and the journal, which a test reads (`GET`) and clears (`DELETE`) WireMock-style.
A client that sends `x-harness-token: <token from POST /__harness/register>` is recorded as that
snippet, so page and tab scenarios apply to it.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TextIO

from harness.mock.server import MockConfig, MockServer
from harness.mock.services.cloudflare_api.store import missing_contract


def describe(server: MockServer) -> list[str]:
    """The lines `harness mock` prints once it listens: credentials, base URLs, how to trust the CA."""
    host = server.connect_host
    app = f"http://{host}:{server.app_port}"
    base = f"https://localhost:{server.tls_port}" if server.tls_port else app
    account = server.config.account_id
    ca = server.ca_file
    lines = [
        f"ca_file={ca}",
        f"account_id={account}",
        f"api_token={server.config.api_token} (Authorization: Bearer <token>, or X-Auth-Email + X-Auth-Key: <token>)",
        f"proxy_port={server.proxy_port} app_port={server.app_port} tls_port={server.tls_port or '-'}",
        f"HTTP base URL:  {app}/client/v4",
    ]
    if server.tls_port:
        lines.append(f"HTTPS base URL: {base}/client/v4 (trust ca_file)")
    lines += [
        f"OpenAI-compatible base URL: {base}/client/v4/accounts/{account}/ai/v1",
        f"AI Gateway base URL: {base}/v1/{account}/<gateway id> (compat/chat/completions, openai/..., workers-ai/...)",
        f"trust the CA: curl --cacert {ca}; export SSL_CERT_FILE={ca} REQUESTS_CA_BUNDLE={ca} NODE_EXTRA_CA_CERTS={ca}",
        f"proxy: HTTPS_PROXY=http://{host}:{server.proxy_port} (trust ca_file; every host is answered here:"
        " an API, else a simulated origin)",
        f"journal: GET {app}/__harness/journal (DELETE clears it); Ctrl-C stops",
    ]
    missing = missing_contract()
    return [f"harness mock: {line}" for line in lines] + ([f"harness mock: warning: {missing}"] if missing else [])


def run_standalone(
    config: MockConfig,
    proxy_port: int,
    app_port: int,
    tls_port: int | None,
    state_dir: Path | None,
    *,
    host: str = "127.0.0.1",
    out: TextIO = sys.stdout,
    stop: threading.Event | None = None,
) -> None:
    """Serves until Ctrl-C or SIGTERM (or `stop` is set), printing the CA path and ports first."""
    stop = stop or threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():

        def on_term(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = signal.signal(signal.SIGTERM, on_term)
    try:
        with MockServer(config, state_dir, proxy_port, app_port, tls_port, host) as server:
            print("\n".join(describe(server)), file=out, flush=True)
            try:
                while not stop.wait(0.5):
                    server.check()
            except KeyboardInterrupt:
                pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
