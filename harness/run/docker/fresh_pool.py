"""Fresh snippet containers made ready ahead (`--isolation snippet`), so that creating and starting a
container is off the snippets' way.

Each snippet still gets a container nothing ran in before and that is thrown away after
(`fresh_container`); the pool only starts the next ones of an image while the current ones run. When
a snippet of an image takes a container, the pool starts replacements in the background until as
many wait as snippets of that image ran at once so far (at most `MOST_AHEAD`). The first snippets of
an image, and any that find none waiting, start their own. A waiting container that did not stay
ready (its connection ended, it said something) is given up. Used and given-up containers go to
`dispose`; `close` stops the starting and disposes of every waiting one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import docker.errors
import requests

from harness.run.base import Launch, Outcome
from harness.run.docker.fresh_container import FreshContainer

MOST_AHEAD = 4
"""Most containers of one image waiting at once."""


class FreshPool:
    """Never-used started containers by image; `start(image)` makes one. Thread-safe."""

    def __init__(self, start: Callable[[str], FreshContainer], dispose: Callable[[FreshContainer], object]) -> None:
        self._start, self._dispose = start, dispose
        self._starter = ThreadPoolExecutor(max_workers=2, thread_name_prefix="harness-docker-start")
        self._lock = threading.Lock()
        self._waiting: dict[str, list[Future[FreshContainer]]] = {}
        """Image -> containers started (or being started) ahead, oldest first."""
        self._running: dict[str, int] = {}
        self._wanted: dict[str, int] = {}
        """Image -> how many to keep waiting: the most of its snippets that ran at once (capped)."""
        self._closed = False
        self.started = 0
        """Containers started so far, ahead or not (for tests and the benchmark)."""

    def run(self, image: str, launch: Launch, timeout_s: float) -> Outcome:
        """Runs `launch` in a fresh container of `image`; harness faults come back as `infra_error`."""
        with self._lock:
            self._running[image] = self._running.get(image, 0) + 1
            self._wanted[image] = min(max(self._wanted.get(image, 0), self._running[image]), MOST_AHEAD)
        fresh: FreshContainer | None = None
        try:
            fresh = self._take(image)
            return fresh.run(launch, timeout_s)
        except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as error:
            return Outcome(None, "", "", 0.0, infra_error=f"docker: running {image} failed: {error}")
        finally:
            with self._lock:
                self._running[image] -= 1
            if fresh is not None:
                self._dispose(fresh)

    def _take(self, image: str) -> FreshContainer:
        """A waiting container of `image` (the oldest that is still ready), else one started here."""
        while (future := self._next(image)) is not None:
            try:
                fresh = future.result()
            except Exception:  # noqa: BLE001 - its start failed: start one here, which says why
                break
            if fresh.usable:
                return fresh
            fresh.close()
            self._dispose(fresh)
        fresh = self._start(image)
        with self._lock:
            self.started += 1
        return fresh

    def _next(self, image: str) -> Future[FreshContainer] | None:
        """Takes the oldest waiting container of `image` and starts replacements as wanted."""
        with self._lock:
            waiting = self._waiting.setdefault(image, [])
            taken = waiting.pop(0) if waiting else None
            while not self._closed and len(waiting) < self._wanted.get(image, 1):
                waiting.append(self._starter.submit(self._start_ahead, image))
            return taken

    def _start_ahead(self, image: str) -> FreshContainer:
        fresh = self._start(image)
        with self._lock:
            self.started += 1
        return fresh

    def close(self) -> None:
        """Stops starting containers and disposes of every waiting one (once they are started)."""
        with self._lock:
            self._closed = True
            waiting = [future for futures in self._waiting.values() for future in futures]
            self._waiting.clear()
        self._starter.shutdown(wait=True, cancel_futures=True)
        for future in waiting:
            if future.done() and not future.cancelled() and future.exception() is None:
                fresh = future.result()
                fresh.close()
                self._dispose(fresh)
