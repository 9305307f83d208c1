"""Annotations that make fragments runnable: a `prelude` block, or `kind` forced by the author."""

from __future__ import annotations

import json

from .support import hugo

NOTEBOOK = """\
<!-- harness: prelude -->
```py
import os
import requests

account_id = os.environ["CLOUDFLARE_ACCOUNT_ID"]
```

```py
response = requests.get(f"https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/models/search")
print(response.json())
```

```js
console.log(account_id.length);
```
"""


def test_a_prelude_goes_before_every_later_block_of_its_language() -> None:
    prelude, cell, js = hugo(NOTEBOOK).snippets
    assert prelude.options["prelude"] == "true"
    assert prelude.skip_reason == "not runnable: nothing at the top level runs"
    assert cell.code.startswith("import os\nimport requests\n\naccount_id = os.environ")
    assert cell.code.endswith('print(response.json())\n')
    assert (cell.skip_reason, cell.options["kind"]) == (None, "script")
    assert cell.options["env.CLOUDFLARE_ACCOUNT_ID"] == "023e105f4ecef8ad9ca31a8372d0c353"
    assert js.skip_reason == "fragment: uses `account_id`, never defined on this page"


def test_without_the_prelude_the_cell_is_a_fragment_that_continues_the_first() -> None:
    first, cell, _ = hugo(NOTEBOOK.replace("<!-- harness: prelude -->\n", "")).snippets
    assert cell.skip_reason == (f"fragment: continues line {first.line} (uses `requests` and `account_id`, defined "
                                "there); runs in a page session")
    assert json.loads(cell.options["session"]) == {
        "after": [first.id], "defines_from": {"requests": first.line, "account_id": first.line}}


def test_kind_given_by_the_author_wins() -> None:
    [snippet] = hugo("<!-- harness: kind=script -->\n```js\nconsole.log(env.AI);\n```\n").snippets
    assert (snippet.skip_reason, snippet.options["kind"]) == (None, "script")
