"""`/client/v4/graphql`: parsed and validated by graphql-core, answered with the query's shape."""

from __future__ import annotations

from starlette.testclient import TestClient

from harness.mock.state import MockState

from .conftest import API, BEARER

QUERY = """query Requests($zone: string, $since: Date) {
  viewer {
    zones(filter: {zoneTag: $zone}) {
      days: httpRequests1dGroups(limit: 7, filter: {date_geq: $since}) {
        sum { requests bytes }
        dimensions { date }
      }
    }
  }
}"""


def test_answer_mirrors_the_selection_set(client: TestClient) -> None:
    answer = client.post(f"{API}/graphql", headers=BEARER, json={"query": QUERY, "variables": {"zone": "z"}})
    assert answer.status_code == 200
    body = answer.json()
    assert body["errors"] is None
    day = body["data"]["viewer"]["zones"][0]["days"][0]
    assert set(day) == {"sum", "dimensions"}
    assert isinstance(day["sum"]["requests"], int) and day["dimensions"]["date"] == "2026-01-01"


def test_undefined_variable_is_an_error_recorded(client: TestClient, state: MockState) -> None:
    query = "query { viewer { zones(filter: {zoneTag: $zone}) { count } } }"
    body = client.post(f"{API}/graphql", headers=BEARER, json={"query": query}).json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Variable '$zone' is not defined."
    entry = state.journal.all()[-1]
    assert entry.error is not None and "Variable '$zone' is not defined." in entry.error


def test_syntax_error_and_unknown_root(client: TestClient) -> None:
    broken = client.post(f"{API}/graphql", headers=BEARER, json={"query": "{ viewer { zones(filter: {}) { "}).json()
    assert "Syntax Error" in broken["errors"][0]["message"]
    wrong = client.post(f"{API}/graphql", headers=BEARER, json={"query": "{ zones { count } }"}).json()
    assert wrong["errors"][0]["message"] == 'Cannot query field "zones" on type "Query".'


def test_graphql_needs_auth(client: TestClient) -> None:
    answer = client.post(f"{API}/graphql", json={"query": "{ viewer { budget } }"})
    assert answer.status_code == 400
