"""Fixtures: one mock per test module, reached the way snippets reach it (proxy + run CA)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.mock.server import MockServer
from harness.route import Route

from .helpers import CONFIG


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(CONFIG) as server:
        yield server


@pytest.fixture
def route(mock: MockServer, request: pytest.FixtureRequest) -> Route:
    """A fresh snippet id (the test's node id) registered with the mock."""
    return mock.route(request.node.nodeid)
