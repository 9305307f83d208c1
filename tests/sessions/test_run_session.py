"""One session on the local executor: a block that runs past its time, a driver that breaks, a block
that ends the session, and requests told apart by when each block ran."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.extract.placeholders import DEFAULT_PLACEHOLDERS
from harness.model import Status
from harness.pipeline import plan
from harness.run.local.executor import LocalExecutor
from harness.run.registry import default_runners_dir, runners
from harness.sessions_run.plan import SessionJob
from harness.sessions_run.run import run_session

RUNNERS = default_runners_dir()


@pytest.fixture(scope="module")
def local() -> Iterator[LocalExecutor]:
    with LocalExecutor(RUNNERS) as executor:
        yield executor


def session_of(tmp_path: Path, text: str) -> SessionJob:
    page = tmp_path / "page.md"
    page.write_text(text)
    [session] = plan([str(page)]).sessions
    return session


def run(session: SessionJob, executor: LocalExecutor, timeout_s: float = 30.0) -> dict[int, tuple[Status, str]]:
    results = run_session(session, executor, runners(executor.runners_dir)[session.runner], timeout_s,
                          DEFAULT_PLACEHOLDERS)
    return {r.snippet.line: (r.status, r.reason) for r in results}


PYTHON = ("```python\nimport time\nstarted = time.time()\n```\n\n```python\ntime.sleep(60)\n```\n\n"
          "```python\nprint(started)\n```\n")


def test_a_block_that_runs_past_its_time_fails_and_the_rest_are_not_run(tmp_path: Path,
                                                                        local: LocalExecutor) -> None:
    session = session_of(tmp_path, PYTHON)
    results = run_session(session, local, runners(RUNNERS)["python"], 3.0, DEFAULT_PLACEHOLDERS)
    by_line = {r.snippet.line: r for r in results}
    assert by_line[2].status is Status.PASSED and by_line[2].evidence and by_line[2].evidence.exit_code == 0
    assert by_line[7].evidence is not None and by_line[7].evidence.timed_out
    assert (by_line[11].status, by_line[11].reason) == (Status.SKIPPED, "not run: depends on line 7, which failed")


def test_a_driver_that_breaks_is_the_harness_error_of_every_block(tmp_path: Path) -> None:
    broken = tmp_path / "runners"
    shutil.copytree(RUNNERS / "shell", broken / "shell")
    (broken / "shell" / "session_driver.sh").write_text("echo 'driver broke' >&2\nexit 3\n")
    session = session_of(tmp_path, "```sh\nname=x\necho set\n```\n\n```sh\necho \"$name\"\n```\n")
    with LocalExecutor(broken) as executor:
        found = run(session, executor)
    assert found == {line: (Status.ERROR, f"{tmp_path}/page.md:{line} the shell session driver failed: driver broke")
                     for line in (2, 7)}


def test_a_block_that_exits_ends_the_session(tmp_path: Path, local: LocalExecutor) -> None:
    text = "```sh\nname=x\necho set\nexit 0\n```\n\n```sh\necho \"$name\"\n```\n"
    found = run(session_of(tmp_path, text), local)
    assert found == {2: (Status.PASSED, ""), 8: (Status.SKIPPED, "not run: depends on line 2, which ended the session")}


def test_each_request_belongs_to_the_block_that_sent_it(tmp_path: Path, local: LocalExecutor) -> None:
    code = ("```python\nimport httpx\nclient = httpx.Client()\nbase = 'https://example.com'\n"
            "client.get(base + '/one')\n```\n\n")
    code += "".join(f"```python\nclient.get(base + '/{n}')\nclient.get(base + '/{n}/again')\n```\n\n"
                    for n in ("two", "three", "four"))
    results = run_session(session_of(tmp_path, code), local, runners(RUNNERS)["python"], 30.0, DEFAULT_PLACEHOLDERS)
    sent = {r.snippet.line: [q.path for q in r.evidence.requests] for r in results if r.evidence}
    assert sent == {2: ["/one"], 9: ["/two", "/two/again"], 14: ["/three", "/three/again"],
                    19: ["/four", "/four/again"]}


def test_prompts_get_the_value_their_words_name_or_fail_the_cell(tmp_path: Path, local: LocalExecutor) -> None:
    code = ("```python\nfrom getpass import getpass\nimport os\n"
            "gateway = input('Your AI Gateway id: ')\nprint(gateway, sorted(os.listdir('.')))\n```\n\n"
            "```python\ncolour = getpass('Your favourite colour')\nprint(gateway, colour)\n```\n")
    results = run_session(session_of(tmp_path, code), local, runners(RUNNERS)["python"], 30.0, DEFAULT_PLACEHOLDERS)
    first, second = (r.evidence for r in results)
    assert first is not None and first.stdout == "harness-gateway ['.harness-session']\n"  # no .ipython left here
    assert second is not None and second.exit_code == 1
    assert "EOFError: no terminal to answer 'Your favourite colour'" in second.stderr


def test_a_block_that_prints_too_much_is_cut_and_the_next_still_reports(tmp_path: Path,
                                                                         local: LocalExecutor) -> None:
    text = "```sh\nsize=3000000\nyes a | head -c \"$size\"\n```\n\n```sh\necho \"after $size\"\n```\n"
    results = run_session(session_of(tmp_path, text), local, runners(RUNNERS)["shell"], 30.0, DEFAULT_PLACEHOLDERS)
    first, second = (r.evidence for r in results)
    assert first is not None and first.output_truncated and 4096 <= len(first.stdout) < 1_000_000
    assert set(first.stdout) == {"a", "\n"}
    assert second is not None and second.stdout == "after 3000000\n"
