"""D1's SQL, really executed: one in-memory SQLite database per D1 database id of a run.

`wrangler d1 execute --remote` (its `--command` through `/query`, its `--file` through `/import`)
and `/raw` land here, so a page's `CREATE TABLE` then `INSERT` then `SELECT` round-trips as on D1.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field
from typing import Any

SQL_ERROR = 7500
"""D1's error code for a statement SQLite refuses."""


class D1Error(Exception):
    """A statement D1 refuses, worded as D1 words it (`near "SELEC": syntax error: SQLITE_ERROR`)."""


@dataclass(frozen=True)
class StatementResult:
    """One statement's answer: its rows (as column -> value) and D1's `meta`."""

    columns: tuple[str, ...]
    """Column names of the rows, in order."""
    rows: tuple[tuple[Any, ...], ...]
    """The rows it returned."""
    meta: dict[str, Any]
    """`changes`, `last_row_id`, `rows_read`, `rows_written`, `duration`, `size_after`, `changed_db`."""

    def as_objects(self) -> dict[str, Any]:
        """The `/query` form: `{"results": [{column: value}], "success": true, "meta": {...}}`."""
        return {"results": [dict(zip(self.columns, row, strict=True)) for row in self.rows],
                "success": True, "meta": self.meta}

    def as_raw(self) -> dict[str, Any]:
        """The `/raw` form: `{"results": {"columns": [...], "rows": [[...]]}, ...}`."""
        return {"results": {"columns": list(self.columns), "rows": [list(r) for r in self.rows]},
                "success": True, "meta": self.meta}


def statements(sql: str) -> list[str]:
    """`sql` split into complete statements (semicolons inside strings and comments kept)."""
    found: list[str] = []
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        while sqlite3.complete_statement(pending):
            cut = _end_of_first(pending)
            found.append(pending[:cut].strip())
            pending = pending[cut:]
    if pending.strip() and not all(part.strip().startswith("--") for part in pending.strip().splitlines()):
        found.append(pending.strip())
    return [s for s in found if s.rstrip(";").strip()]


def _end_of_first(text: str) -> int:
    """Offset just after the first complete statement of `text`."""
    for index, char in enumerate(text):
        if char == ";" and sqlite3.complete_statement(text[: index + 1]):
            return index + 1
    return len(text)


@dataclass
class D1Engine:
    """The SQLite databases of one run, by D1 database id."""

    databases: dict[str, sqlite3.Connection] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def execute(self, database_id: str, sql: str, params: list[Any] | None = None) -> list[StatementResult]:
        """Runs every statement of `sql` on the database (created empty when first used); raises
        `D1Error` at the first one SQLite refuses."""
        with self.lock:
            connection = self.databases.get(database_id)
            if connection is None:
                connection = self.databases[database_id] = sqlite3.connect(":memory:", check_same_thread=False,
                                                                           isolation_level=None)
            return [self._one(connection, statement, params or []) for statement in statements(sql)]

    def _one(self, connection: sqlite3.Connection, statement: str, params: list[Any]) -> StatementResult:
        started = time.perf_counter()
        before = connection.total_changes
        try:
            cursor = connection.execute(statement, params if "?" in statement else [])
            rows = tuple(tuple(row) for row in cursor.fetchall())
        except sqlite3.Error as error:
            raise D1Error(f"{error}: SQLITE_ERROR") from error
        columns = tuple(d[0] for d in cursor.description or ())
        changes = connection.total_changes - before
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        meta = {"changed_db": changes > 0, "changes": changes, "last_row_id": cursor.lastrowid or 0,
                "rows_read": len(rows), "rows_written": changes,
                "duration": round((time.perf_counter() - started) * 1000, 3), "size_after": pages * 4096,
                "served_by": "harness-mock-d1"}
        return StatementResult(columns, rows, meta)
