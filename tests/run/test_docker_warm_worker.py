"""Warm Worker servers in docker (`--isolation group|run`): the Worker snippets of the local comparison
give the evidence a fresh container per snippet (cold Miniflare) gives; a hung one times out and takes
only its server's container with it; each snippet's token and journal entries are its own."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from docker import DockerClient

from harness.model import Snippet
from harness.run.base import Outcome
from harness.run.docker.engine import ROLE_LABEL
from harness.run.docker.executor import DockerExecutor
from harness.run.registry import default_runners_dir, runners

from .docker_support import engine_client
from .test_warm_worker import CASES, MODEL, comparable, handler, snippet

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def docker_client() -> Iterator[DockerClient]:
    yield from engine_client()


@pytest.fixture(scope="module")
def cold(docker_client: DockerClient) -> Iterator[DockerExecutor]:
    with DockerExecutor(build=True, isolation="snippet") as executor:
        yield executor


@pytest.fixture(scope="module")
def warm(docker_client: DockerClient) -> Iterator[DockerExecutor]:
    """A run with warm Worker servers; nothing of it is left afterwards."""
    with DockerExecutor(build=True, isolation="run") as executor:
        yield executor
    assert docker_client.containers.list(all=True, filters={"label": executor.labels.selector}) == []
    assert docker_client.volumes.list(filters={"label": executor.labels.selector}) == []


def run(executor: DockerExecutor, s: Snippet, key: str, timeout: float = 60) -> tuple[Outcome, tuple[Any, ...]]:
    runner = runners(default_runners_dir())["worker"]
    launch = runner.launch(s, executor.route(key), executor.runners_dir)
    return executor.execute(runner, launch, timeout), executor.requests_of(key)


@pytest.mark.parametrize("name", sorted(CASES))
def test_warm_evidence_is_the_cold_evidence(name: str, cold: DockerExecutor, warm: DockerExecutor) -> None:
    s = snippet(CASES[name], name)
    expected = comparable(*run(cold, s, f"cold::{name}"))
    actual = comparable(*run(warm, s, f"warm::{name}"))
    assert actual == expected


def test_a_worker_runs_on_a_warm_server_not_in_a_fresh_container(warm: DockerExecutor) -> None:
    run(warm, snippet(CASES["console"], "first"), "first")
    started = warm.warm_started
    durations = [run(warm, snippet(CASES["binding"], f"again{n}"), f"again{n}")[0].duration_s for n in range(5)]
    assert warm.warm_started == started, "no container started for them"
    assert sorted(durations)[2] < 0.5, durations  # cold Miniflare alone takes longer than this


def test_each_snippet_gets_its_own_token_and_journal_entries(warm: DockerExecutor) -> None:
    both = handler(f'    const a = await env.AI.run("{MODEL}", {{ prompt: "yo" }});\n'
                   '    const r = await fetch("https://api.cloudflare.com/client/v4/accounts/x/ai/run/'
                   f'{MODEL}", {{ method: "POST", body: "{{}}" }});\n    return new Response(String(r.status));')
    tokens = []
    for n in range(3):
        route = warm.route(f"own{n}")
        runner = runners(default_runners_dir())["worker"]
        outcome = warm.execute(runner, runner.launch(snippet(both, f"own{n}"), route, warm.runners_dir), 60)
        assert outcome.exit_code == 0, outcome.stderr
        requests = warm.take_requests(f"own{n}")
        assert [(r.via, r.snippet_id) for r in requests] == [("binding", f"own{n}"), ("rest", f"own{n}")]
        seen = {dict(r.headers).get("x-harness-token") for r in requests}  # the binding's sends it
        assert route.token in seen and seen <= {route.token, None}
        tokens.append(route.token)
    assert len(set(tokens)) == 3


def test_a_hung_worker_times_out_and_the_next_gets_a_fresh_server(warm: DockerExecutor,
                                                                 docker_client: DockerClient) -> None:
    run(warm, snippet(CASES["console"], "before"), "before")
    servers = {c.id for c in docker_client.containers.list(
        filters={"label": [warm.labels.selector, f"{ROLE_LABEL}=warm"]})}
    started, count = time.monotonic(), warm.warm_started
    outcome, _ = run(warm, snippet(handler("    while (true) {}"), "hung"), "hung", timeout=2)
    assert outcome.timed_out and outcome.exit_code is None
    assert time.monotonic() - started < 10
    left = {c.id for c in docker_client.containers.list(
        filters={"label": [warm.labels.selector, f"{ROLE_LABEL}=warm"]})}
    assert len(servers - left) == 1, "the hung server's container is gone"
    outcome, _ = run(warm, snippet(CASES["console"], "after"), "after")
    assert (outcome.exit_code, outcome.stdout) == (0, "hello { a: 1 } [ 1, 2 ]\n"), outcome.stderr
    assert warm.warm_started == count + 1
