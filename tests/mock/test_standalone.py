"""`harness mock` as a user runs it: it prints the CA and base URLs, answers over HTTP and HTTPS,
applies the configuration's scenarios, and keeps a journal a test reads and clears."""

from __future__ import annotations

import re
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .helpers import AUTH, CONFIG, LLAMA

CONFIG_TOML = """
[[tool.harness.scenarios]]
pages = "limits.md"
error = "capacity"
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("standalone")
    (folder / "pyproject.toml").write_text("[tool.harness]\n" + CONFIG_TOML)
    harness = Path(sys.executable).parent / "harness"
    argv = [str(harness), "mock", "--proxy-port", "0", "--app-port", "0", "--tls-port", "0",
            "--state-dir", str(folder / "state"), "--config", str(folder / "pyproject.toml")]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 20
        while not any("journal:" in line for line in lines) and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
        text = "".join(lines)
        found = {
            "text": text,
            "ca": re.search(r"ca_file=(\S+)", text).group(1),  # type: ignore[union-attr]
            "http": re.search(r"HTTP base URL:\s+(\S+)", text).group(1),  # type: ignore[union-attr]
            "https": re.search(r"HTTPS base URL: (\S+)", text).group(1),  # type: ignore[union-attr]
        }
        yield found
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""


def test_it_prints_the_ca_and_serves_http_and_https(served: dict[str, str]) -> None:
    path = f"/accounts/{CONFIG.account_id}/ai/run/{LLAMA}"
    plain = httpx.post(served["http"] + path, json={"prompt": "hi"}, headers=AUTH, timeout=10)
    secure = httpx.post(served["https"] + path, json={"prompt": "hi"}, headers=AUTH, timeout=10,
                        verify=ssl.create_default_context(cafile=served["ca"]))

    assert Path(served["ca"]).read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert plain.status_code == secure.status_code == 200
    assert plain.json()["result"] == secure.json()["result"]


def test_the_journal_is_read_and_cleared_over_the_admin_path(served: dict[str, str]) -> None:
    admin = served["http"].removesuffix("/client/v4") + "/__harness"
    httpx.delete(f"{admin}/journal", timeout=10)
    httpx.get(served["http"] + "/zonez", headers=AUTH, timeout=10)

    [entry] = httpx.get(f"{admin}/journal", timeout=10).json()
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/client/v4/zonez", 400)
    assert httpx.delete(f"{admin}/journal", timeout=10).json() == {"cleared": True}
    assert httpx.get(f"{admin}/journal", timeout=10).json() == []


def test_a_registered_client_gets_its_pages_scenario(served: dict[str, str]) -> None:
    admin = served["http"].removesuffix("/client/v4") + "/__harness"
    token = httpx.post(f"{admin}/register", json={"snippet_id": "limits.md::g::curl"}, timeout=10).json()["token"]
    path = f"/accounts/{CONFIG.account_id}/ai/run/{LLAMA}"
    response = httpx.post(served["http"] + path, json={"prompt": "hi"}, timeout=10,
                          headers={**AUTH, "x-harness-token": token})

    assert (response.status_code, response.json()["errors"][0]["code"]) == (429, 3040)
    entries = httpx.get(f"{admin}/journal", params={"snippet": "limits.md::g::curl"}, timeout=10).json()
    assert [e["status"] for e in entries] == [429]
