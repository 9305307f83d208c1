"""Turnstile's siteverify answers as the real endpoint does: the documented test secret keys, a token
spent once, idempotent retries, forms (URL-encoded and multipart) and JSON, the real answer's shape."""

from __future__ import annotations

import httpx

from harness.mock.server import MockServer
from harness.route import Route

from .helpers import journal_of, trust

URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify"
PASS, FAIL, SPENT = (f"{n}x0000000000000000000000000000000AA" for n in (1, 2, 3))


def client(route: Route) -> httpx.Client:
    return httpx.Client(proxy=route.proxy_url, verify=trust(route), timeout=10)


def test_the_test_secret_keys_pass_fail_and_spend_as_documented(mock: MockServer, route: Route) -> None:
    with client(route) as http:
        passed = http.post(URL, data={"secret": PASS, "response": "any-token"})
        again = http.post(URL, data={"secret": PASS, "response": "any-token"})
        failed = http.post(URL, json={"secret": FAIL, "response": "any-token"})
        spent = http.post(URL, files={"secret": (None, SPENT), "response": (None, "t")})

    assert passed.status_code == 200 and passed.headers["content-type"] == "application/json"
    assert passed.json()["success"] is True and passed.json()["error-codes"] == []
    assert {"challenge_ts", "hostname", "action", "cdata"} <= set(passed.json())
    assert again.json()["success"] is True
    assert (failed.status_code, failed.json()) == (200, {"success": False, "error-codes": ["invalid-input-response"],
                                                         "messages": []})
    assert spent.json()["error-codes"] == ["timeout-or-duplicate"]
    assert [(e.via, e.status) for e in journal_of(mock, route)] == [("turnstile", 200)] * 4


def test_a_token_validates_once_unless_retried_with_its_idempotency_key(mock: MockServer, route: Route) -> None:
    secret = "0x4AAAAAAAexampleWidgetSecret0000000"
    with client(route) as http:
        first = http.post(URL, data={"secret": secret, "response": "token-a", "idempotency_key": "k1"})
        retry = http.post(URL, data={"secret": secret, "response": "token-a", "idempotency_key": "k1"})
        replay = http.post(URL, data={"secret": secret, "response": "token-a"})
        dummy = http.post(URL, data={"secret": secret, "response": "XXXX.DUMMY.TOKEN.XXXX"})

    assert (first.json()["success"], retry.json()["success"]) == (True, True)
    assert replay.json()["error-codes"] == ["timeout-or-duplicate"]
    assert dummy.json()["error-codes"] == ["invalid-input-response"]


def test_missing_fields_and_a_broken_body_are_refused(mock: MockServer, route: Route) -> None:
    with client(route) as http:
        no_secret = http.post(URL, data={"response": "t"})
        no_token = http.post(URL, json={"secret": PASS})
        broken = http.post(URL, content=b"{not json", headers={"content-type": "application/json"})
        script = http.get("https://challenges.cloudflare.com/turnstile/v0/api.js")

    assert no_secret.json()["error-codes"] == ["missing-input-secret"]
    assert no_token.json()["error-codes"] == ["missing-input-response"]
    assert (broken.status_code, broken.json()["error-codes"]) == (400, ["bad-request"])
    assert script.status_code == 200 and journal_of(mock, route)[-1].via == "origin"
