"""Synthetic docs trees for the benchmark.

`write_docs_tree` writes N pages, each the seed page (`fixtures/pages/seed.md`: its front matter and
five tabs: streaming and worker Workers, Node, Python, curl) with its prompts numbered so no two
pages are alike, followed by what real pages carry besides: a fragment, a JSON answer, program
output. `write_python_pages` writes N pages with one complete Python example each (the seed's
Python tab, with the values the mock accepts written in), which both the harness and
pytest-markdown-docs can run as they stand.
"""

from __future__ import annotations

from pathlib import Path

from harness.extract.placeholders import TEST_ACCOUNT_ID, TEST_API_TOKEN

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "pages" / "seed.md"
PAGES_PER_FOLDER = 100

EXTRA_BLOCKS = """
## More about the answer

A fragment, shown the way pages often show one (not runnable on its own):

```js
const answer = await ai.run(model, {{ prompt }});
```

The answer has this shape:

```json
{{"result": {{"response": "Once upon a time ({n})"}}, "success": true, "errors": [], "messages": []}}
```

And prints like this:

```txt
Once upon a time ({n})
```
"""

PYTHON_PAGE = """---
title: Python example {n}
---

# Text generation from Python ({n})

```python
import requests

API_BASE_URL = "https://api.cloudflare.com/client/v4/accounts/{account}/ai/run/"
headers = {{"Authorization": "Bearer {token}"}}

def run(model, prompt):
    input = {{
        "messages": [
            {{"role": "system", "content": "You are a friendly assistant"}},
            {{"role": "user", "content": prompt}},
        ]
    }}
    response = requests.post(f"{{API_BASE_URL}}{{model}}", headers=headers, json=input)
    return response.json()

output = run("@cf/meta/llama-2-7b-chat-int8", "Tell me story number {n}")
print(output)
```
"""


def seed_variant(seed: str, n: int) -> str:
    """The seed page as page `n`: the same tabs, asking numbered questions."""
    text = seed.replace("title: mistral-7b-instruct-v0.1", f"title: mistral-7b-instruct-v0.1 ({n})", 1)
    for prompt in ("Tell me a story", "What is the origin of the phrase Hello, World", "Why is pizza so good"):
        text = text.replace(prompt, f"{prompt} ({n})")
    return text + EXTRA_BLOCKS.format(n=n)


def _page_path(root: Path, n: int) -> Path:
    folder = root / f"section-{n // PAGES_PER_FOLDER:03d}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"page-{n:05d}.md"


def write_docs_tree(root: Path, pages: int) -> list[Path]:
    """`pages` variants of the seed page under `root` (100 a folder); the paths written."""
    seed = SEED.read_text(encoding="utf-8")
    written = []
    for n in range(pages):
        path = _page_path(root, n)
        path.write_text(seed_variant(seed, n), encoding="utf-8")
        written.append(path)
    return written


def write_python_pages(root: Path, pages: int) -> list[Path]:
    """`pages` pages of one runnable Python example each under `root`; the paths written."""
    written = []
    for n in range(pages):
        path = _page_path(root, n)
        path.write_text(PYTHON_PAGE.format(n=n, account=TEST_ACCOUNT_ID, token=TEST_API_TOKEN), encoding="utf-8")
        written.append(path)
    return written
