"""Node snippets in spare processes (`harness.run.local.node_spares`): a snippet run in a spare sees
what it sees in a fresh process, and nothing one snippet does reaches the next."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from harness.model import Snippet
from harness.run.base import Outcome
from harness.run.local.executor import LocalExecutor
from harness.run.local.node_spares import NodeSpares
from harness.run.registry import default_runners_dir, runners

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
URL = f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/run/@cf/meta/llama-3-8b-instruct"
FETCH = f"""const r = await fetch("{URL}", {{ method: "POST",
  headers: {{ Authorization: "Bearer harness-test-token", "content-type": "application/json" }},
  body: JSON.stringify({{ prompt: "hi" }}) }});
console.log(r.status, (await r.json()).success);
"""

INTROSPECT = r"""const fs = require("node:fs"), os = require("node:os"), path = require("node:path");
const https = require("node:https"), Module = require("node:module");
const work = path.dirname(process.argv[2]);
const hide = (s) => String(s).split(work).join("<work>").replace(/\/\/[^:@/]+:x@/, "//<token>:x@");
const fds = fs.readdirSync("/proc/self/fd").map((fd) => {
  try { return fs.readlinkSync(`/proc/self/fd/${fd}`).replace(/\d+/g, "N"); } catch { return "gone"; }
}).sort();
setTimeout(() => console.log(JSON.stringify({  // once what the start left in flight (a file's close) is done
  cwd: hide(process.cwd()), argv: process.argv.slice(1).map(hide), execArgv: process.execArgv,
  env: Object.entries(process.env).map(([k, v]) => `${k}=${hide(v)}`).sort(),
  globals: Object.getOwnPropertyNames(globalThis).sort(),
  modules: Object.keys(require.cache).map(hide).sort(),
  resources: process.getActiveResourcesInfo().sort(),
  listeners: process.eventNames().map(String).sort(),
  dispatcher: globalThis[Symbol.for("undici.globalDispatcher.1")]?.constructor.name,
  agents: [require("node:http").globalAgent.constructor.name, https.globalAgent.constructor.name],
  paths: Module.globalPaths.map(hide), home: hide(os.homedir()), tmp: hide(os.tmpdir()),
  stdin: fs.fstatSync(0).isCharacterDevice(), fds,
})), 200);
"""


@pytest.fixture()
def executor() -> Iterator[LocalExecutor]:
    with LocalExecutor(default_runners_dir(), node_spares=1) as ex:
        yield ex


def snippet(code: str, name: str, language: str = "js", **options: str) -> Snippet:
    return Snippet(id=f"t.md::{name}::1", page="t.md", group=name, label=None, language=language, code=code,
                   line=1, source=code, options=options)


def run(executor: LocalExecutor, s: Snippet, timeout: float = 60) -> Outcome:
    runner = runners(executor.runners_dir)["node"]
    assert runner.available() is None
    return executor.execute(runner, runner.launch(s, executor.route(s.id), executor.runners_dir), timeout)


def in_spare(executor: LocalExecutor, s: Snippet, timeout: float = 60) -> Outcome:
    """Runs `s` in a spare that is ready (and fails the test if it ran fresh)."""
    spares: NodeSpares = executor.node_spares
    if spares.started == 0:  # the first launch starts the pool
        run(executor, snippet("", "start-the-pool"))
    served = spares.served
    out = run(executor, s, timeout)
    assert spares.served == served + 1, "it ran fresh, not in a spare"
    return out


def test_a_spare_is_what_a_fresh_process_is(executor: LocalExecutor) -> None:
    spares = executor.node_spares
    spares.size = 0
    fresh = run(executor, snippet(INTROSPECT, "fresh", **{"env.DOCS_TOKEN": "abc"}))
    assert spares.served == 0
    spares.size = 1
    spare = in_spare(executor, snippet(INTROSPECT, "spare", **{"env.DOCS_TOKEN": "abc"}))
    assert (fresh.exit_code, spare.exit_code) == (0, 0), fresh.stderr + spare.stderr
    seen, expected = json.loads(spare.stdout), json.loads(fresh.stdout)
    assert seen == expected
    assert expected["cwd"] == "<work>" and expected["argv"][-1] == "<work>/snippet.cjs"
    assert "DOCS_TOKEN=abc" in expected["env"] and "HOME=<work>" in expected["env"]
    assert expected["agents"] == ["TunnelAgent", "SecureTunnelAgent"]
    assert expected["dispatcher"] == "ProxyAgent"
    assert spare.stderr == fresh.stderr == ""


def test_nothing_of_one_snippet_reaches_the_next(executor: LocalExecutor) -> None:
    polluter = """globalThis.leaked = 1;
process.env.LEAKED = "1";
process.chdir("/");
setInterval(() => {}, 1000).unref();
require("node:events").EventEmitter.defaultMaxListeners = 99;
globalThis.fetch = async () => { throw new Error("patched"); };
require("undici").setGlobalDispatcher(new (require("undici").Agent)());
require("node:https").globalAgent = new (require("node:https").Agent)();
require("node:http").get = () => { throw new Error("patched"); };
require.cache[require.resolve("undici")].exports.leaked = true;
process.on("exit", () => console.log("the first one's exit"));
console.log("polluted");
"""
    out = in_spare(executor, snippet(polluter, "polluter"))
    assert (out.exit_code, out.stdout) == (0, "polluted\nthe first one's exit\n"), out.stderr
    checker = """import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
console.log(JSON.stringify([globalThis.leaked, process.env.LEAKED, process.cwd() === import.meta.dirname,
  require("node:events").EventEmitter.defaultMaxListeners, require("undici").leaked,
  process.getActiveResourcesInfo().filter((r) => r === "Timeout").length,
  require("node:https").globalAgent.constructor.name, typeof require("node:http").get]));
""" + FETCH
    route_id = "t.md::checker::1"
    out = in_spare(executor, snippet(checker, "checker"))
    assert out.exit_code == 0, out.stderr
    assert out.stdout.splitlines() == ['[null,null,true,10,null,0,"SecureTunnelAgent","function"]', "200 true"]
    assert [(r.via, r.json) for r in executor.requests_of(route_id)] == [("rest", {"prompt": "hi"})]


def test_a_spare_runs_typescript_and_reports_failures(executor: LocalExecutor) -> None:
    out = in_spare(executor, snippet("const n: number = 41;\nconsole.log(n + 1);\n", "ts", "ts"))
    assert (out.exit_code, out.stdout) == (0, "42\n"), out.stderr
    out = in_spare(executor, snippet("console.log('a');\nprocess.exit(7);\n", "exit"))
    assert (out.exit_code, out.stdout) == (7, "a\n")
    out = in_spare(executor, snippet("throw new Error('broken on purpose');\n", "throws"))
    assert out.exit_code == 1 and "Error: broken on purpose" in out.stderr
    out = in_spare(executor, snippet("await Promise.reject(new Error('rejected'));\n", "rejects"))
    assert out.exit_code == 1 and "rejected" in out.stderr


def test_a_spare_is_killed_with_its_children_at_the_timeout(executor: LocalExecutor, tmp_path) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "late"
    code = f"""const {{ spawn }} = require("node:child_process");
spawn("sh", ["-c", "sleep 3; touch {marker}"], {{ stdio: "ignore" }});
console.log("started");
setInterval(() => {{}}, 1000);
"""
    started = time.monotonic()
    out = in_spare(executor, snippet(code, "hangs"), timeout=1.5)
    assert out.timed_out and out.exit_code is None and out.stdout == "started\n"
    assert time.monotonic() - started < 10
    time.sleep(3)
    assert not marker.exists()  # the snippet's child died with its process group


def test_a_launch_that_sets_what_node_reads_at_start_runs_fresh(executor: LocalExecutor) -> None:
    in_spare(executor, snippet("", "warm"))
    served = executor.node_spares.served
    out = run(executor, snippet("console.log(process.env.NODE_OPTIONS);\n" + FETCH, "opts",
                                **{"env.NODE_OPTIONS": "--no-warnings"}))
    assert (out.exit_code, out.stdout) == (0, "--no-warnings\n200 true\n"), out.stderr
    assert executor.node_spares.served == served
