"""Start and stop: nothing left behind, clear errors, the standalone entry point."""

from __future__ import annotations

import io
import socket
import threading
import time
from pathlib import Path

import pytest
import requests

from harness.mock.server import MockServer, MockStartupError
from harness.mock.standalone import run_standalone

from .helpers import CONFIG


def port_is_free(port: int) -> bool:
    """Nobody listens on `port` (connections left in TIME_WAIT do not count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def mock_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "harness-mock"]


def test_stop_leaves_no_thread_port_or_temp_dir() -> None:
    with MockServer(CONFIG) as mock:
        ports = [mock.proxy_port, mock.app_port]
        ca_dir = mock.ca_file.parent
        route = mock.route("x")
        assert requests.get(f"{route.mock_url}/__harness/health", timeout=5).status_code == 200
        # an idle tunnel still open at stop time must not keep the mock alive
        idle = socket.create_connection(("127.0.0.1", mock.proxy_port))

    idle.close()
    assert mock_threads() == []
    assert all(port_is_free(p) for p in ports)
    assert not ca_dir.exists()


def test_port_in_use_is_a_clear_start_up_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(MockStartupError, match=f"127.0.0.1:{port}.*proxy"), MockServer(CONFIG, proxy_port=port):
            pass

    assert mock_threads() == []


def test_state_dir_keeps_the_ca_and_tls_port_serves_directly(tmp_path: Path) -> None:
    with MockServer(CONFIG, state_dir=tmp_path, tls_port=0) as mock:
        assert mock.tls_port is not None
        response = requests.get(
            f"https://localhost:{mock.tls_port}/__harness/health", verify=str(mock.ca_file), timeout=5
        )
        assert response.status_code == 200

    assert (tmp_path / "ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_run_standalone_prints_ports_and_stops(tmp_path: Path) -> None:
    out = io.StringIO()
    stop = threading.Event()
    thread = threading.Thread(
        target=run_standalone, args=(CONFIG, 0, 0, None, tmp_path), kwargs={"out": out, "stop": stop}
    )
    thread.start()
    deadline = time.monotonic() + 10
    while "proxy_port=" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(10)

    assert not thread.is_alive()
    assert f"ca_file={tmp_path / 'ca.pem'}" in out.getvalue()
    assert "app_port=" in out.getvalue()
