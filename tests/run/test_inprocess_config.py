"""The in-process executor's mock is configured as the local executor's: a page run under a scenario
and an OpenAPI document gets the same evidence and findings both ways."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from harness.config import Config
from harness.mock.inprocess import config_from_json, config_to_json
from harness.mock.scenarios import parse_scenario
from harness.mock.server import MockConfig
from harness.pipeline import RunOptions, execute, plan
from harness.run.executors import make_executor

from .test_inprocess import ACCOUNT, AUTH, URL, plain

FINETUNES = f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/finetunes"
DOCUMENT = {
    "openapi": "3.0.3",
    "servers": [{"url": "https://api.cloudflare.com/client/v4"}],
    "paths": {"/accounts/{account_id}/ai/finetunes": {"post": {"responses": {"200": {"content": {
        "application/json": {"example": {"success": True, "errors": [], "messages": [], "result": {"id": "ft-1"}}},
    }}}}}},
}
PAGE = f"""---
title: llama-3-8b-instruct
model:
  id: cf/meta/llama-3-8b-instruct
  params:
    - name: prompt
      type: string
---

{{{{<tabs labels="limited | plain | finetune">}}}}
{{{{<tab label="limited" default="true">}}}}

```python
import requests
r = requests.post("{URL}", headers={AUTH}, json={{"prompt": "hi"}})
print(r.status_code)
print(r.json()["result"]["response"])
```

{{{{</tab>}}}}
{{{{<tab label="plain">}}}}

```python
import requests
r = requests.post("{URL}", headers={AUTH}, json={{"prompt": "hi"}})
print(r.status_code, r.json()["result"]["response"][:20])
```

{{{{</tab>}}}}
{{{{<tab label="finetune">}}}}

```python
import httpx
r = httpx.post("{FINETUNES}", headers={AUTH}, json={{"model": "m", "name": "n"}})
print(r.status_code, r.json()["result"])
```

{{{{</tab>}}}}
{{{{</tabs>}}}}
"""


def page_results(root: Path, executor: str) -> list[dict[str, Any]]:
    """Each snippet of the page run under `executor`, with its configured mock: evidence and findings."""
    (root / "openapi.json").write_text(json.dumps(DOCUMENT))
    config = Config(scenarios=(parse_scenario({"pages": "*limits.md", "tabs": ["limited"], "error": "rate-limit"},
                                              "test"),),
                    openapi=(root / "openapi.json",))
    options = RunOptions(executor=executor, typecheck=False, config=config)
    the_plan = plan([str(root / "limits.md")], config)
    with make_executor(options) as running:
        results = execute(the_plan, running, options).results
    rows = []
    for result in results:
        ev = result.evidence
        assert ev is not None and ev.infra_error is None, result.reason
        rows.append({
            "label": result.snippet.label, "status": result.status.value, "exit_code": ev.exit_code,
            "stdout": plain(ev.stdout), "stderr": plain(ev.stderr),
            "requests": [dataclasses.replace(r, seq=0, at=0.0) for r in ev.requests],
            "findings": sorted((f.rule, f.line, f.severity.value, plain(f.message)) for f in result.findings),
        })
    return rows


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pages")
    (root / "limits.md").write_text(PAGE)
    return root


def test_a_scenario_and_an_openapi_document_answer_as_under_the_local_executor(page: Path) -> None:
    local = page_results(page, "local")
    assert [(r["label"], [q.status for q in r["requests"]]) for r in local] == [
        ("limited", [429]), ("plain", [200]), ("finetune", [200])]
    assert local[2]["stdout"] == "200 {'id': 'ft-1'}\n"
    assert page_results(page, "inprocess") == local


def test_the_warm_interpreter_gets_the_whole_configuration() -> None:
    config = MockConfig(account_id="a1", api_token="t1", hosts=("api.example.test",), max_body_bytes=10,
                        scenarios=(parse_scenario({"models": ["@cf/meta/*"], "latency_ms": 5}, "t"),
                                   parse_scenario({"pages": "p/**", "tabs": ["x"], "error": "capacity"}, "t")),
                        openapi_docs=(Path("/docs/openapi.json"),))
    assert config_from_json(config_to_json(config)) == config
