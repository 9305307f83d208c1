"""Blocks that only define: a lone request handler runs as the Worker that calls it, a Python module of
definitions runs with its defaulted functions called once (harness/extract/handler_calls.py,
py_definitions.py); type-only and assignment-only blocks keep a reason that says what they are."""

from __future__ import annotations

import json

from harness.extract import extract_page
from harness.extract.classify import classify
from harness.extract.handler_calls import RETURNED_HEADER, handlers
from harness.extract.py_definitions import callable_functions
from harness.extract.worker_program import LINE_MAP_OPTION, RAN_AS_OPTION, page_line
from harness.model import Snippet
from harness.worker_request import requests_for

from .support import REPO, hugo, line_of

PAGE = REPO / "fixtures" / "definitions" / "handlers.md"


def _blocks() -> dict[int, Snippet]:
    return {s.line: s for s in extract_page(PAGE, "handlers.md").snippets}


def test_request_handlers_are_told_by_name_parameter_or_type() -> None:
    code = ("const KEY = 1;\nasync function handlePost(request) {}\nfunction onEvent(r, env) {}\n"
            "const check = async (req) => req;\nconst verify = async function (input: Request) {};\n"
            "function helper(a, b) {}\nfunction handleNothing() {}\nfunction handleShape({ body }) {}\n")
    assert [(h.name, h.parameters) for h in handlers(code)] == [
        ("handlePost", ("request",)), ("onEvent", ("r", "env")), ("check", ("req",)), ("verify", ("input",))]


def test_a_lone_handler_runs_as_a_worker_that_calls_it_at_its_own_lines() -> None:
    blocks = _blocks()
    first = line_of(PAGE, 'const SECRET = "1x')
    submit = blocks[first]
    assert submit.skip_reason is None and submit.options["kind"] == "worker"
    assert "calls `handleSubmit(request)`" in submit.options[RAN_AS_OPTION]
    assert submit.code.startswith(submit.source.rstrip("\n") + "\n\nexport default {")
    assert "await handleSubmit(request);" in submit.code and RETURNED_HEADER in submit.code
    fetch_line = next(n for n, text in enumerate(submit.code.splitlines(), 1) if "request.formData()" in text)
    assert page_line(submit, fetch_line) == line_of(PAGE, "const form = await request.formData();")
    own_lines = len(submit.source.rstrip("\n").splitlines())
    assert json.loads(submit.options[LINE_MAP_OPTION]) == [[1, first, own_lines]]  # the written handler maps nowhere
    sent = requests_for(submit)[0]
    assert (sent.method, sent.body) == ("POST", "cf-turnstile-response=example")


def test_a_typescript_handler_gets_a_typed_fetch_handler() -> None:
    verify = _blocks()[line_of(PAGE, "const FAILING_SECRET")]
    assert verify.language == "ts" and "async fetch(request: Request, env: any, ctx: ExecutionContext)" in verify.code
    assert "const returned: unknown = await verify(request);" in verify.code


def test_a_handler_that_needs_more_than_the_request_keeps_a_reason_naming_it() -> None:
    save = _blocks()[line_of(PAGE, "async function handleSave")]
    assert save.skip_reason == ("not runnable: only defines request handler `handleSave`, which also takes "
                                "`database`: a Worker's fetch handler has no value to give it")
    assert save.code == save.source


def test_a_handler_the_block_calls_itself_is_a_helper_not_the_entry() -> None:
    page = hugo("```js\nasync function handle(request) { return new Response('x'); }\n"
                "async function onRoute(request) { return handle(request); }\n```\n")
    (snippet,) = page.snippets
    assert "await onRoute(request);" in snippet.code and "await handle(request);" not in snippet.code


def test_python_functions_with_only_defaults_are_called_once_after_the_block() -> None:
    assert callable_functions("def a(x=1, *, y=2):\n    pass\ndef b(x):\n    pass\nasync def c():\n    pass\n"
                              "def d():\n    a()\n") == ["d"]
    blocks = _blocks()
    greet = blocks[line_of(PAGE, 'def greet(name="World"):')]
    assert greet.skip_reason is None and greet.code.endswith("\n\ngreet()\n")
    assert greet.options[RAN_AS_OPTION].startswith("as a script: its imports and definitions run, then the harness "
                                                   "calls `greet()` once")
    store = blocks[line_of(PAGE, "import json")]
    assert store.code == store.source
    assert "nothing calls what it defines" in store.options[RAN_AS_OPTION]


def test_type_only_and_assignment_only_blocks_say_what_they_are() -> None:
    types = classify("export interface Env {\n  KV: KVNamespace;\n}\ntype Id = string;\n", "ts", {})
    assert types is not None and types.reason == ("not runnable: only declares TypeScript types `Env` and `Id`, "
                                                  "which compile to nothing: there is nothing to run")
    mixed = classify("interface Env { KV: KVNamespace }\nfunction helper(x: number) { return x; }\n", "ts", {})
    assert mixed is not None and mixed.reason == "not runnable: only defines `Env` and `helper`; nothing calls it"
    assignments = classify('TOKEN="abc"\nACCOUNT="x"\n', "sh", {})
    assert assignments is not None and assignments.reason == (
        "not runnable: only sets variables `ACCOUNT` and `TOKEN`, which nothing in it reads: "
        "run alone it has no effect")
