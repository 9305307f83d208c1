"""Imports name the npm package they need; shell that defines functions (a fork bomb) is commands."""

from __future__ import annotations

import pytest

from harness.runtimes.javascript import classify_js, package_of
from harness.runtimes.shell import classify_sh


@pytest.mark.parametrize(
    ("spec", "package"),
    [("hono", "hono"), ("hono/jsx", "hono"), ("@cloudflare/puppeteer", "@cloudflare/puppeteer"),
     ("@scope/pkg/sub/path", "@scope/pkg"), ("zod@3", "zod"), ("npm:stripe@14", "stripe"),
     ("https://esm.sh/hono@4/jsx", "hono"), ("https://esm.sh/v135/itty-router@5", "itty-router"),
     ("https://cdn.jsdelivr.net/npm/@scope/x@1/+esm", "@scope/x"), ("https://unpkg.com/lodash", "lodash"),
     ("https://example.com/lib.js", "https://example.com/lib.js"), ("jsr:@std/path", "jsr:@std/path")],
)
def test_the_package_an_import_names(spec: str, package: str) -> None:
    assert package_of(spec) == package


def test_no_reason_names_an_empty_package() -> None:
    absolute = classify_js('import x from "/lib/util.js";\nconsole.log(x);', {})
    assert absolute.reason == "fragment: imports `/lib/util.js`, a file of a larger project"
    cdn = classify_js('import { Hono } from "https://esm.sh/hono@4";\nconsole.log(new Hono());', {})
    assert cdn.reason == "not runnable: needs npm package `hono`, not installed for Node scripts"
    remote = classify_js('import x from "https://example.com/a.js";\nconsole.log(x);', {})
    assert remote.reason == "not runnable: imports `https://example.com/a.js` from the network, which the harness " \
                            "does not serve"


@pytest.mark.parametrize("code", [":(){ :|:& };:", "bomb() { bomb | bomb & }; bomb", "function f {\n  echo hi\n}\nf",
                                  "greet() {\n  echo \"hi $1\"\n}\ngreet you"])
def test_shell_that_defines_and_calls_functions_is_commands(code: str) -> None:
    found = classify_sh(code, {})
    assert (found.kind, found.reason) == ("shell", None)


@pytest.mark.parametrize("text", ["Hello world.", '{"a": 1}', "<html>", "200 OK"])
def test_output_stays_output(text: str) -> None:
    assert classify_sh(text, {}).reason == "not runnable: output or text, not commands"


def test_a_fork_bomb_fence_runs_as_written() -> None:
    from .support import hugo

    [snippet] = hugo("```sh\n:(){ :|:& };:\n```\n").snippets
    assert (snippet.skip_reason, snippet.options["kind"], snippet.code) == (None, "shell", ":(){ :|:& };:\n")
