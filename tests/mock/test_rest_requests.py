"""The REST route through the real proxy and TLS, driven by `requests` as Python snippets do."""

from __future__ import annotations

import base64
import json
import socket
import threading
from typing import Any

import pytest
import requests

from harness.mock.server import MockServer
from harness.route import Route

from .helpers import AUTH, CONFIG, LLAMA, RUN_URL, journal_of, sse_events

MESSAGES = {"messages": [{"role": "system", "content": "be nice"}, {"role": "user", "content": "Tell me a story"}]}


def post(route: Route, url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
    proxies = {"https": route.proxy_url, "http": route.proxy_url}
    return requests.post(url, headers=headers, proxies=proxies, verify=route.ca_file, timeout=10, **kwargs)


def test_text_generation_answers_in_the_cloudflare_envelope(mock: MockServer, route: Route) -> None:
    response = post(route, RUN_URL + LLAMA, AUTH, json=MESSAGES)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["success"] is True and body["errors"] == [] and body["messages"] == []
    assert isinstance(body["result"]["response"], str) and body["result"]["response"]
    [entry] = journal_of(mock, route)
    assert (entry.via, entry.method, entry.model, entry.status) == ("rest", "POST", LLAMA, 200)
    assert entry.url == RUN_URL + LLAMA
    assert entry.json == MESSAGES
    assert json.loads(entry.body) == MESSAGES
    assert entry.header("authorization") == AUTH["Authorization"]


def test_same_request_gets_the_same_answer_and_another_one_a_different(route: Route) -> None:
    first = post(route, RUN_URL + LLAMA, AUTH, json={"prompt": "Why is pizza so good"})
    second = post(route, RUN_URL + LLAMA, AUTH, json={"prompt": "Why is pizza so good"})
    other = post(route, RUN_URL + LLAMA, AUTH, json={"prompt": "Why is the sky blue"})

    assert first.content == second.content
    assert first.json()["result"] != other.json()["result"]


def test_streaming_sends_server_sent_events_ending_in_done(route: Route) -> None:
    response = post(route, RUN_URL + LLAMA, AUTH, json={**MESSAGES, "stream": True})
    plain = post(route, RUN_URL + LLAMA, AUTH, json=MESSAGES)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    events = sse_events(response.text)
    assert len(events) > 2 and events[-1] == "[DONE]"
    tokens = [json.loads(e)["response"] for e in events[:-1]]
    assert "".join(tokens) == plain.json()["result"]["response"]


def test_url_encoded_model_name_is_the_same_model(mock: MockServer, route: Route) -> None:
    response = post(route, RUN_URL + "%40cf%2Fmeta%2Fllama-2-7b-chat-int8", AUTH, json={"prompt": "hi"})

    assert response.status_code == 200
    assert journal_of(mock, route)[-1].model == LLAMA


def test_json_is_accepted_whatever_the_content_type(mock: MockServer, route: Route) -> None:
    body = json.dumps({"prompt": "hi"})
    headers = {**AUTH, "Content-Type": "application/x-www-form-urlencoded"}
    response = post(route, RUN_URL + LLAMA, headers, data=body)

    assert response.status_code == 200
    entry = journal_of(mock, route)[-1]
    assert entry.header("content-type") == "application/x-www-form-urlencoded"
    assert entry.json == {"prompt": "hi"}


@pytest.mark.parametrize(
    ("headers", "account", "status"),
    [
        ({}, CONFIG.account_id, 401),
        ({"Authorization": "Bearer wrong-token"}, CONFIG.account_id, 403),
        ({"X-Auth-Email": "user@example.com", "X-Auth-Key": "wrong-key"}, CONFIG.account_id, 403),
        ({"X-Auth-Key": CONFIG.api_token}, CONFIG.account_id, 403),
        ({"Authorization": "Bearer {API_TOKEN}"}, CONFIG.account_id, 403),
        ({"Authorization": "Bearer t\u00f6ken"}, CONFIG.account_id, 403),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, CONFIG.account_id, 401),
        (AUTH, "0000000000000000000000000000000f", 403),
        (AUTH, "{ACCOUNT_ID}", 403),
    ],
)
def test_authentication_errors(
    mock: MockServer, route: Route, headers: dict[str, str], account: str, status: int
) -> None:
    url = RUN_URL.replace(CONFIG.account_id, account) + LLAMA
    response = post(route, url, headers, json={"prompt": "hi"})

    assert response.status_code == status
    assert response.json() == {
        "result": None,
        "success": False,
        "errors": [{"code": 10000, "message": "Authentication error"}],
        "messages": [],
    }
    entry = journal_of(mock, route)[-1]
    assert (entry.status, entry.error) == (status, "Authentication error")


def test_unknown_route_is_7003(mock: MockServer, route: Route) -> None:
    response = post(route, "https://api.cloudflare.com/client/v4/accounts/x/ai/runs/model", AUTH, json={})

    assert response.status_code == 400  # as Cloudflare answers it (cloudflare/cloudflare-go#118): 7003, then 7000
    error, no_uri = response.json()["errors"]
    assert (error["code"], no_uri) == (7003, {"code": 7000, "message": "No route for that URI"})
    assert "/client/v4/accounts/x/ai/runs/model" in error["message"]
    assert journal_of(mock, route)[-1].status == 400


def test_wrong_method_on_the_run_route_is_405_in_the_envelope(route: Route) -> None:
    response = requests.get(
        RUN_URL + LLAMA, headers=AUTH, proxies={"https": route.proxy_url}, verify=route.ca_file, timeout=10
    )

    assert response.status_code == 405
    assert response.json()["success"] is False


def test_unknown_model_is_5007(route: Route) -> None:
    response = post(route, RUN_URL + "@cf/meta/llama-9-7b", AUTH, json={"prompt": "hi"})

    assert response.status_code == 400
    assert response.json()["errors"] == [{"code": 5007, "message": "No such model @cf/meta/llama-9-7b or task"}]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"messages": [{"role": "user"}]}, ["/messages/0", "'content' is a required property"]),
        ({"prompt": 42}, ["/prompt", "not of type 'string'"]),
        ({"prompt": "hi", "messages": []}, ["mutually exclusive"]),
        ({"promt": "hi"}, ["'prompt'", "'messages'"]),
        ({"prompt": "hi", "top_k": 99}, ["/top_k", "99"]),
    ],
)
def test_invalid_input_is_400_naming_the_violation(
    mock: MockServer, route: Route, body: dict[str, Any], named: list[str]
) -> None:
    response = post(route, RUN_URL + LLAMA, AUTH, json=body)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"] == 5006
    for part in named:
        assert part in error["message"]
    entry = journal_of(mock, route)[-1]
    assert entry.error == error["message"] and entry.json == body


def test_body_that_is_not_json_is_400(route: Route) -> None:
    response = post(route, RUN_URL + LLAMA, AUTH, data=b"prompt=hi")

    assert response.status_code == 400
    assert "not valid JSON" in response.json()["errors"][0]["message"]


def test_connect_to_another_host_reaches_its_simulated_origin(mock: MockServer, route: Route) -> None:
    answer = requests.get("https://example.com/todos/1", proxies={"https": route.proxy_url}, verify=route.ca_file,
                          timeout=10)

    assert answer.status_code == 200 and answer.json()["id"] == 1 and "completed" in answer.json()
    [entry] = journal_of(mock, route)
    assert (entry.via, entry.method, entry.url, entry.status) == ("origin", "GET", "https://example.com/todos/1", 200)


def test_a_malformed_connect_target_is_refused_and_recorded(mock: MockServer, route: Route) -> None:
    credentials = base64.b64encode(f"{route.token}:x".encode()).decode()
    with socket.create_connection(("127.0.0.1", mock.proxy_port), timeout=10) as sock:
        sock.sendall(f"CONNECT example.com:99999 HTTP/1.1\r\nProxy-Authorization: Basic {credentials}\r\n\r\n".encode())
        answer = sock.recv(4096)

    assert answer.startswith(b"HTTP/1.1 403")
    [entry] = journal_of(mock, route)
    assert (entry.via, entry.method, entry.url, entry.status) == ("blocked", "CONNECT", "example.com:99999", 403)
    assert entry.error is not None and "example.com" in entry.error


def test_plain_http_through_the_proxy(mock: MockServer, route: Route) -> None:
    served = post(route, RUN_URL.replace("https:", "http:") + LLAMA, AUTH, json={"prompt": "hi"})
    echoed = requests.get("http://example.com/x?a=1", proxies={"http": route.proxy_url}, timeout=10,
                          headers={"accept": "application/json"})

    assert served.status_code == 200 and echoed.status_code == 200
    assert echoed.json()["args"] == {"a": "1"} and echoed.json()["url"] == "http://example.com/x?a=1"
    first, second = journal_of(mock, route)
    assert (first.via, first.url, first.status) == ("rest", RUN_URL.replace("https:", "http:") + LLAMA, 200)
    assert first.header("proxy-authorization") is None
    assert (second.via, second.method, second.url, second.status) == ("origin", "GET", "http://example.com/x?a=1", 200)


def test_requests_from_parallel_snippets_land_under_their_own_ids(mock: MockServer) -> None:
    routes = {f"page.md::g1::{i}": mock.route(f"page.md::g1::{i}") for i in range(6)}
    errors: list[BaseException] = []

    def snippet(snippet_id: str, route: Route) -> None:
        try:
            with requests.Session() as session:
                for n in range(4):
                    response = session.post(
                        RUN_URL + LLAMA,
                        headers=AUTH,
                        json={"prompt": f"{snippet_id} #{n}"},
                        proxies={"https": route.proxy_url},
                        verify=route.ca_file,
                        timeout=10,
                    )
                    response.raise_for_status()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=snippet, args=item) for item in routes.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    for snippet_id in routes:
        entries = mock.journal.for_snippet(snippet_id)
        assert [e.json["prompt"] for e in entries] == [f"{snippet_id} #{n}" for n in range(4)]
        assert [e.seq for e in entries] == sorted(e.seq for e in entries)


def test_ai_gateway_url_reaches_the_same_contract(mock: MockServer, route: Route) -> None:
    url = f"https://gateway.ai.cloudflare.com/v1/{CONFIG.account_id}/my-gateway/workers-ai/{LLAMA}"
    response = post(route, url, AUTH, json={"prompt": "hi"})
    invalid = post(route, url, AUTH, json={"prompt": ""})

    assert response.status_code == 200 and response.json()["success"] is True
    assert invalid.status_code == 400
    first, _ = journal_of(mock, route)
    assert first.url == url and first.model == LLAMA


def test_the_email_and_global_key_style_is_accepted(route: Route) -> None:
    headers = {"X-Auth-Email": "user@example.com", "X-Auth-Key": CONFIG.api_token}
    response = post(route, RUN_URL + LLAMA, headers, json={"prompt": "hi"})

    assert response.status_code == 200 and response.json()["result"]["response"].startswith("Mock answer")
