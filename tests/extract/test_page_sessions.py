"""Page sessions, the plan: a fragment that an earlier block of the page completes says which line it
continues and carries the plan; one that nothing completes says so."""

from __future__ import annotations

import json

from harness.extract.sessions import defined_names
from harness.model import Snippet

from .support import PAGES, Extract, hugo, line_of

NOTEBOOK = PAGES / "extract15" / "notebook.md"


def test_notebook_cells_continue_the_cells_that_define_their_names(fixture_page: Extract) -> None:
    setup, call, show, orphan = fixture_page("extract15/notebook.md").snippets
    assert setup.skip_reason is None and "session" not in setup.options
    assert setup.line == line_of(NOTEBOOK, "import os")
    assert call.skip_reason == (f"fragment: continues line {setup.line} (uses `requests`, `account_id` and "
                                "`api_token`, defined there); runs in a page session")
    assert json.loads(call.options["session"]) == {
        "after": [setup.id], "defines_from": {"requests": setup.line, "account_id": setup.line,
                                               "api_token": setup.line}}
    # the plan runs the whole chain: the cell that defines `answer` needs the first cell too
    assert json.loads(show.options["session"])["after"] == [setup.id, call.id]
    assert show.skip_reason.startswith(f"fragment: continues line {call.line} (uses `answer`")
    assert orphan.skip_reason == "fragment: uses `summary`, never defined on this page"


def test_a_worker_step_continues_the_worker_before_it() -> None:
    text = (
        "```js\nexport default {\n  async fetch(request, env, ctx) {\n    return new Response('ok');\n  },\n};\n```\n\n"
        "Then, inside the handler:\n\n```js\nconst answer = await env.AI.run('@cf/x', {});\n"
        "console.log(answer);\nother.go();\n```\n"
    )
    worker, step = hugo(text).snippets
    assert step.skip_reason == ("fragment: uses `other`, never defined on this page (`env` from line "
                                f"{worker.line})")
    assert json.loads(step.options["session"]) == {"after": [worker.id], "defines_from": {"env": worker.line}}


def test_names_from_several_blocks_name_each_line() -> None:
    text = "```py\nimport requests\n```\n\n```py\ntoken = 'x'\n```\n\n"
    text += "```py\nrequests.get('https://x', auth=token)\n```\n"
    first, second, third = hugo(text).snippets
    assert third.skip_reason == (f"fragment: continues lines {first.line} and {second.line} (uses `requests` from "
                                 f"line {first.line}, `token` from line {second.line}); runs in a page session")


def test_tabs_of_one_group_are_alternatives_not_steps() -> None:
    text = ('<Tabs>\n<TabItem label="a">\n\n```py\nx = 1\n```\n\n</TabItem>\n<TabItem label="b">\n\n```py\n'
            'print(x)\n```\n\n</TabItem>\n</Tabs>\n')
    from .support import mdx

    _, alternative = mdx(text).snippets
    assert alternative.skip_reason == "fragment: uses `x`, never defined on this page"


def test_defined_names_by_language() -> None:
    def of(language: str, code: str) -> set[str]:
        return defined_names(Snippet("p::g1::1", "p", "g1", None, language, code, 1))

    assert of("py", "import os.path as p, json\nfrom x import (a, b as c)\nd = e = 1\nfor i in []: pass\n"
                    "def f(): y = 2\n!pip install z\n") == {"p", "json", "a", "c", "d", "e", "i", "f"}
    assert of("ts", "import { Hono } from 'hono';\nconst { a, b: c } = x;\nexport async function go() {}\n"
                    "export default { async fetch(request: Request, env: Env) {} }\n"
                    "app.get('/', async (ctx) => ctx.text('hi'));\n") == {
        "Hono", "a", "c", "go", "request", "env", "ctx"}
    assert of("sh", "export ZONE=1\nNAME=x curl y\n") == {"ZONE", "NAME"}


def test_blocks_of_one_tab_are_steps() -> None:
    from .support import mdx

    text = ('<Tabs>\n<TabItem label="api">\n\n```sh\nbody=\'{"a": 1}\'\n```\n\n```sh\ncurl -d "$body" https://x\n```\n\n'
            '</TabItem>\n<TabItem label="other">\n\n```sh\necho "$body"\n```\n\n</TabItem>\n</Tabs>\n')
    setter, step, alternative = mdx(text).snippets
    assert step.skip_reason == (f"fragment: continues line {setter.line} (uses `$body`, defined there); "
                                "runs in a page session")
    assert alternative.skip_reason == "fragment: uses `$body`, never set on this page"
