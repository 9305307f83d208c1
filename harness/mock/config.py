"""What the mock pretends to be (`MockConfig`) and the app state made from it, apart from the server
that serves it: the in-process mock builds the same state without importing uvicorn or the TLS code
(a fork of the warm Python per snippet costs more the more it holds)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.mock.app import MockState
from harness.mock.catalog import Catalog
from harness.mock.journal import Journal
from harness.mock.openapi import OpenApiRoutes, load_document
from harness.mock.registry import Registry
from harness.mock.scenarios import Scenario
from harness.mock.state import MAX_BODY_BYTES


@dataclass(frozen=True)
class MockConfig:
    """What the mock pretends to be."""

    account_id: str = "023e105f4ecef8ad9ca31a8372d0c353"
    """The only account id the REST route accepts (others: 403)."""
    api_token: str = "harness-test-token"
    """The only bearer token the REST route accepts (others: 403; none: 401)."""
    hosts: tuple[str, ...] = ("api.cloudflare.com", "gateway.ai.cloudflare.com")
    """Hosts of the APIs the mock models (the server certificate names them; the docker sidecar resolves
    them to itself); every other host is a simulated origin (`harness.mock.services.origin`)."""
    scenarios: tuple[Scenario, ...] = ()
    """Forced errors and latency for some models, pages or tabs (see `harness.mock.scenarios`)."""
    openapi_docs: tuple[Path, ...] = ()
    """OpenAPI documents whose paths the mock serves besides its own (see `harness.mock.openapi`)."""
    max_body_bytes: int = MAX_BODY_BYTES
    """Request bodies over this size are answered 413 (code 3006)."""


def mock_state(config: MockConfig, catalog: Catalog, journal: Journal, registry: Registry, ca_file: Path) -> MockState:
    """The app's state for `config`; an OpenAPI document that cannot be read raises `OpenApiError`."""
    documents = [load_document(path) for path in config.openapi_docs]
    return MockState(
        config.account_id,
        config.api_token,
        catalog,
        journal,
        registry,
        ca_file,
        scenarios=config.scenarios,
        openapi=OpenApiRoutes(documents) if documents else None,
        max_body_bytes=config.max_body_bytes,
        api_hosts=tuple(h.lower() for h in config.hosts),
    )
