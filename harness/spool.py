"""The run's spool: what a run has extracted and finished goes to disk, as JSON lines, and leaves RAM.

A `Spool` is an append-only file of one `harness.serialize` line per item, read back as a sequence
(its length, an item by index, a streaming pass) without holding the items: only each line's offset
stays in memory (8 bytes an item). The plan's snippets and every finished snippet's result live in
spools, so a run of 15,000 snippets holds about as much as one of 100, and the reports stream from
them.

Every spool of this process is a file in one folder, `run_folder()`: the one place that knows where
(created on first use, removed with its files when the process exits, or by `remove_run_folder()`).
A spool's own file is removed when the spool is let go. `read_lines(path, cls)` reads a spool's file
back after an interrupt (a last line cut short is left out).
"""

from __future__ import annotations

import atexit
import itertools
import pickle
import shutil
import tempfile
import threading
import typing
import weakref
from abc import abstractmethod
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar, overload

from harness.serialize import dumps, loads

T = TypeVar("T")
U = TypeVar("U")

_folder: Path | None = None
_folder_lock = threading.Lock()
_names = itertools.count(1)


def run_folder() -> Path:
    """This process's spool folder (a temp folder made on first use, removed at exit)."""
    global _folder
    with _folder_lock:
        if _folder is None or not _folder.is_dir():
            _folder = Path(tempfile.mkdtemp(prefix="harness-spool-"))
            atexit.register(shutil.rmtree, _folder, True)
        return _folder


def remove_run_folder() -> None:
    """Removes the spool folder and every spool file in it now (the next spool makes a new one)."""
    global _folder
    with _folder_lock:
        if _folder is not None:
            shutil.rmtree(_folder, ignore_errors=True)
            _folder = None


def read_lines(path: Path, cls: type[T]) -> Iterator[T]:
    """The items of a spool file, as far as they were written whole (for a run that was interrupted)."""
    with path.open("rb") as stream:
        for line in stream:
            if line.endswith(b"\n"):
                yield loads(cls, line)


class Lazy(Sequence[T], Generic[T]):
    """A sequence that builds each item when it is read (`_item`), by index or slice, holding none."""

    @abstractmethod
    def _item(self, index: int) -> T:
        """The item at `index` (0 <= index < len(self))."""

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        return self._item(range(len(self))[index])

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence (a tuple, a list, another spool) of equal items in the same order."""
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # as a list: its items can change


class Spool(Lazy[T]):
    """An append-only sequence of `cls` items kept on disk, one JSON line each (see the module)."""

    def __init__(self, cls: type[T], name: str = "spool", items: Iterable[T] = (), pickled: bool = False) -> None:
        self.cls = cls
        self.pickled = pickled
        """Items as pickles rather than JSON lines (for data JSON cannot carry: a page's YAML front
        matter may hold dates); such a spool is read back by this process only."""
        self.path = run_folder() / f"{name}-{next(_names)}.jsonl"
        self._offsets = array("q")
        self._end = 0
        self._lock = threading.Lock()
        self._writer = self.path.open("ab")
        self._reader = self.path.open("rb")
        self._finalizer = weakref.finalize(self, _close, self._writer, self._reader, self.path)
        for item in items:
            self.append(item)

    def append(self, item: T) -> None:
        """Writes `item` at the end of the spool."""
        line = pickle.dumps(item, pickle.HIGHEST_PROTOCOL) if self.pickled else dumps(item).encode() + b"\n"
        with self._lock:
            self._writer.write(line)
            self._offsets.append(self._end)
            self._end += len(line)

    def close(self) -> None:
        """Removes the spool's file now (it cannot be read after)."""
        self._finalizer()

    def __len__(self) -> int:
        return len(self._offsets)

    def _item(self, index: int) -> T:
        with self._lock:
            offset, end = self._offsets[index], self._end_of(index)
            self._writer.flush()
            self._reader.seek(offset)
            record = self._reader.read(end - offset)
        return self._decode(record)

    def __iter__(self) -> Iterator[T]:
        with self._lock:
            count = len(self._offsets)
            ends = [self._end_of(i) for i in range(count)] if self.pickled else []
            self._writer.flush()
        with self.path.open("rb") as stream:
            if self.pickled:
                for index in range(count):
                    yield self._decode(stream.read(ends[index] - self._offsets[index]))
            else:
                for line in itertools.islice(stream, count):
                    yield self._decode(line)

    def _end_of(self, index: int) -> int:
        return self._offsets[index + 1] if index + 1 < len(self._offsets) else self._end

    def _decode(self, record: bytes) -> T:
        return typing.cast(T, pickle.loads(record)) if self.pickled else loads(self.cls, record)  # noqa: S301 - ours

    def mapped(self, change: Callable[[T], U]) -> Mapped[T, U]:
        """This spool as seen through `change`, applied to each item as it is read."""
        return Mapped(self, change)


class Mapped(Lazy[U], Generic[T, U]):
    """A sequence of `change(item)` for each item of `items`, computed as each is read (nothing kept)."""

    def __init__(self, items: Sequence[T], change: Callable[[T], U]) -> None:
        self.items = items
        self.change = change

    def __len__(self) -> int:
        return len(self.items)

    def _item(self, index: int) -> U:
        return self.change(self.items[index])

    def __iter__(self) -> Iterator[U]:
        return (self.change(item) for item in self.items)


def _close(writer: BinaryIO, reader: BinaryIO, path: Path) -> None:
    writer.close()
    reader.close()
    path.unlink(missing_ok=True)
