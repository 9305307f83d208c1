"""The mock's D1: statements really run in SQLite, per database."""

from __future__ import annotations

import pytest

from harness.mock.services.cloudflare_api.d1_engine import D1Engine, D1Error, statements


def test_statements_split_on_semicolons_outside_strings() -> None:
    sql = "CREATE TABLE t (a TEXT);\nINSERT INTO t VALUES ('x; y');\n-- a comment\nSELECT a FROM t"
    assert statements(sql) == ["CREATE TABLE t (a TEXT);", "INSERT INTO t VALUES ('x; y');",
                               "-- a comment\nSELECT a FROM t"]


def test_a_table_created_in_one_call_is_read_in_the_next_of_the_same_database_only() -> None:
    engine = D1Engine()
    engine.execute("db1", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    written = engine.execute("db1", "INSERT INTO notes (text) VALUES (?)", ["hello"])
    assert written[0].meta["changes"] == 1 and written[0].meta["last_row_id"] == 1
    read = engine.execute("db1", "SELECT id, text FROM notes")
    assert read[0].as_objects()["results"] == [{"id": 1, "text": "hello"}]
    assert read[0].as_raw()["results"] == {"columns": ["id", "text"], "rows": [[1, "hello"]]}
    with pytest.raises(D1Error, match="no such table: notes"):
        engine.execute("db2", "SELECT * FROM notes")
