"""A synthetic docs tree the size of Cloudflare's, for `scripts/bench.py --scale`.

`write_scale_tree(root, pages)` writes `pages` pages (default 2,700, about 15,000 snippets), each one
of the project's own fixture pages (`TEMPLATES`: Hugo tabs, MDX tabs and `<Code>` components,
Worker bindings with their wrangler config, notebook-style sessions, shell and curl, the Cloudflare
API, third-party origins) made unique by its number, followed by what real pages carry besides
their examples (`APPENDIX`: a fragment that only makes sense beside the page's code, a JSON answer,
program output, a config excerpt), so that the mix is about the real corpus's: roughly a quarter of
the blocks run, a fifth are fragments and half are not code that runs (JSON, TOML, output).
Nothing of the corpus itself is copied: the templates are the project's fixtures.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
TEMPLATES = (
    "seed.md", "bindings/kv.md", "bindings/d1.md", "bindings/r2.md", "bindings/durable-object.md",
    "bindings/vars-secrets.md", "bindings/pages-function.md", "bindings/queue-ratelimit.md",
    "world/third-party.md", "world/worker-json.md", "world/worker-proxy.md", "cloudflare-api/crud.md",
    "cloudflare-api/graphql.md", "extract15/notebook.md", "extract15/wrangler-worker.md",
    "extract15/code-component.mdx", "extract15/api-request.mdx", "workers-ai/rest-api.md",
    "workers-ai/tabs-variants.md", "workers-ai/annotations.md", "workers-ai/bindings.mdx",
    "packages/clients.md", "packages/workers.md",
)
"""The fixture pages a scale tree is made of, in turn (relative to `fixtures/pages`)."""
SCALE_PAGES = 2700
"""Pages in the default scale tree (Cloudflare's docs: about 2,700 pages, 15,000 blocks)."""
PAGES_PER_FOLDER = 100

APPENDIX = (
    """
## Reading the answer ({n})

Inside the handler above, the answer is read like this:

```js
const found = await store.get("key-{n}");
```

It comes back as:

```json
{{"key": "key-{n}", "value": {n}, "success": true}}
```
""",
    """
## Output ({n})

Running it prints:

```txt
request {n} done in {n} ms
```

The matching configuration:

```toml
[vars]
RUN_NUMBER = "{n}"
```
""",
    """
## Checking the result ({n})

```sh
curl "https://example.com/items/{n}"
```

```json
{{"items": [{n}], "errors": []}}
```
""",
)
"""Blocks appended to page `n` (`APPENDIX[n % 3]`), numbered so that no two pages are alike."""


REFERENCE_HUGO = """---
title: Reference {n}
pcx_content_type: reference
---

# Options of call {n}

{{{{<tabs labels="request | response">}}}}
{{{{<tab label="request" default="true">}}}}

```json
{{"prompt": "question {n}", "max_tokens": {n}}}
```

{{{{</tab>}}}}
{{{{<tab label="response">}}}}

```json
{{"result": {{"response": "answer {n}"}}, "success": true}}
```

{{{{</tab>}}}}
{{{{</tabs>}}}}

Inside a Worker, the call is one line:

```js
const answer = await ai.run("@cf/meta/llama-3.1-8b-instruct", {{ prompt: "question {n}" }});
```

And its type:

```ts
const reply: AiTextGenerationOutput = await env.AI.run(model, inputs);
```

```toml
[ai]
binding = "AI"
```

```txt
answer {n}
```
"""

REFERENCE_MDX = """---
title: Reference {n}
pcx_content_type: reference
---

import {{ Tabs, TabItem }} from "~/components";

# Limits of call {n}

<Tabs>
<TabItem label="wrangler.toml">

```toml
name = "reference-{n}"
main = "src/index.ts"
```

</TabItem>
<TabItem label="wrangler.json">

```jsonc
{{ "name": "reference-{n}", "main": "src/index.ts" }}
```

</TabItem>
</Tabs>

Read a value inside the handler:

```js
const stored = await kv.get("item-{n}");
```

```py
result = response.json()["result"]
```

```txt
item-{n}
```
"""
"""Pages of reference (every other page of a scale tree): request and answer shapes, config,
fragments: what the real corpus has most of, and what does not run."""


def scale_page(template: str, n: int) -> str:
    """`template` (a fixture page's text) as page `n`: its title numbered, an appendix after it."""
    numbered, count = re.subn(r"^title: *(.*)$", lambda m: f"title: {m.group(1)} ({n})", template,
                              count=1, flags=re.MULTILINE)
    if not count:
        numbered = f"---\ntitle: Page {n}\n---\n\n{template}"
    return numbered.rstrip("\n") + "\n" + APPENDIX[n % len(APPENDIX)].format(n=n)


def write_scale_tree(root: Path, pages: int = SCALE_PAGES) -> list[Path]:
    """`pages` numbered fixture pages under `root` (100 a folder); the paths written."""
    templates = [(name, (FIXTURES / name).read_text(encoding="utf-8")) for name in TEMPLATES]
    written = []
    for n in range(pages):
        name, text = templates[(n // 2) % len(templates)]
        if n % 2:
            name, page = ("reference.mdx", REFERENCE_MDX) if n % 4 == 3 else ("reference.md", REFERENCE_HUGO)
            text = page.format(n=n)
        else:
            text = scale_page(text, n)
        folder = root / f"section-{n // PAGES_PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"page-{n:05d}{Path(name).suffix}"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def print_scale(result: dict[str, Any]) -> None:
    """The docs-scale figures of `scripts/bench.py --scale`: extraction, then the whole run by stage."""
    extraction, run = result["extraction"], result["run"]
    print(f"\nDocs scale: {run['pages']} pages, {run['snippets']} snippets ({run['runnable']} run), "
          f"{run['executor']} executor, -j {run['jobs']}")
    print(f"  extraction {extraction['seconds']:.1f} s ({extraction['pages_per_s']:.0f} pages/s, "
          f"{extraction['cpu_pages_per_s']:.0f} a CPU second), peak {extraction['rss_mb']:.0f} MB")
    print(f"  run: plan {run['plan_s']:.1f} s, run {run['run_s']:.1f} s, reports {run['reports_s']:.1f} s; "
          f"total {run['wall_s']:.1f} s = {run['snippets_per_s']:.1f} snippets/s; peak RSS {run['rss_mb']:.0f} MB "
          f"(planned {run['plan_rss_mb']:.0f} MB, run {run['run_rss_mb']:.0f} MB, then the reports); "
          f"statuses {run['statuses']}")
    print("  report sizes MB: " + ", ".join(f"{name} {size}" for name, size in run["report_mb"].items()))


def scale_line(result: dict[str, Any]) -> list[str]:
    """The docs-scale run in one line, for the bench's list of targets (none when it did not run)."""
    run = result.get("run")
    if not run:
        return []
    return [f"docs scale: {run['snippets']} snippets of {run['pages']} pages in {run['wall_s']:.0f} s "
            f"({run['snippets_per_s']:.1f} snippets/s), peak RSS {run['rss_mb']:.0f} MB (once run: "
            f"{run['run_rss_mb']:.0f} MB), reports written in {run['reports_s']:.1f} s"]
