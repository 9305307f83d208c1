"""Scenarios force the service's errors, or latency, on the model calls of some pages, tabs or
models; every door answers them the same way, in the envelope with the documented status."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.mock.errors import SERVICE_ERRORS
from harness.mock.scenarios import Scenario, ScenarioError, forced, parse_scenario, scenario_table
from harness.mock.server import MockConfig, MockServer

from .helpers import AUTH, CONFIG, LLAMA, RUN_URL, trust

SCENARIOS = (
    parse_scenario({"pages": "errors/rate-limit.md", "error": "rate-limit"}, "s0"),
    parse_scenario({"pages": "errors/*.md", "tabs": ["Python"], "error": "capacity"}, "s1"),
    parse_scenario({"models": ["@cf/baai/*"], "error": "too-large"}, "s2"),
    parse_scenario({"pages": "slow.md", "latency_ms": 300}, "s3"),
    parse_scenario({"pages": "custom.md", "status": 503, "code": 9999, "message": "down for tea"}, "s4"),
)


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(MockConfig(scenarios=SCENARIOS)) as server:
        yield server


def rest(mock: MockServer, snippet_id: str, model: str = LLAMA, inputs: Any = None) -> httpx.Response:
    route = mock.route(snippet_id)
    with httpx.Client(proxy=route.proxy_url, verify=trust(route), timeout=10) as client:
        return client.post(RUN_URL + model, json=inputs or {"prompt": "hi"}, headers=AUTH)


def binding(mock: MockServer, snippet_id: str, model: str = LLAMA) -> httpx.Response:
    route = mock.route(snippet_id)
    body = {"model": model, "inputs": {"prompt": "hi"}, "options": {}}
    return httpx.post(f"{route.mock_url}/__harness/binding/run", json=body, headers={"x-harness-token": route.token})


@pytest.mark.parametrize("door", [rest, binding])
def test_a_page_scenario_forces_the_rate_limit_error(mock: MockServer, door: Any) -> None:
    response = door(mock, "errors/rate-limit.md::g::curl")

    assert response.status_code == 429
    [error] = response.json()["errors"]
    assert error["code"] == 3036 and "daily free allocation" in error["message"]
    entry = mock.journal.for_snippet("errors/rate-limit.md::g::curl")[-1]
    assert entry.status == 429 and entry.json == {"prompt": "hi"}


def test_tab_matchers_pick_one_tab_of_a_page(mock: MockServer) -> None:
    python = rest(mock, "errors/other.md::g::Python")
    curl = rest(mock, "errors/other.md::g::curl")

    assert (python.status_code, python.json()["errors"][0]["code"]) == (429, 3040)
    assert curl.status_code == 200


def test_model_matchers_and_overrides(mock: MockServer) -> None:
    big = rest(mock, "any.md::g::1", "@cf/baai/bge-small-en-v1.5", {"text": "hi"})
    custom = rest(mock, "custom.md::g::1")

    assert (big.status_code, big.json()["errors"][0]["code"]) == (413, 3006)
    assert (custom.status_code, custom.json()["errors"]) == (503, [{"code": 9999, "message": "down for tea"}])


def test_latency_delays_the_answer_only_where_it_applies(mock: MockServer) -> None:
    started = time.monotonic()
    slow = rest(mock, "slow.md::g::1")
    slow_s = time.monotonic() - started
    started = time.monotonic()
    rest(mock, "fast.md::g::1")

    assert slow.status_code == 200 and slow_s >= 0.3
    assert time.monotonic() - started < 0.3


def test_the_first_error_wins_and_latencies_add_up() -> None:
    both = (Scenario(latency_ms=100), Scenario(error=SERVICE_ERRORS["auth"], latency_ms=50))

    assert forced(both, "a.md::g::1", LLAMA).latency_s == pytest.approx(0.15)
    assert forced(both, "a.md::g::1", LLAMA).error == SERVICE_ERRORS["auth"]
    assert forced((), None, None).error is None


def test_requests_of_no_snippet_match_no_page_scenario() -> None:
    assert not SCENARIOS[0].applies(None, LLAMA)
    assert SCENARIOS[2].applies(None, "@cf/baai/bge-base-en-v1.5")


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ({"error": "nope"}, "unknown error 'nope'"),
        ({"pages": 3, "error": "auth"}, "`pages` must be a glob"),
        ({"tabs": [1], "error": "auth"}, "`tabs` must be"),
        ({"status": 429}, "give both `status` and `code`"),
        ({"error": "auth", "status": 200}, "not an error status"),
        ({"pages": "a.md"}, "needs an `error`"),
        ({"error": "auth", "latency_ms": -1}, "non-negative integer"),
        ({"error": "auth", "colour": "red"}, "unknown key(s) colour"),
    ],
)
def test_malformed_scenarios_say_what_is_wrong(table: dict[str, Any], says: str) -> None:
    with pytest.raises(ScenarioError, match=None) as raised:
        parse_scenario(table, "harness.toml scenarios[0]")
    assert says in str(raised.value) and str(raised.value).startswith("harness.toml scenarios[0]: ")


def test_every_named_error_is_a_client_or_server_error() -> None:
    assert all(400 <= e.status <= 599 and e.code >= 1000 for e in SERVICE_ERRORS.values())
    assert {"auth", "routing", "no-such-model", "invalid-input", "too-large", "rate-limit", "capacity"} <= set(
        SERVICE_ERRORS
    )
    assert CONFIG.scenarios == ()


def test_a_host_scenario_applies_to_origins_only_and_round_trips() -> None:
    raw = {"hosts": ["*.example.com"], "tabs": ["curl"], "status": 503, "headers": {"retry-after": "5"},
           "body": "down", "latency_ms": 20}
    scenario = parse_scenario(raw, "h")

    assert scenario.applies_to_host("p.md::g::curl", "www.example.com")
    assert not scenario.applies_to_host("p.md::g::Python", "www.example.com")
    assert not scenario.applies("p.md::g::curl", LLAMA)  # never a model call's
    assert forced((scenario,), "p.md::g::curl", LLAMA) == forced((), "p.md::g::curl", LLAMA)
    assert parse_scenario(scenario_table(scenario), "again") == scenario


@pytest.mark.parametrize(("raw", "words"), [
    ({"hosts": ["a.test"]}, "needs `hosts` and a `status`"),
    ({"hosts": ["a.test"], "error": "rate-limit"}, "do not apply to `hosts`"),
    ({"hosts": ["a.test"], "status": 42}, "not an HTTP status"),
    ({"hosts": ["a.test"], "headers": {"x": 1}}, "table of strings"),
    ({"body": "x", "latency_ms": 5}, "give `hosts` too"),
])
def test_a_malformed_host_scenario_says_what_is_wrong(raw: dict[str, Any], words: str) -> None:
    with pytest.raises(ScenarioError, match=words):
        parse_scenario(raw, "where")
