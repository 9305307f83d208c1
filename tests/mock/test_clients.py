"""The proxy and TLS as other clients see them: httpx, and the curl binary (shell snippets)."""

from __future__ import annotations

import json
import shutil
import subprocess

import httpx

from harness.mock.server import MockServer
from harness.route import Route

from .helpers import AUTH, LLAMA, RUN_URL, journal_of, sse_events, trust

CURL = shutil.which("curl")


def curl(route: Route, *args: str) -> subprocess.CompletedProcess[str]:
    assert CURL is not None, "the curl binary is needed for these tests"
    command = [CURL, "-sS", "--proxy", route.proxy_url, "--cacert", route.ca_file, "-w", "\n%{http_code}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def test_httpx_success_and_stream(mock: MockServer, route: Route) -> None:
    with httpx.Client(proxy=route.proxy_url, verify=trust(route), timeout=10) as client:
        plain = client.post(RUN_URL + LLAMA, json={"prompt": "hi"}, headers=AUTH)
        with client.stream("POST", RUN_URL + LLAMA, json={"prompt": "hi", "stream": True}, headers=AUTH) as stream:
            events = sse_events("".join(stream.iter_text()))

    assert plain.status_code == 200 and plain.json()["success"] is True
    assert events[-1] == "[DONE]" and len(events) > 2
    assert [e.status for e in journal_of(mock, route)] == [200, 200]


def test_httpx_errors(route: Route) -> None:
    with httpx.Client(proxy=route.proxy_url, verify=trust(route), timeout=10) as client:
        assert client.post(RUN_URL + LLAMA, json={"prompt": "hi"}).status_code == 401
        assert client.post(RUN_URL + "@cf/x/y", json={"prompt": "hi"}, headers=AUTH).status_code == 400
        origin = client.get("https://example.com/", headers={"accept": "text/html"})
        assert origin.status_code == 200 and "<h1>example.com</h1>" in origin.text


def test_curl_seed_page_request(mock: MockServer, route: Route) -> None:
    body = (
        '{ "messages": [{ "role": "system", "content": "You are a friendly assistant" },'
        ' { "role": "user", "content": "Why is pizza so good" }]}'
    )
    result = curl(route, RUN_URL + LLAMA, "-X", "POST", "-H", f"Authorization: {AUTH['Authorization']}", "-d", body)

    assert result.returncode == 0, result.stderr
    text, _, status = result.stdout.rpartition("\n")
    assert status == "200" and json.loads(text)["success"] is True
    [entry] = journal_of(mock, route)
    assert entry.header("content-type") == "application/x-www-form-urlencoded"
    assert entry.json == json.loads(body)


def test_curl_without_auth_and_a_simulated_origin(mock: MockServer, route: Route) -> None:
    unauthorized = curl(route, RUN_URL + LLAMA, "-d", '{"prompt": "hi"}')
    origin = curl(route, "https://example.com/")

    assert unauthorized.stdout.endswith("\n401")
    assert origin.returncode == 0 and origin.stdout.endswith("\n200") and "<h1>example.com</h1>" in origin.stdout
    assert [(e.via, e.status) for e in journal_of(mock, route)] == [("rest", 401), ("origin", 200)]
