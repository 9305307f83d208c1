"""A Starlette app serving only the Cloudflare API service, over the contract `make contract` built."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from harness.mock.catalog import Catalog
from harness.mock.config import MockConfig, mock_state
from harness.mock.journal import Journal
from harness.mock.registry import Registry
from harness.mock.services.cloudflare_api import SERVICE
from harness.mock.state import MockState

CONFIG = MockConfig()
ACCOUNT = CONFIG.account_id
API = "/client/v4"
BEARER = {"Authorization": f"Bearer {CONFIG.api_token}"}
KEY = {"X-Auth-Email": "docs@example.com", "X-Auth-Key": CONFIG.api_token}


@pytest.fixture
def state() -> MockState:
    return mock_state(CONFIG, Catalog.load(), Journal(), Registry(), Path())


@pytest.fixture
def client(state: MockState) -> TestClient:
    """A client of a fresh app (a fresh store: state is per mock)."""
    return TestClient(Starlette(routes=list(SERVICE.routes(state))), base_url="https://api.cloudflare.com")
