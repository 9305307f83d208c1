"""`/__harness/binding/durable_object/{fetch,call}`: the stand-in of a Durable Object class that is not on
the page, as `runners/worker/durable-stand-in.mjs` reaches it: answered and recorded for its snippet."""

from __future__ import annotations

import httpx

from harness.mock.server import MockServer
from harness.route import Route

from .helpers import journal_of


def headers(route: Route, **extra: str) -> dict[str, str]:
    return {"x-harness-token": route.token, "x-harness-binding-name": "ROOMS", **extra}


def test_the_stand_ins_fetch_is_answered_and_recorded(mock: MockServer, route: Route) -> None:
    answer = httpx.post(f"{route.mock_url}/__harness/binding/durable_object/fetch", content=b"hi", timeout=10,
                        headers=headers(route, **{"x-harness-binding-url": "https://chat.example.com/rooms/lobby"}))
    assert (answer.status_code, answer.headers["content-type"]) == (200, "text/plain; charset=utf-8")
    assert answer.text == ("A stand-in for the Durable Object class of ROOMS (not on this page) received "
                           "POST /rooms/lobby\n")
    (entry,) = journal_of(mock, route)
    assert (entry.via, entry.model, entry.status) == ("binding", "durable_object:ROOMS", 200)


def test_a_method_call_is_recorded_and_a_call_without_a_method_refused(mock: MockServer, route: Route) -> None:
    url = f"{route.mock_url}/__harness/binding/durable_object/call"
    called = httpx.post(url, json={"name": "ROOMS", "method": "arrive", "args": ["ada"]}, headers=headers(route),
                        timeout=10)
    assert (called.status_code, called.json()["result"]) == (200, None)
    refused = httpx.post(url, json={"name": "ROOMS", "args": []}, headers=headers(route), timeout=10)
    assert refused.status_code == 400 and "without a method" in refused.json()["errors"][0]["message"]
    recorded = [(e.json, e.status) for e in journal_of(mock, route)]
    assert recorded == [({"action": "arrive", "args": ["ada"]}, 200), ({"action": None, "args": []}, 400)]
