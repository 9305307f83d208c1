"""The in-process executor: Python snippets forked from a warm interpreter, requests answered without
sockets, with the same evidence as the local executor gives."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from harness.model import Snippet
from harness.run.base import Executor, Outcome
from harness.run.inprocess.executor import InProcessExecutor
from harness.run.local.executor import LocalExecutor
from harness.run.registry import default_runners_dir, runner_name_for, runners

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
URL = f"https://api.cloudflare.com/client/v4/accounts/{ACCOUNT}/ai/run/@cf/meta/llama-3-8b-instruct"
AUTH = '{"Authorization": "Bearer harness-test-token"}'

CASES = {
    "requests": f"""import requests
r = requests.post("{URL}", headers={AUTH}, json={{"prompt": "hi"}})
print(r.status_code, r.reason, r.headers["content-type"], r.json()["result"]["response"][:30])
""",
    "httpx-stream": f"""import httpx
with httpx.stream("POST", "{URL}", headers={AUTH}, json={{"prompt": "hi", "stream": True}}) as r:
    print(r.status_code, r.headers["content-type"], sum(1 for line in r.iter_lines() if line))
""",
    "not-found-and-bad-token": f"""import requests
print(requests.get("https://api.cloudflare.com/client/v4/nothing?x=1").status_code)
print(requests.post("{URL}", headers={{"Authorization": "Bearer nope"}}, json={{"prompt": "x"}}).json()["errors"])
""",
    "invalid-input": f"""import httpx
print(httpx.post("{URL}", headers={AUTH}, json={{"nonsense": 1}}).status_code)
""",
    "origin-https": """import httpx, requests
for send in (requests.get, httpx.get):
    answer = send("https://example.com/todos/2", headers={"accept": "application/json"})
    print(answer.status_code, answer.json()["id"], answer.headers["content-type"])
""",
    "origin-http": """import requests
r = requests.get("http://example.com/plain?q=1")
print(r.status_code, r.text.strip())
""",
    "exit-code": "import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(3)\n",
    "exit-message": "import sys\nsys.exit('giving up')\n",
    "closes-inherited-fds": "import os, sys\nos.closerange(3, 4096)\nprint('closed')\nsys.exit(4)\n",
    "killed-by-signal": "import os, signal\nprint('before', flush=True)\nos.kill(os.getpid(), signal.SIGTERM)\n",
    "traceback": "def f():\n    raise ValueError('bad input')\n\nf()\n",
    "syntax-error": "x = (\n",
    "async-httpx": f"""import asyncio, httpx
async def main():
    async with httpx.AsyncClient() as client:
        r = await client.post("{URL}", headers={AUTH}, json={{"prompt": "async"}})
    print(r.status_code)
asyncio.run(main())
""",
    "requests-in-coroutine": f"""import asyncio, requests
async def main():
    print(requests.post("{URL}", headers={AUTH}, json={{"prompt": "co"}}).status_code)
asyncio.run(main())
""",
    "thread": f"""import threading, requests
t = threading.Thread(target=lambda: print(requests.post("{URL}", headers={AUTH}, json={{"prompt": "t"}}).status_code))
t.start()
""",
    "script-environment": """import os, sys
print(sys.argv[0], os.getcwd(), os.environ["HOME"], sys.path, __name__, sorted(os.listdir('.')))
""",
}
_WORKDIR = re.compile(r"/[^\s'\"]*/harness-(?:python|inprocess)-[^/\s'\"]+(?:/work)?")


def snippet(code: str, name: str) -> Snippet:
    return Snippet(id=f"t.md::{name}::1", page="t.md", group=name, label=None, language="py", code=code,
                   line=1, source=code)


def run(executor: Executor, s: Snippet, key: str, timeout: float = 60) -> tuple[Outcome, tuple[Any, ...]]:
    runner = runners(executor.runners_dir)[runner_name_for(s) or ""]
    outcome = executor.execute(runner, runner.launch(s, executor.route(key), executor.runners_dir), timeout)
    return outcome, executor.requests_of(key)


def plain(text: str) -> str:
    """`text` with the snippet's work dir (which differs by executor and run) as `<workdir>`."""
    return _WORKDIR.sub("<workdir>", text)


def comparable(outcome: Outcome, requests: tuple[Any, ...]) -> dict[str, Any]:
    """What must be the same both ways: paths of the work dir and journal order numbers aside."""
    return {
        "exit_code": outcome.exit_code, "stdout": plain(outcome.stdout), "stderr": plain(outcome.stderr),
        "requests": [dataclasses.replace(r, seq=0, at=0.0, snippet_id="s") for r in requests],
    }


@pytest.fixture(scope="module")
def local() -> Iterator[LocalExecutor]:
    with LocalExecutor(default_runners_dir()) as executor:
        yield executor


@pytest.fixture(scope="module")
def inprocess() -> Iterator[InProcessExecutor]:
    with InProcessExecutor(default_runners_dir()) as executor:
        yield executor


@pytest.mark.parametrize("name", sorted(CASES))
def test_evidence_is_the_local_executors(name: str, local: LocalExecutor, inprocess: InProcessExecutor) -> None:
    s = snippet(CASES[name], name)
    expected = comparable(*run(local, s, f"local::{name}"))
    actual = comparable(*run(inprocess, s, f"inprocess::{name}"))
    assert actual == expected


def test_other_hosts_reach_the_simulated_origin_as_through_the_proxy(inprocess: InProcessExecutor) -> None:
    outcome, requests = run(inprocess, snippet(CASES["origin-https"], "origin"), "origin")
    assert outcome.stdout == "200 2 application/json\n" * 2, outcome.stderr
    answered = ("origin", "GET", "https://example.com/todos/2", 200)
    assert [(r.via, r.method, r.url, r.status) for r in requests] == [answered] * 2


def test_each_snippet_starts_from_the_warm_interpreter_untouched(inprocess: InProcessExecutor) -> None:
    spoil = "import os, requests\nrequests.post = None\nos.environ['LEAK'] = '1'\nos.chdir('/')\n"
    check = "import os, requests\nprint(requests.post is None, os.environ.get('LEAK'), os.getcwd() == '/')\n"
    assert run(inprocess, snippet(spoil, "spoil"), "spoil")[0].exit_code == 0
    outcome, _ = run(inprocess, snippet(check, "check"), "check")
    assert outcome.stdout == "False None False\n", outcome.stderr


def test_a_snippet_past_its_timeout_is_killed_and_the_next_one_runs(inprocess: InProcessExecutor) -> None:
    started = time.monotonic()
    outcome, _ = run(inprocess, snippet("import time\ntime.sleep(60)\n", "slow"), "slow", timeout=1)
    assert outcome.timed_out and outcome.exit_code is None
    assert time.monotonic() - started < 10
    assert run(inprocess, snippet("print('next')\n", "next"), "next")[0].stdout == "next\n"


def test_what_a_snippet_leaves_running_ends_with_it(inprocess: InProcessExecutor) -> None:
    code = "import subprocess\nprint(subprocess.Popen(['sleep', '30']).pid)\n"
    outcome, _ = run(inprocess, snippet(code, "orphan"), "orphan")
    pid = int(outcome.stdout)
    deadline = time.monotonic() + 5
    while _alive(pid):
        assert time.monotonic() < deadline, "the snippet's child outlived it"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_parallel_snippets_keep_their_own_requests(inprocess: InProcessExecutor) -> None:
    def one(n: int) -> list[Any]:
        code = f"import requests\nrequests.post('{URL}', headers={AUTH}, json={{'prompt': 'n{n}'}})\n"
        outcome, requests = run(inprocess, snippet(code, f"par{n}"), f"par{n}")
        assert outcome.exit_code == 0, outcome.stderr
        return [r.json for r in requests]

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(one, range(8))) == [[{"prompt": f"n{n}"}] for n in range(8)]


def test_output_beyond_the_limit_is_dropped_and_flagged() -> None:
    with InProcessExecutor(default_runners_dir(), output_limit=1000) as executor:
        outcome, _ = run(executor, snippet("import sys\nsys.stdout.write('x' * 100_000)\n", "big"), "big")
    assert outcome.exit_code == 0 and len(outcome.stdout) == 1000 and outcome.output_truncated


def test_other_runners_run_as_local_processes(inprocess: InProcessExecutor) -> None:
    code = f"curl -sS {URL} -H 'Authorization: Bearer harness-test-token' -d '{{\"prompt\": \"sh\"}}'\n"
    s = dataclasses.replace(snippet(code, "curl"), language="sh")
    outcome, requests = run(inprocess, s, "curl")
    assert outcome.exit_code == 0, outcome.stderr
    assert [(r.via, r.json) for r in requests] == [("rest", {"prompt": "sh"})]


def test_a_missing_interpreter_is_an_infrastructure_error(tmp_path: Path) -> None:
    (tmp_path / "python").mkdir()
    with InProcessExecutor(tmp_path) as executor:
        runner = runners(default_runners_dir())["python"]
        s = snippet("print(1)\n", "none")
        outcome = executor.execute(runner, runner.launch(s, executor.route(s.id), tmp_path), 10)
    assert outcome.infra_error is not None and "warm Python" in outcome.infra_error


def test_nothing_is_left_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with InProcessExecutor(default_runners_dir()) as executor:
        assert run(executor, snippet("print('done')\n", "done"), "done")[0].stdout == "done\n"
        assert run(executor, snippet("import time\ntime.sleep(30)\n", "late"), "late", timeout=1)[0].timed_out
        kept = [p.name for p in tmp_path.rglob("*") if p.is_file() and not p.parent.name.startswith("harness-mock-")]
        assert kept == []  # the mock's certificates aside, while the run lasts
    assert list(tmp_path.iterdir()) == []


def test_a_harness_folder_in_the_working_directory_is_not_imported(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "harness").mkdir()
    (tmp_path / "harness" / "__init__.py").write_text("raise ImportError('the wrong harness')\n")
    monkeypatch.chdir(tmp_path)
    code = f"import sys\nprint([p for p in sys.path if p in ('', {str(tmp_path)!r})])\n"
    with InProcessExecutor(default_runners_dir()) as executor:
        outcome, _ = run(executor, snippet(code, "cwd"), "cwd")
    assert outcome.infra_error is None and outcome.stdout == "[]\n", outcome.stderr


def test_a_finished_snippets_requests_are_taken_from_the_journal(inprocess: InProcessExecutor) -> None:
    code = f"import requests\nrequests.post('{URL}', headers={AUTH}, json={{'prompt': 'taken'}})\n"
    assert run(inprocess, snippet(code, "taken"), "taken")[0].exit_code == 0
    assert [r.json for r in inprocess.take_requests("taken")] == [{"prompt": "taken"}]
    assert inprocess.requests_of("taken") == ()


def test_a_journal_too_long_for_one_pipe_write_still_comes_back(inprocess: InProcessExecutor) -> None:
    prompt = "x" * 10_000  # the exit report and its journal would be longer than PIPE_BUF
    code = f"import requests\nrequests.post('{URL}', headers={AUTH}, json={{'prompt': '{prompt}'}})\n"
    outcome, requests = run(inprocess, snippet(code, "long"), "long")
    assert outcome.exit_code == 0, outcome.stderr
    assert [r.json for r in requests] == [{"prompt": prompt}]


def test_nothing_is_written_to_a_file_the_snippet_opened_where_the_protocol_stream_was(
        inprocess: InProcessExecutor, tmp_path: Path) -> None:
    code = f"""import os, requests
requests.post('{URL}', headers={AUTH}, json={{'prompt': 'reused'}})
os.closerange(3, 4096)
kept = [open({str(tmp_path)!r} + f"/f{{i}}", "w") for i in range(64)]
"""
    outcome, requests = run(inprocess, snippet(code, "reused"), "reused")
    assert outcome.exit_code == 0, outcome.stderr
    assert [r.json for r in requests] == [{"prompt": "reused"}]
    assert {p.read_text() for p in tmp_path.iterdir()} == {""}


def test_each_snippet_is_a_child_of_its_own_forked_from_the_warm_interpreter(inprocess: InProcessExecutor) -> None:
    code = "import os\nprint(os.getpid(), os.getppid())\n"
    first, second = (run(inprocess, snippet(code, f"pid{n}"), f"pid{n}")[0].stdout.split() for n in range(2))
    assert first[0] != second[0] and first[1] == second[1]


def test_each_snippet_leads_a_session_of_its_own_as_a_local_snippet_does(inprocess: InProcessExecutor,
                                                                         local: LocalExecutor) -> None:
    code = "import os\nprint(os.getsid(0) == os.getpid() == os.getpgid(0), os.getsid(0) != os.getsid(os.getppid()))\n"
    for executor in (inprocess, local):
        outcome, _ = run(executor, snippet(code, f"session-{executor.name}"), f"session-{executor.name}")
        assert (outcome.exit_code, outcome.stdout) == (0, "True True\n"), (executor.name, outcome)


def _children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_spares_that_died_waiting_are_never_handed_a_job(inprocess: InProcessExecutor) -> None:
    code = "import os\nprint(os.getppid())\n"
    zygote = int(run(inprocess, snippet(code, "zygote"), "zygote")[0].stdout)
    time.sleep(0.5)  # the spares are warm and wait
    spares = _children_of(zygote)
    assert spares
    for pid in spares:
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while set(spares) & set(_children_of(zygote)):  # gone (a spare killed just as it gets a job fails the job)
        assert time.monotonic() < deadline
        time.sleep(0.01)
    outcome, _ = run(inprocess, snippet("import os\nprint(os.getpid())\n", "after"), "after")
    assert outcome.exit_code == 0 and int(outcome.stdout) not in spares, outcome


def test_spares_leave_when_the_warm_interpreter_is_killed() -> None:
    with InProcessExecutor(default_runners_dir()) as executor:
        zygote = int(run(executor, snippet("import os\nprint(os.getppid())\n", "zygote"), "zygote")[0].stdout)
        time.sleep(0.5)  # the spares are warm and wait
        spares = _children_of(zygote)
        assert spares
        os.kill(zygote, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in spares):
            assert time.monotonic() < deadline, "spares outlived the warm interpreter"
            time.sleep(0.05)
        assert run(executor, snippet("print('again')\n", "again"), "again")[0].stdout == "again\n"


def test_the_warm_interpreter_holds_neither_the_server_nor_the_tls_code() -> None:
    """Every snippet is a fork of the warm interpreter, which costs more the more it holds: what it
    imports for the mock must not pull in uvicorn or the certificate code (11 MB of 42 once)."""
    probe = ("import sys; import harness.run.inprocess.child; "
             "print(sorted(m for m in ('uvicorn', 'cryptography', 'harness.mock.server') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout
