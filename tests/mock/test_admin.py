"""Admin paths: health, journal (read, filter, take, clear), the CA, registration; never recorded."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from harness.mock.journal import entry_from_dict
from harness.mock.server import MockServer
from harness.route import Route

from .helpers import AUTH, LLAMA, RUN_URL, trust

ADMIN_SCRIPT = Path(__file__).resolve().parents[2] / "runners" / "mock" / "admin.py"


def run(route: Route, prompt: str) -> None:
    httpx.post(
        RUN_URL + LLAMA, json={"prompt": prompt}, headers=AUTH, proxy=route.proxy_url, verify=trust(route)
    ).raise_for_status()


def test_health(route: Route) -> None:
    response = httpx.get(f"{route.mock_url}/__harness/health")

    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_ca_pem_is_the_run_ca(mock: MockServer, route: Route) -> None:
    response = httpx.get(f"{route.mock_url}/__harness/ca.pem")

    assert response.status_code == 200
    assert response.content == mock.ca_file.read_bytes()
    assert response.content.startswith(b"-----BEGIN CERTIFICATE-----")


def test_journal_lists_filters_and_round_trips(mock: MockServer, route: Route) -> None:
    other = mock.route("other-snippet")
    run(route, "mine")
    run(other, "theirs")

    by_snippet = httpx.get(f"{route.mock_url}/__harness/journal", params={"snippet": "other-snippet"}).json()
    by_token = httpx.get(f"{route.mock_url}/__harness/journal", params={"token": route.token}).json()
    everything = httpx.get(f"{route.mock_url}/__harness/journal").json()

    assert [e["json"]["prompt"] for e in by_snippet] == ["theirs"]
    assert [e["json"]["prompt"] for e in by_token] == ["mine"]
    assert len(everything) == len(mock.journal.all())
    assert base64.b64decode(by_token[0]["body"]["b64"]) == b'{"prompt":"mine"}'
    assert entry_from_dict(by_token[0]) == mock.journal.for_snippet(mock.registry.snippet_of(route.token))[0]


def test_admin_paths_are_not_recorded_and_delete_clears(mock: MockServer, route: Route) -> None:
    run(route, "something")
    before = len(mock.journal.all())
    httpx.get(f"{route.mock_url}/__harness/health")
    httpx.get(f"{route.mock_url}/__harness/no-such-admin-path")
    assert len(mock.journal.all()) == before

    response = httpx.delete(f"{route.mock_url}/__harness/journal")

    assert response.status_code == 200 and mock.journal.all() == ()


def test_register_over_http(mock: MockServer, route: Route) -> None:
    response = httpx.post(f"{route.mock_url}/__harness/register", json={"snippet_id": "remote::g1::py"})
    bad = httpx.post(f"{route.mock_url}/__harness/register", json={"id": 1})

    assert mock.registry.snippet_of(response.json()["token"]) == "remote::g1::py"
    assert bad.status_code == 400


def test_delete_with_a_snippet_takes_only_its_entries(mock: MockServer, route: Route) -> None:
    other = mock.route("kept-snippet")
    run(route, "mine")
    run(other, "kept")
    snippet_id = mock.registry.snippet_of(route.token)

    taken = httpx.delete(f"{route.mock_url}/__harness/journal", params={"token": route.token}).json()

    assert [e["json"]["prompt"] for e in taken] == ["mine"]
    assert mock.journal.for_snippet(snippet_id) == ()
    assert [e.json["prompt"] for e in mock.journal.for_snippet("kept-snippet")] == ["kept"]
    unknown = httpx.delete(f"{route.mock_url}/__harness/journal", params={"token": "s-no-such-token"})
    assert unknown.json() == [] and mock.journal.for_snippet("kept-snippet") != ()


def test_admin_script_reads_and_takes_a_snippets_entries(mock: MockServer, route: Route) -> None:
    run(route, "over admin.py")
    snippet_id = mock.registry.snippet_of(route.token)
    assert snippet_id is not None
    env = {**os.environ, "HARNESS_APP_PORT": str(mock.app_port)}

    def admin(*args: str) -> list[dict[str, object]]:
        done = subprocess.run([sys.executable, str(ADMIN_SCRIPT), *args], env=env, capture_output=True, check=True)
        answer: list[dict[str, object]] = json.loads(done.stdout)
        return answer

    read, taken, after = admin("journal", snippet_id), admin("take", snippet_id), admin("journal", snippet_id)

    assert read == taken and [entry_from_dict(e).json for e in taken] == [{"prompt": "over admin.py"}]
    assert after == [] and mock.journal.for_snippet(snippet_id) == ()
