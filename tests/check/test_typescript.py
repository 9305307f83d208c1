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


def test_node_scripts_are_checked_against_node_types_and_workers_against_workers_types() -> None:
    reads_process = "const key: string | undefined = process.env['CLOUDFLARE_API_KEY'];\nconsole.log(key);\n"
    script = Snippet(id="p.md::g1::node", page="p.md", group="g1", label="node", language="ts", code=reads_process,
                     line=5, source=reads_process, options={"kind": "script"})
    worker = Snippet(id="p.md::g1::worker", page="p.md", group="g1", label="worker", language="ts",
                     code=reads_process, line=20, source=reads_process, options={"kind": "worker"})
    found = typecheck([script, worker], default_runners_dir())
    # `process` is Node's: a Node script has it, a Worker (without nodejs_compat types) does not
    assert [(f.snippet_id, f.line, f.details["code"]) for f in found] == [("p.md::g1::worker", 20, "TS2591")]
    broken = "const count: number = 'three';\n"
    wrong = Snippet(id="p.md::g1::n2", page="p.md", group="g1", label="n2", language="ts", code=broken, line=9,
                    source=broken, options={"kind": "script"})
    assert [(f.line, f.details["code"]) for f in typecheck([wrong], default_runners_dir())] == [(9, "TS2322")]
