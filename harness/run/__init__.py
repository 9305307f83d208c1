"""Running snippets: runners (`harness.runtimes`) say what to run for a language, executors say where.

    base.py            the contracts: Launch, Outcome, Runner (with `warm_server`), Executor
    common.py          what runners and executors share (proxy environment, output limit, answers)
    executor_kind.py   ExecutorKind and ExecutorSettings: what registers an executor
    executors.py       the registry of executors (`harness.executors` entry points) and `auto`
    registry.py        runners by name, for the run stage (the runners live in `harness.runtimes`)
    local/             snippets as local processes, and the warm Worker servers
    inprocess/         Python snippets forked from a warm interpreter with the mock inside
    docker/            snippets in sandboxed containers, the mock in a sidecar; isolation.py says
                       what a container is fresh for (one strategy per `--isolation`)
"""
