"""Regression diff on two recorded runs of a page that changed in between."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from harness.report import diff

ROOT = Path(__file__).resolve().parents[2]
URL = "https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct"


def page(python_body: str, curl_model: str = "llama-3-8b-instruct", extra: str = "") -> str:
    return f"""---
title: llama
model:
  id: "@cf/meta/llama-3-8b-instruct"
---

{{{{<tabs labels="python | curl">}}}}
{{{{<tab label="python">}}}}

```py
import requests
r = requests.post("{URL}", headers={{"Authorization": "Bearer {{API_TOKEN}}"}}, json={python_body})
print(r.json()["result"]["response"])
```

{{{{</tab>}}}}
{{{{<tab label="curl">}}}}

```sh
curl {URL.replace("llama-3-8b-instruct", curl_model)} -H "Authorization: Bearer {{API_TOKEN}}" \\
  -H "Content-Type: application/json" -d '{{"prompt": "hi"}}'
```

{{{{</tab>}}}}
{{{{</tabs>}}}}
{extra}"""


def harness(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_two_runs_classified(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(page('{"prompt": "hi"}', curl_model="llama-2-7b-chat-int8"))
    (docs / "gone.md").write_text("```py\nprint('bye')\n```\n")
    assert harness("run", "docs", "--executor", "local", "--json", "old.json", "-q", cwd=tmp_path).returncode == 1
    (docs / "gone.md").unlink()
    new_fence = "\n```py\nprint('new')\n```\n"
    (docs / "a.md").write_text(page('{"prompt": "hi", "max_tokens": 9}', extra=new_fence))
    harness("run", "docs", "--executor", "local", "--json", "new.json", "-q", cwd=tmp_path)

    changes = {c.snippet_id: c for c in diff.diff(diff.load(tmp_path / "old.json"), diff.load(tmp_path / "new.json"))}
    assert changes["docs/a.md::g1::curl"].kind == "fixed"
    assert changes["docs/a.md::g1::python"].kind == "unchanged"
    assert changes["docs/a.md::g1::python"].requests_changed
    assert changes["docs/a.md::g2::1"].kind == "new"
    assert changes["docs/gone.md::g1::1"].kind == "removed"
    assert not diff.regressed(list(changes.values()))
    done = harness("diff", "old.json", "new.json", cwd=tmp_path)
    assert done.returncode == 0 and "fixed (1):" in done.stdout and "requests changed (2):" in done.stdout


def test_a_new_failure_is_a_regression_with_exit_1(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(page('{"prompt": "hi"}'))
    assert harness("run", "docs", "--executor", "local", "--json", "old.json", "-q", cwd=tmp_path).returncode == 0
    (docs / "a.md").write_text(page('{"nonsense": 1}'))
    done = harness("run", "docs", "--executor", "local", "--baseline", "old.json", "--json", "new.json", "-q",
                   cwd=tmp_path)
    assert done.returncode == 1
    assert "new failure (1):" in done.stdout and "docs/a.md::g1::python  passed -> failed" in done.stdout
    new = json.loads((tmp_path / "new.json").read_text())
    assert [s["status"] for s in new["snippets"]] == ["failed", "passed"]


def test_diff_of_a_file_that_is_not_a_report(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{}")
    done = harness("diff", "x.json", "x.json", cwd=tmp_path)
    assert done.returncode == 2 and "not a harness JSON report" in done.stderr
