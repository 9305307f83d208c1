"""Pages for what sessions and bindings cost (`harness.bench.costs`), written by the bench.

Each page has a label (its file name: `page_path`); page `n` of every label is in folder `n`.

Sessions (`write_session_tree`): for each kind, Python (a notebook-style session:
`runners/python/session_driver.py`), shell (`runners/shell/session_driver.sh`) and Worker (steps combined
into one program at extraction), N pages `KIND-session` of a setup block and `steps` blocks that build on
it, and N pages `KIND-standalone` of the same code as a reader runs it alone: each step with the setup it
needs (Python, shell), or the very program a combined Worker step runs (`write_worker_standalone`, from
the session pages' plan), on pages that opt out of sessions.

Bindings (`write_binding_tree`): N pages for each of KV, D1, R2, a Durable Object, Vectorize and AI (a
wrangler.toml block and a Worker that uses the binding), and N `plain` pages of the seed page's `worker`
tab, the Worker the warm Worker target is measured on.
"""

from __future__ import annotations

import re
from pathlib import Path

from harness.bench.corpus import SEED
from harness.extract.placeholders import TEST_ACCOUNT_ID, TEST_API_TOKEN
from harness.pipeline import plan

SESSION_KINDS = ("python", "shell", "worker")
"""The session kinds measured, each a folder of the session tree."""
BINDINGS = ("kv", "d1", "r2", "durable_object", "vectorize", "ai")
"""The bindings measured, each a folder of the binding tree (beside `plain`)."""
PLAIN = "plain"

_FENCE = {"python": "python", "shell": "sh", "worker": "js"}
_SETUP = {
    "python": f"""import requests

API_BASE_URL = "https://api.cloudflare.com/client/v4/accounts/{TEST_ACCOUNT_ID}/ai/run/"
headers = {{"Authorization": "Bearer {TEST_API_TOKEN}"}}""",
    "shell": 'model="@cf/meta/llama-3-8b-instruct"\nquestion="What is a shell variable"',
    "worker": """const MODEL = "@cf/meta/llama-3-8b-instruct";

async function ask(env, prompt) {
  const { response } = await env.AI.run(MODEL, { prompt });
  return response;
}

export default {
  async fetch(request, env) {
    return new Response(await ask(env, "Hello {n}"));
  },
};""",
}
_STEP = {
    "python": """response = requests.post(API_BASE_URL + "@cf/meta/llama-3-8b-instruct", headers=headers,
                         json={{"prompt": "Question {n}.{i}"}})
print(response.json()["result"]["response"])""",
    "shell": """curl -s "https://api.cloudflare.com/client/v4/accounts/$CLOUDFLARE_ACCOUNT_ID/ai/run/$model" \\
  -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\
  -d "{{\\"prompt\\": \\"$question ({n}.{i})\\"}}\"""",
    "worker": """const text = await ask(env, "Question {n}.{i}");
return new Response(text);""",
}
_BINDING_CONFIG = {
    "kv": '[[kv_namespaces]]\nbinding = "NOTES"\nid = "5b1e3c0d8f2a4e6b9c7d1a2b3c4d5e6f"',
    "d1": '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "notes"\n'
          'database_id = "8d3b5f7a-1c2e-4f60-9a8b-7c6d5e4f3a2b"',
    "r2": '[[r2_buckets]]\nbinding = "BUCKET"\nbucket_name = "notes"',
    "durable_object": '[[durable_objects.bindings]]\nname = "COUNTER"\nclass_name = "Counter"\n\n'
                      '[[migrations]]\ntag = "v1"\nnew_classes = ["Counter"]',
    "vectorize": '[[vectorize]]\nbinding = "INDEX"\nindex_name = "notes-index"',
    "ai": '[ai]\nbinding = "AI"',
}
_BINDING_BODY = {
    "kv": 'await env.NOTES.put("greeting", "hello {n}");\n    return new Response(await env.NOTES.get("greeting"));',
    "d1": 'const row = await env.DB.prepare("SELECT ? AS page").bind({n}).first();\n    return Response.json(row);',
    "r2": 'await env.BUCKET.put("note.txt", "hello {n}");\n    const object = await env.BUCKET.get("note.txt");\n'
          '    return new Response(await object.text());',
    "durable_object": 'const stub = env.COUNTER.get(env.COUNTER.idFromName("page {n}"));\n'
                      '    return stub.fetch(request);',
    "vectorize": 'const values = Array.from({{ length: 32 }}, (_, i) => ((i + {n}) % 7) / 7);\n'
                 '    await env.INDEX.upsert([{{ id: "{n}", values }}]);\n'
                 '    return Response.json(await env.INDEX.query(values, {{ topK: 1 }}));',
    "ai": 'const answer = await env.AI.run("@cf/meta/llama-3-8b-instruct", {{ prompt: "Hello {n}" }});\n'
          '    return Response.json(answer);',
}
_COUNTER = """export class Counter {
  constructor(state) {
    this.state = state;
  }

  async fetch() {
    const count = ((await this.state.storage.get("count")) || 0) + 1;
    await this.state.storage.put("count", count);
    return new Response(String(count));
  }
}

"""


def _page(title: str, blocks: list[tuple[str, str]], session_off: bool = False) -> str:
    head = f"---\ntitle: {title}\n" + ("harness:\n  session: off\n" if session_off else "") + "---\n\n"
    return head + f"# {title}\n" + "".join(f"\nStep {i}.\n\n```{fence}\n{code}\n```\n"
                                            for i, (fence, code) in enumerate(blocks))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def page_path(root: Path, n: int, label: str) -> Path:
    """Page `n` of `label` (a kind and mode, `python-session`, or a binding): every label's page `n` in
    one folder, so that a run, which goes folder by folder, interleaves the labels."""
    return root / f"{n:03d}" / f"{label}.md"


def label_of(page: str) -> str:
    """The label of a page written here (its name without `.md`)."""
    return Path(page).stem


def write_session_tree(root: Path, pages: int, steps: int = 3) -> None:
    """Session and standalone pages of each kind (`KIND-session`, `KIND-standalone`) for pages 0..`pages`-1."""
    for n in range(pages):
        for kind in SESSION_KINDS:
            fence = _FENCE[kind]
            setup = _SETUP[kind].replace("{n}", str(n))
            cells = [_STEP[kind].format(n=n, i=i) for i in range(1, steps + 1)]
            _write(page_path(root, n, f"{kind}-session"),
                   _page(f"{kind} session {n}", [(fence, setup)] + [(fence, cell) for cell in cells]))
            if kind != "worker":
                _write(page_path(root, n, f"{kind}-standalone"), _page(
                    f"{kind} standalone {n}", [(fence, f"{setup}\n\n{cell}") for cell in cells], session_off=True))
    write_worker_standalone(root, pages)


def write_worker_standalone(root: Path, pages: int) -> None:
    """Beside each Worker session page, a page (`worker-standalone`) with, as blocks of their own, the
    programs its blocks run as (a combined step's whole program)."""
    sessions = [str(page_path(root, n, "worker-session")) for n in range(pages)]
    by_page: dict[str, list[str]] = {}
    for job in plan(sessions).jobs:
        by_page.setdefault(job.snippet.page, []).append(job.snippet.code)
    for page, programs in sorted(by_page.items()):
        _write(Path(page).with_name("worker-standalone.md"), _page(
            f"worker standalone {Path(page).parent.name}", [("js", code) for code in programs], session_off=True))


def plain_worker(n: int) -> str:
    """The seed page's `worker` tab (the Worker the warm Worker target is measured on), asking question `n`."""
    seed = SEED.read_text(encoding="utf-8")
    tab = seed.split('{{<tab label="worker">}}', 1)[1]
    code = re.search(r"```ts\n(.*?)```", tab, re.DOTALL)
    if code is None:
        raise ValueError(f"{SEED}: no ts block in its worker tab")
    return code.group(1).replace("Hello, World", f"Hello, World ({n})").rstrip("\n")


def write_binding_tree(root: Path, pages: int, bindings: tuple[str, ...] = BINDINGS) -> None:
    """For pages 0..`pages`-1, a page of the plain Worker and of a Worker per binding (each labelled by its
    binding; `bindings=()`: the plain Worker only)."""
    for n in range(pages):
        _write(page_path(root, n, PLAIN), _page(f"plain Worker {n}", [("ts", plain_worker(n))]))
        for binding in bindings:
            config = f'name = "bench-{binding}"\nmain = "src/index.js"\ncompatibility_date = "2024-09-23"\n\n' \
                     + _BINDING_CONFIG[binding]
            worker = (_COUNTER if binding == "durable_object" else "") + "export default {\n" \
                + "  async fetch(request, env) {\n    " + _BINDING_BODY[binding].format(n=n) + "\n  },\n};"
            _write(page_path(root, n, binding), _page(
                f"{binding} Worker {n}", [('toml title="wrangler.toml"', config), ("js", worker)]))
