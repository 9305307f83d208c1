"""`--retries`: a snippet that fails once and then passes is flaky, not failed; requests per attempt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

URL = "https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct"


def flaky_page(marker: Path) -> str:
    return f"""```py
import os, sys, requests
r = requests.post("{URL}", headers={{"Authorization": "Bearer {{API_TOKEN}}"}}, json={{"prompt": "hi"}})
print(r.json()["success"])
if not os.path.exists("{marker}"):
    open("{marker}", "w").close()
    sys.exit("first run fails")
```
"""


def run(tmp_path: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    out = tmp_path / "r.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", "page.md", "--executor", "local", "-q",
                           "--json", str(out), *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    return done.returncode, json.loads(out.read_text())


def test_passes_on_retry_is_flaky(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(flaky_page(tmp_path / "marker"))
    code, report = run(tmp_path, "--retries", "2")
    [snippet] = report["snippets"]
    assert (code, snippet["status"], snippet["flaky"], snippet["attempts"]) == (0, "passed", True, 2)
    assert len(snippet["requests"]) == 1  # the passing attempt's own requests only
    assert report["summary"]["flaky"] == 1


def test_without_retries_it_fails(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(flaky_page(tmp_path / "marker"))
    code, report = run(tmp_path)
    assert (code, report["snippets"][0]["status"], report["snippets"][0]["flaky"]) == (1, "failed", False)
