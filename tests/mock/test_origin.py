"""Every host the mock does not model as an API is a simulated origin: reached through the proxy over
TLS (a certificate of the run's CA for that very host) or plain HTTP, answered plausibly, recorded."""

from __future__ import annotations

import base64
import io
import json
import os
import socket
import ssl
import subprocess
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import requests
from cryptography import x509

from harness.mock.scenarios import parse_scenario
from harness.mock.server import MockConfig, MockServer
from harness.mock.services.origin.answers import SentRequest, answer
from harness.route import Route
from harness.run.common import proxy_env

from .helpers import AUTH, journal_of, trust

SCENARIOS = (
    parse_scenario({"hosts": ["down.example.org"], "status": 503, "headers": {"retry-after": "5"}, "body": "down"},
                   "h0"),
    parse_scenario({"hosts": ["*.slow.test"], "latency_ms": 300}, "h1"),
)


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(MockConfig(scenarios=SCENARIOS)) as server:
        yield server


def client(route: Route) -> httpx.Client:
    return httpx.Client(proxy=route.proxy_url, verify=trust(route), timeout=10)


def sent(method: str, url: str, headers: dict[str, str] | None = None, body: bytes = b"") -> SentRequest:
    return SentRequest(method, url, tuple((headers or {}).items()), body)


def test_a_browser_gets_html_and_a_json_client_gets_json() -> None:
    page = answer(sent("GET", "https://shop.example/", {"accept": "text/html,*/*;q=0.8"}))
    data = answer(sent("GET", "https://shop.example/items?page=2", {"accept": "application/json"}))

    assert page.content_type.startswith("text/html") and b"<h1>shop.example</h1>" in page.body
    assert data.content_type == "application/json"
    assert json.loads(data.body)["args"] == {"page": "2"}


def test_httpbin_paths_read_back_what_was_sent() -> None:
    posted = json.loads(answer(sent("POST", "https://httpbin.org/post?x=1", {"content-type": "application/json"},
                                    b'{"name": "example"}')).body)
    headers = json.loads(answer(sent("GET", "https://httpbin.org/headers", {"x-api-key": "k"})).body)

    assert (posted["method"], posted["json"], posted["args"]) == ("POST", {"name": "example"}, {"x": "1"})
    assert headers["headers"]["X-Api-Key"] == "k"
    assert answer(sent("GET", "https://httpbin.org/status/418")).status == 418
    assert answer(sent("GET", "https://httpbin.org/status/204")).body == b""


def test_jsonplaceholder_paths_have_their_shape() -> None:
    todo = json.loads(answer(sent("GET", "https://jsonplaceholder.typicode.com/todos/3")).body)
    posts = json.loads(answer(sent("GET", "https://jsonplaceholder.typicode.com/posts")).body)
    created = answer(sent("POST", "https://jsonplaceholder.typicode.com/posts", {}, b'{"title": "t"}'))

    assert todo["id"] == 3 and set(todo) >= {"userId", "title", "completed"}
    assert isinstance(posts, list) and len(posts) == 10 and posts[0]["id"] == 1
    assert created.status == 201 and json.loads(created.body) == {"title": "t", "id": 101}


def test_files_are_answered_with_their_type() -> None:
    assert answer(sent("GET", "https://cdn.example/style.css")).content_type == "text/css"
    assert answer(sent("GET", "https://cdn.example/logo.png")).body.startswith(b"\x89PNG")
    assert answer(sent("GET", "https://cdn.example/data.json")).content_type == "application/json"


def test_media_are_real_files_a_decoder_reads() -> None:
    """A notebook that plays a fetched .mp3, or a sample that gives a fetched .jpg to a model, gets bytes
    of that format (not JSON, which IPython's Audio or an image model would choke on)."""
    jpeg = answer(sent("GET", "https://images.example/cat.JPEG"))
    assert (jpeg.content_type, jpeg.body[:3], jpeg.body[-2:]) == ("image/jpeg", b"\xff\xd8\xff", b"\xff\xd9")
    with wave.open(io.BytesIO(answer(sent("GET", "https://cdn.example/a/b/speech.wav")).body)) as audio:
        assert (audio.getframerate(), audio.getnframes()) == (16000, 16000)
    mp3 = answer(sent("GET", "https://raw.example/assets/talk.mp3", {"accept": "*/*"}))
    assert mp3.content_type == "audio/mpeg" and mp3.body[:2] == b"\xff\xfb" and len(mp3.body) > 10_000
    assert answer(sent("GET", "https://x.example/doc.pdf")).body.startswith(b"%PDF-")
    assert answer(sent("GET", "https://x.example/anim.gif")).body.startswith(b"GIF8")


def test_https_to_any_host_gets_a_certificate_for_that_host(mock: MockServer, route: Route) -> None:
    with client(route) as http:
        first = http.get("https://shop.example/todos/1")
        second = http.get("https://other.example.net/anything/x", headers={"accept": "application/json"})

    assert first.status_code == 200 and first.json()["id"] == 1
    assert second.json()["url"] == "https://other.example.net/anything/x"
    seen = [(e.via, e.method, e.url, e.status) for e in journal_of(mock, route)]
    assert seen == [("origin", "GET", "https://shop.example/todos/1", 200),
                    ("origin", "GET", "https://other.example.net/anything/x", 200)]


def test_the_certificate_names_the_host_the_client_asked_for(mock: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", mock.proxy_port), timeout=10) as raw:
        raw.sendall(b"CONNECT unusual-host.test:443 HTTP/1.1\r\nHost: unusual-host.test:443\r\n\r\n")
        assert raw.recv(1024).startswith(b"HTTP/1.1 200")
        context = ssl.create_default_context(cafile=str(mock.ca_file))
        with context.wrap_socket(raw, server_hostname="unusual-host.test") as tls:
            der = tls.getpeercert(binary_form=True)
    assert der is not None
    names = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert names.value.get_values_for_type(x509.DNSName) == ["unusual-host.test"]


def test_a_tunnel_to_port_80_carries_plain_http(mock: MockServer, route: Route) -> None:
    with socket.create_connection(("127.0.0.1", mock.proxy_port), timeout=10) as raw:
        auth = route.proxy_url.split("//")[1].split("@")[0]
        credentials = base64.b64encode(auth.encode()).decode()
        raw.sendall(f"CONNECT localhost:80 HTTP/1.1\r\nProxy-Authorization: Basic {credentials}\r\n\r\n".encode())
        assert raw.recv(1024).startswith(b"HTTP/1.1 200")
        raw.sendall(b"GET /json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := raw.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200") and b"slideshow" in reply
    [entry] = journal_of(mock, route)
    assert (entry.via, entry.url) == ("origin", "http://localhost/json")


def test_plain_http_through_the_proxy_is_answered_too(mock: MockServer, route: Route) -> None:
    answered = requests.get("http://legacy.example/get?q=1", proxies={"http": route.proxy_url}, timeout=10)
    assert answered.status_code == 200 and answered.json()["args"] == {"q": "1"}
    assert [(e.via, e.url) for e in journal_of(mock, route)] == [("origin", "http://legacy.example/get?q=1")]


def test_a_host_scenario_sets_status_headers_and_body(mock: MockServer, route: Route) -> None:
    with client(route) as http:
        down = http.get("https://down.example.org/")
        started = time.monotonic()
        slow = http.get("https://api.slow.test/json")
        waited = time.monotonic() - started

    assert (down.status_code, down.text, down.headers["retry-after"]) == (503, "down", "5")
    assert slow.status_code == 200 and waited >= 0.3
    assert [(e.via, e.status) for e in journal_of(mock, route)] == [("origin", 503), ("origin", 200)]


def test_the_api_hosts_are_still_the_apis(mock: MockServer, route: Route) -> None:
    with client(route) as http:
        missing = http.get("https://api.cloudflare.com/client/v4/nothing", headers=AUTH)
    # Cloudflare's REST API answers a path its contract lacks (400: 7003, then 7000), never the origin
    assert missing.status_code == 400 and [e["code"] for e in missing.json()["errors"]] == [7003, 7000]
    assert [e.via for e in journal_of(mock, route)] == ["cloudflare-api"]


NODE_CORE = """import https from "node:https";
import http from "node:http";
const read = (res) => new Promise((done) => {
  let d = ""; res.on("data", (c) => d += c); res.on("end", () => done(d));
});
const viaHttps = await new Promise((done) => https.get("https://jsonplaceholder.typicode.com/todos/1", done));
console.log(viaHttps.statusCode, JSON.parse(await read(viaHttps)).title);
const viaHttp = await new Promise((done) => http.get("http://example.org/get?x=1", done));
console.log(viaHttp.statusCode, JSON.parse(await read(viaHttp)).args.x);
"""


def test_node_core_http_and_https_go_through_the_proxy_too(mock: MockServer, route: Route, tmp_path: Path) -> None:
    runner = Path(__file__).resolve().parents[2] / "runners" / "node"
    (tmp_path / "core.mjs").write_text(NODE_CORE)
    env = {**os.environ, **proxy_env(route)}
    done = subprocess.run(["node", "--require", str(runner / "shim.cjs"), str(tmp_path / "core.mjs")], env=env,
                          capture_output=True, text=True, timeout=60)

    assert (done.returncode, done.stdout) == (0, "200 delectus aut autem\n200 1\n"), done.stderr
    assert [(e.via, e.url) for e in journal_of(mock, route)] == [
        ("origin", "https://jsonplaceholder.typicode.com/todos/1"), ("origin", "http://example.org/get?x=1")]


def test_an_absolute_https_url_sent_to_the_proxy_is_answered(mock: MockServer, route: Route) -> None:
    credentials = base64.b64encode(route.proxy_url.split("//")[1].split("@")[0].encode()).decode()
    with socket.create_connection(("127.0.0.1", mock.proxy_port), timeout=10) as raw:
        raw.sendall(f"GET https://axios.example/get HTTP/1.1\r\nHost: axios.example\r\n"
                    f"Proxy-Authorization: Basic {credentials}\r\n\r\n".encode())
        reply = b""
        while chunk := raw.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200") and b'"url": "https://axios.example/get"' in reply
    assert [(e.via, e.url) for e in journal_of(mock, route)] == [("origin", "https://axios.example/get")]
