"""TS001: TypeScript examples type-checked against the Workers types, errors at their page line."""

from __future__ import annotations

from harness.check.typescript import typecheck
from harness.model import Snippet
from harness.run.registry import default_runners_dir

WORKER = """import { Ai } from "@cloudflare/ai";

export default {
  async fetch(request: Request, env: { AI: any }): Promise<Response> {
    const ai = new Ai(env.AI);
    const answer = await ai.run("@cf/meta/llama-3-8b-instruct", { prompt: "hi" });
    return Response.json(answer);
  },
};
"""


def ts(code: str, line: int, label: str) -> Snippet:
    return Snippet(id=f"p.md::g1::{label}", page="p.md", group="g1", label=label, language="ts", code=code,
                   line=line, source=code)


def test_correct_worker_has_no_type_error_and_wrong_one_is_located() -> None:
    broken = "const count: number = 'three';\nconsole.log(cout);\n"
    found = typecheck([ts(WORKER, 10, "worker"), ts(broken, 40, "node")], default_runners_dir())
    assert [(f.snippet_id, f.line, f.details["code"]) for f in found] == [
        ("p.md::g1::node", 40, "TS2322"), ("p.md::g1::node", 41, "TS2552")]
    assert found[0].message.startswith("p.md:40 [node] does not type-check: TS2322 Type 'string'")


def test_missing_packages_are_not_type_errors() -> None:
    code = 'import { thing } from "not-installed-anywhere";\nconsole.log(thing);\n'
    assert typecheck([ts(code, 1, "x")], default_runners_dir()) == []


def test_only_typescript_is_checked() -> None:
    js = Snippet(id="p.md::g1::js", page="p.md", group="g1", label="js", language="js", code="const x: = ;", line=1)
    assert typecheck([js], default_runners_dir()) == []
