"""Scenarios and OpenAPI documents from the project's configuration to every executor's mock."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from harness import config
from harness.errors import HarnessError
from harness.mock.errors import ServiceError
from harness.mock.scenarios import Scenario, parse_scenario, scenario_table
from harness.pipeline import RunOptions
from harness.run.docker.sidecar import OPENAPI_ENV_LIMIT, openapi_env
from harness.run.executors import mock_config

TOML = """
[tool.harness]
openapi = ["api/openapi.json"]

[[tool.harness.scenarios]]
pages = "workers-ai/errors/**"
tabs = ["Python", "curl"]
error = "rate-limit"

[[tool.harness.scenarios]]
models = ["@cf/meta/*"]
latency_ms = 250
"""


def load_sidecar() -> ModuleType:
    path = Path(__file__).parents[2] / "runners" / "mock" / "sidecar.py"
    spec = importlib.util.spec_from_file_location("harness_mock_sidecar", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_configuration_reads_scenarios_and_openapi_paths(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(TOML)
    found = config.load(start=tmp_path)

    rate, slow = found.scenarios
    assert (rate.pages, rate.tabs, rate.error and rate.error.code) == ("workers-ai/errors/**", ("Python", "curl"), 3036)
    assert (slow.models, slow.latency_ms, slow.error) == (("@cf/meta/*",), 250, None)
    assert found.openapi == (tmp_path / "api" / "openapi.json",)
    built = mock_config(RunOptions(config=found))
    assert built.scenarios == found.scenarios and built.openapi_docs == found.openapi


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ("[[tool.harness.scenarios]]\nerror = 'meteor'\n", "scenarios[0]: unknown error 'meteor'"),
        ("[tool.harness]\nscenarios = 3\n", "`scenarios` must be an array of tables"),
        ("[tool.harness]\nopenapi = [1]\n", "`openapi` must be a path or a list of paths"),
    ],
)
def test_bad_configuration_is_a_harness_error_naming_the_file(tmp_path: Path, toml: str, says: str) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)

    with pytest.raises(HarnessError, match="pyproject.toml") as raised:
        config.load(start=tmp_path)
    assert says in str(raised.value)


def test_scenarios_and_documents_travel_to_the_docker_sidecar(tmp_path: Path) -> None:
    scenarios = (
        parse_scenario({"pages": "a/*.md", "tabs": ["curl"], "error": "capacity", "latency_ms": 10}, "s"),
        Scenario(models=("@cf/x/*",), error=ServiceError(503, 9999, "down")),
    )
    document = {"openapi": "3.0.3", "paths": {"/ping": {"get": {"responses": {"200": {}}}}}}
    (tmp_path / "doc.json").write_text(json.dumps(document))
    sidecar = load_sidecar()
    packed = openapi_env((tmp_path / "doc.json",))
    out = tmp_path / "out"
    out.mkdir()

    assert tuple(parse_scenario(scenario_table(s), "s") for s in scenarios) == scenarios
    [path] = sidecar.openapi_from_env(packed, out)
    assert json.loads(path.read_text()) == document
    assert openapi_env(()) == "" and sidecar.openapi_from_env("", out) == ()


def test_documents_too_large_for_the_sidecar_say_so(tmp_path: Path) -> None:
    words = (hashlib.sha256(str(i).encode()).hexdigest() for i in range(OPENAPI_ENV_LIMIT // 20))
    noise = {f"/p{i}": {"get": {"description": word}} for i, word in enumerate(words)}
    (tmp_path / "big.json").write_text(json.dumps({"paths": noise}))

    with pytest.raises(HarnessError, match="passes at most"):
        openapi_env((tmp_path / "big.json",))
