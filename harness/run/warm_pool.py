"""The warm containers of a docker run (`--isolation group` and `run`), and when each is removed.

Containers are kept by (runner, group): with `per_group`, the group is a page's tab group (the
`<page>::<group>` of a snippet id); otherwise one group stands for the whole run. A container runs
one snippet at a time, so a key holds as many containers as its snippets ran at once (`-j N`: at
most N) and each snippet finds its container as a fresh one (see `harness.run.warm_container`).

With `per_group`, a spare container of each image is kept started ahead (in the background, as the
one before it is taken), so that a new group rarely waits for a container to start.

A group is done when none of its snippets is routed or running and a snippet of another group has
been routed since: the pipeline hands jobs out in page order, so by then all its tabs have run. Its
containers are then removed in the background; all that is left goes at `close`. (A retry that
comes after its group was done gets a fresh container.) Which group a launch belongs to is known
from the snippet id the same thread routed last: the pipeline routes and runs each job in one thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future

from harness.run.base import Launch, Outcome
from harness.run.warm_container import WarmContainer

RUN_GROUP = ""
"""The one group of `--isolation run` (and of launches run without a route)."""


def group_of(snippet_id: str) -> str:
    """`<page>::<group>` of a snippet id (`<page>::<group>::<tab>`, or a retry's `<id>@attemptN`)."""
    return "::".join(snippet_id.split("::", 2)[:2])


class WarmPool:
    """Warm containers by (runner, group); `start(image)` makes a started one, `background` removes
    them off the snippets' way (its owner waits for it after `close`). Thread-safe."""

    def __init__(self, start: Callable[[str], WarmContainer], per_group: bool, background: Executor) -> None:
        self._start, self._per_group, self._background = start, per_group, background
        self.keep_spares = per_group
        """Keep a spare container of each image started ahead (for the next group)."""
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, str], list[WarmContainer]] = {}
        self._pending: dict[str, int] = {}
        """Group -> its snippets routed and not yet finished, in the order the groups were first seen."""
        self._local = threading.local()
        self._spares: dict[str, Future[WarmContainer]] = {}
        """Image -> a container being started (or started) for the next group that needs one."""
        self.started = 0
        """Containers started so far, spares included (for tests and the benchmark)."""

    def routed(self, snippet_id: str) -> None:
        """A snippet of `snippet_id`'s group is about to run in this thread; groups done are removed."""
        group = group_of(snippet_id) if self._per_group else RUN_GROUP
        with self._lock:
            idle = self._finish(getattr(self._local, "group", None))  # routed before, never run (launch failed)
            self._local.group = group
            self._pending[group] = self._pending.pop(group, 0) + 1  # now the newest
            for other in [other for other, count in self._pending.items() if count == 0 and other != group]:
                idle += self._retire(other)
        self._remove(idle)

    def execute(self, runner: str, image: str, launch: Launch, timeout_s: float) -> Outcome:
        """Runs `launch` in an idle container of (runner, this thread's group), started if there is none."""
        group, self._local.group = getattr(self._local, "group", None), None
        key = (runner, RUN_GROUP if group is None else group)
        try:
            container = self._take(key, image)
        except Exception as error:  # the SDK raises many kinds when the engine refuses
            with self._lock:
                idle = self._finish(group)
            self._remove(idle)
            return Outcome(None, "", "", 0.0, infra_error=f"docker: starting a warm {image} container failed: {error}")
        outcome = container.run(launch, timeout_s)
        with self._lock:
            keep = not container.broken and (group is None or group in self._pending)
            if keep:
                self._idle.setdefault(key, []).append(container)
            idle = self._finish(group)
        self._remove(([] if keep else [container]) + idle)
        return outcome

    def close(self) -> None:
        """Removes every idle and spare container (busy ones go when given back)."""
        with self._lock:
            idle = [container for containers in self._idle.values() for container in containers]
            spares = list(self._spares.values())
            self._idle.clear()
            self._pending.clear()
            self._spares.clear()
        self._remove(idle)
        for spare in spares:
            spare.add_done_callback(lambda done: None if done.exception() else done.result().remove())

    def _take(self, key: tuple[str, str], image: str) -> WarmContainer:
        """An idle container of `key`, else the spare of `image`, else a new one; one found broken while
        it waited (`usable`) is removed and the next one tried."""
        with self._lock:
            idle = self._idle.get(key, [])
            while idle:
                container = idle.pop()
                if container.usable:
                    return container
                self._background.submit(container.remove)
            spare = self._spares.pop(image, None)
            if self.keep_spares:
                self._spares[image] = self._background.submit(self._start, image)
                self.started += 1
            if spare is None:
                self.started += 1
        if spare is not None:
            try:
                if (started := spare.result()).usable:
                    return started
                self._background.submit(started.remove)
                with self._lock:
                    self.started += 1
            except Exception:  # it failed to start: start one here, and report it if that fails too
                with self._lock:
                    self.started += 1
        return self._start(image)

    def _finish(self, group: str | None) -> list[WarmContainer]:
        """One snippet of `group` is done (lock held); the group's idle containers if it is done too."""
        if group is None or group not in self._pending:
            return []
        self._pending[group] -= 1
        newest = next(reversed(self._pending))
        return self._retire(group) if self._pending[group] == 0 and group != newest else []

    def _retire(self, group: str) -> list[WarmContainer]:
        """Forgets a done group (lock held) and returns its idle containers; busy ones go when given back."""
        del self._pending[group]
        keys = [key for key in self._idle if key[1] == group]
        return [container for key in keys for container in self._idle.pop(key)]

    def _remove(self, containers: list[WarmContainer]) -> None:
        for container in containers:
            self._background.submit(container.remove)
