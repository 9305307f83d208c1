"""One request to every operation of the Cloudflare API contract, built from the operation's own schemas
(path ids, required query parameters, JSON body), answered by the service in-process; each answer is
checked against the operation's whole answer schema (`Contract.answer_schema`).

`python -m tests.contract.every_operation` prints the tally and every problem (the suite asserts none).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from starlette.applications import Starlette
from starlette.testclient import TestClient

from harness.mock.catalog import Catalog
from harness.mock.config import MockConfig, mock_state
from harness.mock.journal import Journal
from harness.mock.registry import Registry
from harness.mock.services.cloudflare_api import SERVICE, claims
from harness.mock.services.cloudflare_api.contract import Contract, Route, load_contract
from harness.mock.services.cloudflare_api.pages_assets import UPLOAD_TOKEN
from harness.mock.services.cloudflare_api.values import value_of

CONFIG = MockConfig()
HEADERS = {"Authorization": f"Bearer {CONFIG.api_token}"}
UPLOAD = {"Authorization": f"Bearer {UPLOAD_TOKEN}"}
"""Pages asset uploads take the upload token `GET .../pages/projects/<name>/upload-token` gives, not the account's."""


@dataclass(frozen=True)
class Problem:
    """What went wrong with one operation's answer."""

    route: Route
    what: str
    """`status 400`, `mismatch`, `crash`."""
    detail: str

    def __str__(self) -> str:
        return f"{self.route.method} {self.route.template}: {self.what}: {self.detail}"


def request_of(contract: Contract, route: Route) -> tuple[str, Any]:
    """The path (with query) and JSON body of a request that fits the operation's schemas."""
    op = contract.operation(route)
    path = "/client/v4" + re.sub(r"\{(\w+)\}", lambda m: CONFIG.account_id if m.group(1).startswith("account_id")
                                 or m.group(1) == "account_identifier" else "a1b2c3", route.template)
    query = {}
    for parameter in op.get("parameters") or []:
        if parameter.get("in") == "query" and parameter.get("required"):
            schema = parameter.get("schema") or {}
            value = value_of(schema, schema, "a1b2c3", parameter["name"])
            query[parameter["name"]] = str(value).lower() if isinstance(value, bool) else value
    content = (op.get("requestBody") or {}).get("content") or {}
    schema = (content.get("application/json") or {}).get("schema")
    body = value_of(schema, schema, "a1b2c3") if isinstance(schema, Mapping) else None
    return path + ("?" + urlencode(query, doseq=True) if query else ""), body


def exchanges(client: TestClient, contract: Contract) -> Iterator[tuple[Route, int, Problem | None]]:
    """Every operation the service answers: (route, status, problem or None)."""
    for route in contract.routes:
        if not claims(route.method, "/client/v4" + route.template) or route.template.rstrip("/") == "/graphql":
            continue
        path, body = request_of(contract, route)
        try:
            headers = UPLOAD if route.method == "POST" and route.template.startswith("/pages/assets/") else HEADERS
            answer = client.request(route.method, path, headers=headers, json=body)
        except Exception as exc:  # noqa: BLE001 - a crash of the service is what this looks for
            yield route, 500, Problem(route, "crash", repr(exc)[:300])
            continue
        if answer.status_code not in (200, 404):
            yield route, answer.status_code, Problem(route, f"status {answer.status_code}", answer.text[:300])
            continue
        schema = contract.answer_schema(route)
        if answer.status_code == 404 or schema is None:
            yield route, answer.status_code, None
            continue
        sent = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else answer.text
        error = best_match(Draft202012Validator(schema).iter_errors(sent))
        where = "/".join(map(str, error.absolute_path)) if error else ""
        yield route, 200, None if error is None else Problem(route, "mismatch", f"{error.message[:200]} at /{where}")


def app_client() -> TestClient:
    """A client of a fresh Cloudflare API service (a fresh store)."""
    state = mock_state(CONFIG, Catalog.load(), Journal(), Registry(), Path())
    return TestClient(Starlette(routes=list(SERVICE.routes(state))), base_url="https://api.cloudflare.com",
                      raise_server_exceptions=True)


def main() -> None:
    tally: Counter[int] = Counter()
    problems = []
    for _, status, problem in exchanges(app_client(), load_contract()):
        tally[status] += 1
        if problem is not None:
            problems.append(problem)
    print(dict(tally), f"{len(problems)} problems")
    for problem in problems:
        print(problem)


if __name__ == "__main__":
    main()
