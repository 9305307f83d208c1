"""The pytest plugin as a user drives it: `pytest --harness PAGE` in a project of their own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "pages" / "seed.md"

GOOD_PAGE = """---
title: llama
model:
  id: "@cf/meta/llama-3-8b-instruct"
---

{{<tabs labels="python | curl">}}
{{<tab label="python">}}

```py
import requests
r = requests.post(
    "https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct",
    headers={"Authorization": "Bearer {API_TOKEN}"},
    json={"prompt": "hi"},
)
print(r.json()["result"]["response"])
```

{{</tab>}}
{{<tab label="curl">}}

```sh
curl https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct \\
  -H "Authorization: Bearer {API_TOKEN}" -H "Content-Type: application/json" \\
  -d '{"prompt": "hi"}'
```

{{</tab>}}
{{</tabs>}}

```json
{"not": "run"}
```
"""


@pytest.fixture
def docs(pytester: pytest.Pytester) -> Path:
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "good.md").write_text(GOOD_PAGE)
    (pytester.path / "docs" / "seed.md").write_text(SEED.read_text())
    return pytester.path / "docs"


def test_one_item_per_snippet_with_readable_ids(pytester: pytest.Pytester, docs: Path) -> None:
    result = pytester.runpytest("--harness-executor", "local", "--harness", "docs", "--collect-only", "-q")
    ids = [line for line in result.outlines if "::" in line]
    assert "docs/good.md::g1::python" in ids and "docs/good.md::g2::1" in ids
    assert "docs/seed.md::g1::streaming" in ids and len(ids) == 8


def test_failures_show_findings_with_page_lines(pytester: pytest.Pytester, docs: Path) -> None:
    result = pytester.runpytest("--harness-executor", "local", "--harness", "docs", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=5, skipped=1)
    result.stdout.fnmatch_lines([
        "*error REQ003 docs/seed.md:161 [[]curl] calls model @cf/meta/llama-2-7b-chat-int8, but the page "
        "documents @cf/mistral/mistral-7b-instruct-v0.1 (line 5)*",
    ])


def test_markers_and_keywords_select_snippets(pytester: pytest.Pytester, docs: Path) -> None:
    by_marker = pytester.runpytest("--harness-executor", "local", "--harness", "docs", "-m", "py")
    by_marker.assert_outcomes(passed=1, failed=1)
    by_keyword = pytester.runpytest("--harness-executor", "local", "--harness", "docs", "-k", "good and curl")
    by_keyword.assert_outcomes(passed=1)
    by_runner = pytester.runpytest("--harness-executor", "local", "--harness", "docs", "-m", "runner_worker")
    by_runner.assert_outcomes(failed=2)


def test_without_the_option_the_plugin_collects_nothing(pytester: pytest.Pytester, docs: Path) -> None:
    pytester.makepyfile("def test_x():\n    assert True\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_works_under_xdist(pytester: pytest.Pytester, docs: Path) -> None:
    result = pytester.runpytest("--harness-executor", "local", "--harness", "docs", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=5, skipped=1)


def test_an_unreadable_page_is_a_failing_item(pytester: pytest.Pytester, docs: Path) -> None:
    (docs / "broken.md").write_text("# Broken\n\n```py\nprint('never closed')\n")
    result = pytester.runpytest("--harness-executor", "local", "--harness", "docs/broken.md", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*docs/broken.md:3: unclosed code fence opened at line 3*"])


ODD_TAB_FIRST = """# Odd tab first

{{<tabs labels="python | requests | curl">}}
{{<tab label="python">}}

```py
import requests
requests.post("https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/mistral/mistral-7b-instruct-v0.1",
              headers={"Authorization": "Bearer {API_TOKEN}"}, json={"prompt": "hi"})
```

{{</tab>}}
{{<tab label="requests">}}

```py
import requests
requests.post("https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct",
              headers={"Authorization": "Bearer {API_TOKEN}"}, json={"prompt": "hi"})
```

{{</tab>}}
{{<tab label="curl">}}

```sh
curl https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct \\
  -H "Authorization: Bearer {API_TOKEN}" -H "Content-Type: application/json" -d '{"prompt": "hi"}'
```

{{</tab>}}
{{</tabs>}}
"""


def test_a_group_finding_fails_the_last_item_of_its_group(pytester: pytest.Pytester) -> None:
    """The odd tab out ran before its group was complete: its PAR001 fails the group's last item."""
    (pytester.path / "odd.md").write_text(ODD_TAB_FIRST)
    (pytester.path / "harness.toml").write_text('[rules]\nPAR001 = "error"\n')
    result = pytester.runpytest("--harness-executor", "local",
                                "--harness", "odd.md", "--harness-no-cache", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*odd.md::g1::curl*", "its tab group and page:",
                                 "*error PAR001 odd.md:* [[]python] differs from the other tabs*"])


def test_under_xdist_the_workers_parts_make_one_report(pytester: pytest.Pytester, docs: Path) -> None:
    out = pytester.path / "report.json"
    result = pytester.runpytest("--harness-executor", "local",
                                "--harness", "docs", "-n", "2", "--harness-json", str(out),
                                "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=5, skipped=1)
    report = json.loads(out.read_text())
    assert sorted(s["id"] for s in report["snippets"]) == sorted(
        line for line in pytester.runpytest("--harness-executor", "local",
                                            "--harness", "docs", "--collect-only", "-q").outlines if "::" in line)
    assert [(f["rule"], f["page"]) for f in report["page_findings"]] == [("PAGE001", "docs/seed.md")]  # judged once
    assert report["summary"]["failed"] == 5 and report["summary"]["passed"] == 2
