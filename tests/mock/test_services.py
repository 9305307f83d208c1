"""The mock hosts services: each claims hosts and paths; the first by rank that claims a request
answers it, and a service added in one place (here: a stand-in for Cloudflare's REST API) slots in
between Workers AI and the API hosts' fallback."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from harness.mock import services as registry
from harness.mock.app import build_app
from harness.mock.catalog import Catalog
from harness.mock.config import MockConfig, mock_state
from harness.mock.journal import Journal
from harness.mock.registry import Registry
from harness.mock.services import Service, ServicePluginError, services
from harness.mock.state import MockState

from .helpers import AUTH, CONFIG, LLAMA, RUN_PATH


class ZonesApi:
    """A third party's API: it claims `/client/v4/zones...` only, ranked before Cloudflare's API service."""

    name = "zones"
    rank = 40

    def claims(self, host: str, state: MockState) -> bool:
        return host == "api.cloudflare.com"

    def routes(self, state: MockState) -> Sequence[BaseRoute]:
        async def zones(request: Request) -> Response:
            return JSONResponse({"success": True, "result": [{"id": "z1"}]})

        return [Route("/client/v4/zones", zones, methods=["GET"])]

    def binding_routes(self, state: MockState) -> Sequence[BaseRoute]:
        async def door(request: Request) -> Response:
            return JSONResponse({"door": "zones"})

        return [Route("/__harness/binding/zones", door, methods=["POST"])]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


class Client:
    """Requests handed to the app in-process, from a direct client (no proxy tunnel)."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=("127.0.0.1", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                return await client.request(method, path, **options)

        return asyncio.run(send())

    def get(self, path: str, **options: Any) -> httpx.Response:
        return self.request("GET", path, **options)

    def post(self, path: str, **options: Any) -> httpx.Response:
        return self.request("POST", path, **options)

    def delete(self, path: str, **options: Any) -> httpx.Response:
        return self.request("DELETE", path, **options)


def app_with(catalog: Catalog, hosted: Sequence[Service]) -> tuple[Client, MockState]:
    state = mock_state(MockConfig(), catalog, Journal(), Registry(), Path())
    return Client(build_app(state, hosted)), state


def test_built_in_services_are_asked_in_rank_order() -> None:
    assert [s.name for s in services()] == ["workers-ai", "turnstile", "cloudflare-api", "api-fallback", "origin"]


def test_a_registered_api_answers_after_workers_ai_and_before_the_cloudflare_api(catalog: Catalog) -> None:
    hosted = sorted([*services(), ZonesApi()], key=lambda s: s.rank)
    http, state = app_with(catalog, hosted)
    api = {"host": "api.cloudflare.com", **AUTH}

    zones = http.get("/client/v4/zones", headers=api)
    wrong_method = http.delete("/client/v4/zones", headers=api)
    model = http.post(RUN_PATH + LLAMA, json={"prompt": "hi"}, headers=api)
    other = http.get("/client/v4/accounts/x/no-such-collection", headers=api)
    origin = http.get("/client/v4/zones", headers={"host": "www.example.com", "accept": "application/json"})
    door = http.post("/__harness/binding/zones")

    assert zones.json()["result"] == [{"id": "z1"}] and wrong_method.status_code == 405
    assert model.status_code == 200 and model.json()["success"] is True
    assert other.status_code == 400 and [e["code"] for e in other.json()["errors"]] == [7003, 7000]
    assert origin.json()["url"] == "http://www.example.com/client/v4/zones"
    assert door.json() == {"door": "zones"}
    assert [e.via for e in state.journal.all()] == ["rest", "cloudflare-api", "origin"]


def test_a_direct_client_of_the_app_port_speaks_to_the_api(catalog: Catalog) -> None:
    http, state = app_with(catalog, services())
    answer = http.post(RUN_PATH + LLAMA, json={"prompt": "hi"}, headers={"host": "127.0.0.1:8081", **AUTH})
    assert answer.status_code == 200 and state.journal.all()[0].model == LLAMA
    assert CONFIG.hosts[0] == state.api_hosts[0]


def test_a_service_that_is_not_one_fails_when_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "BUILT_IN", ("harness.mock.errors",))
    registry.services.cache_clear()
    try:
        with pytest.raises(ServicePluginError, match="harness.mock.errors.SERVICE"):
            registry.services()
    finally:
        monkeypatch.undo()
        registry.services.cache_clear()


def test_a_built_in_module_that_does_not_load_fails_naming_what_it_lacks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "broken_world_service.py").write_text("import no_such_dependency_of_a_service\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    with pytest.raises(ModuleNotFoundError, match="no_such_service"):
        registry._built_in("harness.mock.services.no_such_service")
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_of_a_service"):
        registry._built_in("broken_world_service")
