"""The mock's request journal: every exchange is recorded first and judged afterwards.

The journal is shared by the app (REST and binding requests) and the proxy front (blocked
connections); both run in the server thread while runners and checks read from others, so
every access holds one lock. `seq` is assigned on arrival and orders the whole run.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Mapping
from typing import Any

from harness.model import RecordedRequest
from harness.serialize import dump, load


class Journal:
    """A thread-safe log of `RecordedRequest`s in arrival order, indexed by snippet.

    It keeps every entry until `clear` (what `harness mock` serves: a user reads the whole journal).
    A run that is done with a snippet `take`s its entries, which the journal then forgets: only
    the caller decides that an entry is no longer needed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, RecordedRequest] = {}  # by seq: insertion order is arrival order
        self._by_snippet: dict[str | None, list[RecordedRequest]] = {}
        self._next_seq = 1

    def record(self, request: RecordedRequest) -> RecordedRequest:
        """Appends `request` with the next `seq` number (and the time, unless it has one: an entry
        recorded in another process keeps its own) and returns the stored entry."""
        with self._lock:
            entry = dataclasses.replace(request, seq=self._next_seq, at=request.at or time.time())
            self._next_seq += 1
            self._entries[entry.seq] = entry
            self._by_snippet.setdefault(entry.snippet_id, []).append(entry)
            return entry

    def all(self) -> tuple[RecordedRequest, ...]:
        """Every entry, in order of arrival."""
        with self._lock:
            return tuple(self._entries.values())

    def for_snippet(self, snippet_id: str | None) -> tuple[RecordedRequest, ...]:
        """The entries sent by one snippet (None: those no snippet claimed), in order of arrival."""
        with self._lock:
            return tuple(self._by_snippet.get(snippet_id, ()))

    def take(self, snippet_id: str | None) -> tuple[RecordedRequest, ...]:
        """The entries of one snippet, as `for_snippet` gives them, and forgets them: for a caller that
        has finished with that snippet. Entries it sends later are recorded as usual."""
        with self._lock:
            taken = tuple(self._by_snippet.pop(snippet_id, ()))
            for entry in taken:
                del self._entries[entry.seq]
            return taken

    def clear(self) -> None:
        """Forgets every entry; `seq` keeps counting so numbers stay unique within a run."""
        with self._lock:
            self._entries.clear()
            self._by_snippet.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def entry_to_dict(entry: RecordedRequest) -> dict[str, Any]:
    """A JSON-ready form of one entry (`harness.serialize`: the body as `{"b64": ...}`, headers as pairs)."""
    data: dict[str, Any] = dump(entry)
    return data


def entry_from_dict(data: Mapping[str, Any]) -> RecordedRequest:
    """The inverse of `entry_to_dict` (for reading the journal of a mock in another process)."""
    return load(RecordedRequest, data)
