"""A Durable Object whose class is not on the page runs against a stand-in (when the block can run with
one honestly), and a block that only defines a Durable Object class runs through a namespace."""

from __future__ import annotations

import json

import pytest

from harness.extract.durable_class import durable_class
from harness.extract.durable_stand_in import STAND_IN_OPTION, CannotStandIn, stub_methods
from harness.extract.page import extract_page
from harness.extract.worker_program import page_line
from harness.model import Snippet
from harness.runtimes.worker_bindings import simulated

from .support import REPO, line_of

STAND_IN = REPO / "fixtures" / "standin"


def snippets(name: str) -> dict[int, Snippet]:
    path = STAND_IN / name
    return {s.line: s for s in extract_page(path, f"fixtures/standin/{name}").snippets}


@pytest.mark.parametrize(
    ("code", "methods"),
    [
        ('const a = env.X.idFromName("a");\nconst b = env.X.newUniqueId();', []),
        ('const stub = env.X.get(env.X.newUniqueId());\nreturn stub.fetch(request);', []),
        ('let stub = env.X.getByName("a")\nawait stub.ping(1)\nlet r = await stub.fetch(request)\nreturn r', ["ping"]),
        ('await env.X.getByName("a").arrive("ada");\nreturn new Response(env.X.getByName("a").id.toString());',
         ["arrive"]),
    ],
)
def test_the_methods_a_stand_in_must_answer(code: str, methods: list[str]) -> None:
    assert stub_methods(code, ["X"]) == {"X": methods}


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ('const n = await env.X.getByName("a").count();', "uses what `X.getByName(…).count()` answers"),
        ('const stub = env.X.getByName("a");\nreturn Response.json({ n: await stub.count() });',
         "uses what `stub.count()` answers"),
        ('const r = await env.X.getByName("a").fetch(request);\nreturn Response.json(await r.json());',
         "uses what `X.getByName(…).fetch()` answers"),
        ('const stub = env.X.getByName("a");\nawait helper(stub);', "hands the stub `stub` of Durable Object"),
        ('const eu = env.X.jurisdiction("eu");', "calls `jurisdiction` on Durable Object namespace `X`"),
        ('const id = env.X.newUniqueId({ jurisdiction: "eu" });', "calls `newUniqueId` on Durable Object namespace"),
    ],
)
def test_what_a_stand_in_cannot_answer_is_said(code: str, reason: str) -> None:
    with pytest.raises(CannotStandIn) as raised:
        stub_methods(code, ["X"])
    assert reason in str(raised.value)


def test_the_blocks_of_a_page_without_the_class_run_against_the_stand_in() -> None:
    page = STAND_IN / "durable-elsewhere.md"
    found = snippets("durable-elsewhere.md")
    ids, handed_on, pages_function, answer_used, eu = (found[line] for line in sorted(found))
    assert [s.skip_reason for s in (ids, handed_on, pages_function)] == [None, None, None]
    assert json.loads(handed_on.options[STAND_IN_OPTION]) == {"ROOMS": ["arrive"]}
    assert handed_on.options["ran_as"] == (
        "the class of `ROOMS` is not on this page; a stand-in answered (Miniflare's namespace, a class of the "
        "harness's: `fetch` answers 200 text/plain naming it; `arrive` returns undefined; each call recorded)")
    assert ids.options["ran_as"].startswith("as the body of a fetch handler; the class of `ROOMS` is not on this page")
    assert answer_used.skip_reason is not None and "uses what `ROOMS.getByName(…).occupants()` answers" in \
        answer_used.skip_reason
    assert eu.skip_reason is not None and "Jurisdiction restrictions are not implemented in workerd." in eu.skip_reason
    assert eu.line == line_of(page, 'env.ROOMS.jurisdiction("eu")')
    assert simulated(pages_function, pages=True) == [
        {"type": "durable_object_namespace", "name": "ROOMS", "stand_in": True, "methods": []}]


def test_durable_object_classes_are_told_from_other_classes() -> None:
    assert durable_class("export class Room {\n  constructor(state, env) {}\n}") == "Room"
    assert durable_class("export class Room {\n  constructor(ctx: DurableObjectState, env: Env) {}\n}") == "Room"
    assert durable_class("export class Room extends DurableObject {\n  hello() {}\n}") == "Room"
    assert durable_class("export class Parser {\n  constructor(text) {}\n}") is None
    assert durable_class("class Room {\n  constructor(state, env) {}\n}") is None  # not exported: not bindable


def test_a_class_alone_runs_through_the_namespace_the_page_configures() -> None:
    page = STAND_IN / "durable-class.md"
    found = snippets("durable-class.md")
    starts, answers, throws = (found[line] for line in sorted(found) if found[line].language == "js")
    assert [s.skip_reason for s in (starts, answers, throws)] == [None, None, None]
    bound = json.loads(answers.options["bindings"])
    assert bound == [{"type": "durable_object_namespace", "name": "VISITS", "class_name": "VisitCounter"}]
    config_line = line_of(page, 'name = "visits"')
    assert answers.options["bindings_from"] == f"fixtures/standin/durable-class.md:{config_line}"
    assert 'const stub = env.VISITS.getByName("harness");' in answers.code
    assert answers.options["ran_as"].endswith("got a stub with `getByName(\"harness\")` and sent it the request; "
                                              "its fetch answered")
    assert "has no fetch handler" in starts.options["ran_as"] and "does not export a fetch() function" in starts.code
    assert page_line(answers, 1) == line_of(page, "export class VisitCounter", 2)  # the class at its own line
    assert json.loads(throws.options["bindings"])[0]["name"] == "GREETER"  # no configuration names it
    assert "(a name the harness chose)" in throws.options["ran_as"]
