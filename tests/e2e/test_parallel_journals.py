"""Parallel journals under load: at `-j 16` on a small machine, 200 snippets that each send several
requests, and every recorded request is attributed to the snippet whose tag it carries.

Each snippet tags its requests with its own id (`p<page>-s<fence>-r<n>`) in the query and the body;
the test counts, per snippet, the requests the report gives it: exactly its own, all of them. A request
that went to another snippet, to none, or twice would show up as a wrong, missing or extra tag.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

PAGES = 40
FENCES = 5
"""40 pages of 5 snippets each: 200 snippets."""
REQUESTS = 3
"""Requests each snippet sends."""
URL = "https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct"
TAG = re.compile(r"p\d+-s\d+-r\d+")


def curl_fence(tag: str) -> str:
    return f"""```sh
for n in $(seq 1 {REQUESTS}); do
  curl -s -X POST "{URL}?tag={tag}-r$n" -H "Authorization: Bearer {{API_TOKEN}}" \\
    -H "Content-Type: application/json" -d "{{\\"prompt\\": \\"{tag}-r$n\\"}}"
done
```
"""


def python_fence(tag: str) -> str:
    return f"""```python
import requests

for n in range(1, {REQUESTS + 1}):
    r = requests.post("{URL}", params={{"tag": f"{tag}-r{{n}}"}}, json={{"prompt": f"{tag}-r{{n}}"}},
                      headers={{"Authorization": "Bearer {{API_TOKEN}}"}})
    print(r.json()["success"])
```
"""


def node_fence(tag: str) -> str:
    return f"""```js
for (let n = 1; n <= {REQUESTS}; n++) {{
  const r = await fetch(`{URL}?tag={tag}-r${{n}}`, {{
    method: "POST",
    headers: {{ Authorization: "Bearer {{API_TOKEN}}", "Content-Type": "application/json" }},
    body: JSON.stringify({{ prompt: `{tag}-r${{n}}` }}),
  }});
  console.log((await r.json()).success);
}}
```
"""


def write_pages(root: Path) -> dict[tuple[str, int], str]:
    """The pages, and the tag of each snippet by (page file, fence number). Every page has shell
    snippets and a Python one; every fourth a Node one too."""
    tags = {}
    for page in range(PAGES):
        fences = []
        for fence in range(FENCES):
            tag = f"p{page}-s{fence}"
            tags[(f"page{page:02d}.md", fence)] = tag
            if fence == 0:
                fences.append(python_fence(tag))
            elif fence == 1 and page % 4 == 0:
                fences.append(node_fence(tag))
            else:
                fences.append(curl_fence(tag))
        (root / f"page{page:02d}.md").write_text(f"# Page {page}\n\n" + "\n".join(fences))
    return tags


def request_tags(request: dict) -> set[str]:  # type: ignore[type-arg]
    """The tags a recorded request carries, in its URL and its JSON body."""
    return set(TAG.findall(request["url"])) | set(TAG.findall(json.dumps(request.get("json"))))


def test_every_request_belongs_to_its_own_snippet_at_j16(tmp_path: Path) -> None:
    tags = write_pages(tmp_path)
    out = tmp_path / "run.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", ".", "--executor", "local", "-j", "16",
                           "-q", "--no-cache", "--json", str(out)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(out.read_text())
    snippets = report["snippets"]
    assert len(snippets) == PAGES * FENCES
    assert report["summary"]["jobs"] == 16

    by_page: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for snippet in snippets:
        by_page.setdefault(snippet["page"], []).append(snippet)
    seen: Counter[str] = Counter()
    for page, page_snippets in by_page.items():
        for fence, snippet in enumerate(sorted(page_snippets, key=lambda s: s["line"])):
            tag = tags[(page, fence)]
            assert snippet["status"] == "passed", snippet
            carried = [request_tags(request) for request in snippet["requests"]]
            expected = [{f"{tag}-r{n}"} for n in range(1, REQUESTS + 1)]
            assert sorted(carried, key=sorted) == expected, f"{snippet['id']} ({tag}) was given {carried}"
            seen.update(t for ts in carried for t in ts)
    assert len(seen) == PAGES * FENCES * REQUESTS
    assert set(seen.values()) == {1}
