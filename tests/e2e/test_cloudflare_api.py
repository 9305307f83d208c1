"""Cloudflare's REST API pages end to end through the CLI (`--executor local` and `inprocess`): a CRUD sequence on two
resources passes; a typo'd route, a half-written placeholder, a wrong method, a body that breaks the
schema and an invalid GraphQL query are each one finding, at the page line, in the contract's words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = "fixtures/pages/cloudflare-api"


@pytest.fixture(scope="module", params=["local", "inprocess"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON report of one run of the pages, under each executor whose mock runs on this machine."""
    out = tmp_path_factory.mktemp("cfapi") / "report.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", PAGES, "--executor", request.param,
                           "--no-cache", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr  # the mistakes page has real findings
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def snippets(report: dict[str, Any], page: str) -> dict[int, dict[str, Any]]:
    return {s["line"]: s for s in report["snippets"] if s["page"].endswith(page)}


def findings(snippet: dict[str, Any]) -> list[tuple[str, int]]:
    return [(f["rule"], f["line"]) for f in snippet["findings"]]


def test_crud_on_two_resources_passes(report: dict[str, Any]) -> None:
    crud = snippets(report, "crud.md")
    assert {line: s["status"] for line, s in crud.items()} == {13: "passed", 26: "passed", 46: "passed"}
    assert all(not s["findings"] for s in crud.values())
    shell, lists, dns = crud[13], crud[26], crud[46]
    assert [(r["method"], r["status"]) for r in shell["requests"]] == [("POST", 200), ("GET", 200)]
    created = shell["requests"][0]["path"]
    assert shell["requests"][1]["path"].startswith(created + "/")  # the get used the id the create returned
    assert "listed: True True" in lists["stdout"] and "renamed to trusted-hosts" in lists["stdout"]
    assert "listed after delete: False" in lists["stdout"]
    assert "created" in dns["stdout"] and "now 192.0.2.2 1" in dns["stdout"]


def test_typo_route_names_the_closest_real_route(report: dict[str, Any]) -> None:
    typo = snippets(report, "mistakes.md")[11]
    [finding] = typo["findings"]
    assert (finding["rule"], finding["line"]) == ("API001", 11)
    assert "gateway/listz is not a route of Cloudflare's API" in finding["message"]
    assert finding["details"]["closest"][0] == "/accounts/{account_id}/gateway/lists"


def test_half_written_placeholder_is_a_malformed_url(report: dict[str, Any]) -> None:
    [finding] = snippets(report, "mistakes.md")[18]["findings"]
    assert (finding["rule"], finding["line"]) == ("API001", 21)
    assert "malformed URL: the segment `{zone_id` is a placeholder left half-written" in finding["message"]
    assert finding["details"]["closest"][0] == "/zones/{zone_id}/firewall/ua_rules"


def test_wrong_method_and_broken_body(report: dict[str, Any]) -> None:
    mistakes = snippets(report, "mistakes.md")
    [method] = mistakes[30]["findings"]
    assert (method["rule"], method["details"]) == ("API002", {"expected": "GET, POST", "actual": "PUT"})
    assert "sends PUT to /client/v4/accounts/{ACCOUNT_ID}/gateway/lists, a route that takes GET, POST" in (
        method["message"])
    [body] = mistakes[43]["findings"]
    assert (body["rule"], body["line"]) == ("API003", 46)
    assert "body.name: 42 is not of type 'string'" in body["message"]


def test_graphql_valid_and_invalid(report: dict[str, Any]) -> None:
    graphql = snippets(report, "graphql.md")
    assert graphql[9]["status"] == "passed" and "2026-01-01 1" in graphql[9]["stdout"]
    assert findings(graphql[35]) == [("API006", 38)]
    assert "Variable '$zoneTag' is not defined." in graphql[35]["findings"][0]["message"]


def test_no_finding_says_no_mock(report: dict[str, Any]) -> None:
    assert not [f for s in report["snippets"] for f in s["findings"] if f["rule"] == "REQ006"]
