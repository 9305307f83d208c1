"""How the warm interpreter warms before it forks: rounds of requests within a budget, and the garbage
collector off in it (so its heap is frozen without holes) but on in every snippet's process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.model import Snippet
from harness.run.inprocess import child
from harness.run.inprocess.executor import InProcessExecutor
from harness.run.registry import default_runners_dir, runners


@pytest.fixture(scope="module")
def inprocess() -> Iterator[InProcessExecutor]:
    with InProcessExecutor(default_runners_dir()) as executor:
        yield executor


def _run(executor: InProcessExecutor, code: str, name: str) -> str:
    s = Snippet(id=f"t.md::{name}::1", page="t.md", group=name, label=None, language="py", code=code,
                line=1, source=code)
    runner = runners(executor.runners_dir)["python"]
    outcome = executor.execute(runner, runner.launch(s, executor.route(name), executor.runners_dir), 60)
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout


def test_a_snippet_collects_its_cyclic_garbage_as_a_python_process_does(inprocess: InProcessExecutor) -> None:
    code = ("import gc\nclass Node:\n    pass\nfor _ in range(3):\n    a, b = Node(), Node()\n    a.b, b.a = b, a\n"
            "del a, b\nprint(gc.isenabled(), gc.collect() >= 6)\n")
    assert _run(inprocess, code, "gc") == "True True\n"
    assert _run(inprocess, "import gc\nprint(gc.isenabled())\n", "gc-again") == "True\n"


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(child, "warm_request", lambda mock, client="requests": calls.append(client))
    return calls


def test_the_warm_up_makes_its_rounds_through_each_client(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch)
    child.warm_up(object(), rounds=3, budget_s=60)  # type: ignore[arg-type]
    assert calls == ["requests", "httpx"] * 3


def test_the_warm_up_stops_at_its_budget_after_one_round(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch)
    child.warm_up(object(), rounds=20, budget_s=0)  # type: ignore[arg-type]
    assert calls == ["requests", "httpx"]
