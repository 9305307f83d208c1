"""The warm containers of a docker run (`--isolation group` and `run`): which snippet runs where.

Containers are held by (runner, group): with `per_group`, the group is a page's tab group (the
`<page>::<group>` of a snippet id); otherwise one group stands for the whole run. A container runs
one snippet at a time, so a key holds as many containers as its snippets ran at once (`-j N`: at
most N), and each snippet finds its container as a fresh one (see `harness.run.docker.warm_container`:
everything a snippet leaves is killed and wiped before the next is handed over, whichever group it
belongs to).

A group is done when none of its snippets is routed or running and a snippet of another group has
been routed since: the pipeline hands jobs out in page order, so by then all its tabs have run. Its
containers then go back to the run's free containers of their image, to be taken by a later group:
a group never shares a container with another group while it runs, and a run starts about as many
containers as it runs snippets at once per runtime rather than one per runtime and group. (A retry
that comes after its group was done takes a free container.) Which group a launch belongs to is
known from the snippet id the same thread routed last: the pipeline routes and runs each job in one
thread. Broken containers are removed in the background; all the rest at `close`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor

from harness.run.base import Launch, Outcome
from harness.run.docker.warm_container import WarmContainer

RUN_GROUP = ""
"""The one group of `--isolation run` (and of launches run without a route)."""


def group_of(snippet_id: str) -> str:
    """`<page>::<group>` of a snippet id (`<page>::<group>::<tab>`, or a retry's `<id>@attemptN`)."""
    return "::".join(snippet_id.split("::", 2)[:2])


class WarmPool:
    """Warm containers by (runner, group), and the free ones by image; `start(image)` makes a started
    one, `background` removes them off the snippets' way (its owner waits for it after `close`). Thread-safe."""

    def __init__(self, start: Callable[[str], WarmContainer], per_group: bool, background: Executor) -> None:
        self._start, self._per_group, self._background = start, per_group, background
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], list[WarmContainer]] = {}
        """(runner, group) -> the group's idle containers, for its next snippets."""
        self._free: dict[str, list[WarmContainer]] = {}
        """Image -> idle containers no group holds."""
        self._pending: dict[str, int] = {}
        """Group -> its snippets routed and not yet finished, in the order the groups were first seen."""
        self._local = threading.local()
        self._closed = False
        self.started = 0
        """Containers started so far (for tests and the benchmark)."""

    def routed(self, snippet_id: str) -> None:
        """A snippet of `snippet_id`'s group is about to run in this thread; groups done give their containers back."""
        group = group_of(snippet_id) if self._per_group else RUN_GROUP
        with self._lock:
            self._finish(getattr(self._local, "group", None))  # routed before, never run (launch failed)
            self._local.group = group
            self._pending[group] = self._pending.pop(group, 0) + 1  # now the newest
            for other in [other for other, count in self._pending.items() if count == 0 and other != group]:
                self._retire(other)

    def execute(self, runner: str, image: str, launch: Launch, timeout_s: float) -> Outcome:
        """Runs `launch` in an idle container of (runner, this thread's group): the group's own, else a
        free one, else one started now."""
        group, self._local.group = getattr(self._local, "group", None), None
        key = (runner, RUN_GROUP if group is None else group)
        try:
            container = self._take(key, image)
        except Exception as error:  # the SDK raises many kinds when the engine refuses
            with self._lock:
                self._finish(group)
            return Outcome(None, "", "", 0.0, infra_error=f"docker: starting a warm {image} container failed: {error}")
        outcome = container.run(launch, timeout_s)
        with self._lock:
            if container.broken or self._closed:
                container.broken = True
            else:
                held = group is None or group in self._pending
                (self._held.setdefault(key, []) if held else self._free.setdefault(image, [])).append(container)
            self._finish(group)
        if container.broken:
            self._background.submit(container.remove)
        return outcome

    def ran_elsewhere(self) -> None:
        """The snippet this thread routed ran without a container of the pool (on a warm Worker server)."""
        group, self._local.group = getattr(self._local, "group", None), None
        with self._lock:
            self._finish(group)

    def close(self) -> None:
        """Removes every idle container (busy ones go when given back, as broken: the run is over)."""
        with self._lock:
            idle = [c for containers in [*self._held.values(), *self._free.values()] for c in containers]
            self._held.clear()
            self._free.clear()
            self._pending.clear()
            self._closed = True
        for container in idle:
            self._background.submit(container.remove)

    def _take(self, key: tuple[str, str], image: str) -> WarmContainer:
        """An idle container of `key`, else a free one of `image`, else a new one; a container found
        broken while it waited (`usable`) is removed and the next one tried."""
        while True:
            with self._lock:
                idle = self._held.get(key) or self._free.get(image)
                container = idle.pop() if idle else None
                if container is None:
                    self.started += 1
            if container is None:
                return self._start(image)
            if container.usable:
                return container
            self._background.submit(container.remove)

    def _finish(self, group: str | None) -> None:
        """One snippet of `group` is done (lock held); the group is retired if it is done too."""
        if group is None or group not in self._pending:
            return
        self._pending[group] -= 1
        newest = next(reversed(self._pending))
        if self._pending[group] == 0 and group != newest:
            self._retire(group)

    def _retire(self, group: str) -> None:
        """Forgets a done group (lock held); its idle containers become free (busy ones when given back)."""
        del self._pending[group]
        for key in [key for key in self._held if key[1] == group]:
            for container in self._held.pop(key):
                self._free.setdefault(container.image, []).append(container)
