"""`harness run` and `pytest --harness` are one Session: the same page run both ways gives the same
statuses and findings (group, page and TypeScript ones included), with the same configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
COMPARE = ROOT / "scripts" / "compare_runs.py"
LLAMA = "@cf/meta/llama-3-8b-instruct"

PAGE = """---
title: parity
model:
  id: "@cf/meta/llama-3-8b-instruct"
  params:
    - name: prompt
    - name: seed
---

{{<tabs labels="python | requests | curl">}}
{{<tab label="python">}}

```py
import requests
r = requests.post(
    "https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct",
    headers={"Authorization": "Bearer {API_TOKEN}"}, json={"prompt": "hi"},
)
print(r.json()["result"]["response"])
```

{{</tab>}}
{{<tab label="requests">}}

```py
import requests
r = requests.post(
    "https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct",
    headers={"Authorization": "Bearer {API_TOKEN}"}, json={"prompt": "hi"},
)
print(r.status_code)
```

{{</tab>}}
{{<tab label="curl">}}

```sh
curl https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/mistral/mistral-7b-instruct-v0.1 \\
  -H "Authorization: Bearer {API_TOKEN}" -H "Content-Type: application/json" -d '{"prompt": "hi"}'
```

{{</tab>}}
{{</tabs>}}

```
a fence without a language: a warning about the page
```
"""

CONFIG = """[tool.harness.rules]
PAR001 = "error"
PAGE001 = "error"

[[tool.harness.scenarios]]
pages = "*parity.md"
tabs = ["requests"]
error = "rate-limit"
"""


def cli_report(cwd: Path, *args: str) -> dict[str, Any]:
    out = cwd / "cli.json"
    subprocess.run([sys.executable, "-m", "harness.cli", "run", *args, "--no-cache", "-q", "--json", str(out)],
                   cwd=cwd, capture_output=True, text=True, timeout=600)
    report: dict[str, Any] = json.loads(out.read_text())
    return report


def pytest_report(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    out = pytester.path / "pytest.json"
    result = pytester.runpytest("--harness", *args, "--harness-no-cache", "--harness-json", str(out),
                                "-p", "no:cacheprovider")
    report: dict[str, Any] = json.loads(out.read_text())
    return result, report


def same_verdicts(tmp: Path, cli: dict[str, Any], by_pytest: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    (tmp / "a.json").write_text(json.dumps(cli))
    (tmp / "b.json").write_text(json.dumps(by_pytest))
    return subprocess.run([sys.executable, str(COMPARE), str(tmp / "a.json"), str(tmp / "b.json"), "--messages"],
                          capture_output=True, text=True, timeout=60)


def rules(report: dict[str, Any]) -> list[str]:
    return sorted(f["rule"] for s in report["snippets"] for f in s["findings"]) + sorted(
        f["rule"] for f in report["page_findings"])


def test_a_page_run_both_ways_gives_the_same_findings(pytester: pytest.Pytester) -> None:
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "parity.md").write_text(PAGE)
    (pytester.path / "pyproject.toml").write_text(CONFIG)
    cli = cli_report(pytester.path, "docs")
    result, by_pytest = pytest_report(pytester, "docs")

    compared = same_verdicts(pytester.path, cli, by_pytest)
    assert compared.returncode == 0, compared.stdout
    assert {"PAR001", "PAGE001", "REQ003"} <= set(rules(by_pytest))
    requests_tab = next(s for s in by_pytest["snippets"] if s["label"] == "requests")
    assert [r["status"] for r in requests_tab["requests"]] == [429]  # the scenario of [tool.harness]
    # requests is answered 429 (REQ002); curl's wrong model (REQ003) and the group's PAR001 (an error
    # here) are its own, and the page's PAGE001 fails it too, the last item of the page; python passes.
    result.assert_outcomes(passed=1, failed=2, skipped=1)  # skipped: the fence without a language
    result.stdout.fnmatch_lines(["*docs/parity.md::g1::curl*", "*error PAR001 docs/parity.md:38 [[]curl] differs*",
                                 "its tab group and page:", "*error PAGE001 docs/parity.md:7 *`seed`*"])
    result.stdout.fnmatch_lines(["*warnings summary*", "*docs/parity.md:45: code fence has no language, not run*"])


def test_typescript_findings_come_under_pytest_too(pytester: pytest.Pytester) -> None:
    seed = ROOT / "fixtures" / "pages" / "seed.md"
    (pytester.path / "seed.md").write_text(seed.read_text())
    cli = cli_report(pytester.path, "seed.md")
    _, by_pytest = pytest_report(pytester, "seed.md")
    assert "TS001" in rules(by_pytest)
    compared = same_verdicts(pytester.path, cli, by_pytest)
    assert compared.returncode == 0, compared.stdout


def test_the_shared_seeds_give_the_same_rule_codes_both_ways(pytester: pytest.Pytester) -> None:
    assert SEEDS.is_dir(), f"the shared seeds are missing at {SEEDS}: this test needs ../shared beside the repo"
    cli = cli_report(pytester.path, str(SEEDS))
    _, by_pytest = pytest_report(pytester, str(SEEDS))
    assert rules(cli) == rules(by_pytest) and {"REQ003", "PAGE001"} <= set(rules(cli))
    assert same_verdicts(pytester.path, cli, by_pytest).returncode == 0
