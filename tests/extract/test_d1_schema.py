"""D1 tables a Worker block queries but its page never creates: inferred from the page's SQL by SQLite,
taken from the page's `wrangler d1 execute` lines, or from the project's `d1_schema`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from harness.config import apply_to_snippet, parse
from harness.errors import HarnessError
from harness.extract.d1_schema import Query, Unbuildable, infer
from harness.extract.d1_tables import PLAN_OPTION, SAID_OPTION, SEED_OPTION, queries_of
from harness.extract.formats import format_for
from harness.extract.page import extract_text
from harness.model import Snippet


def rows(statements: tuple[str, ...] | list[str], sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(":memory:")
    for statement in statements:
        db.execute(statement)
    return db.execute(sql).fetchall()


def test_tables_and_columns_come_from_sqlites_own_errors() -> None:
    made = infer(["Customers"], [
        Query("SELECT * FROM Customers WHERE CompanyName = ?", 10, ("Bs Beverages",)),
        Query("SELECT * FROM Customers WHERE CompanyName = 'Alfreds Futterkiste' AND CustomerId = 1", 20),
        Query("SELECT * FROM Customers WHERE CompanyName = ?2 AND CustomerId = ?1", 30, (4, "Around the Horn")),
        Query('SELECT * FROM Customers WHERE CompanyName = "Bs Beverages"', 40),  # a string, as SQLite reads it
    ])
    assert made.tables == {"Customers": ("CompanyName", "CustomerId")}
    assert sorted(rows(made.statements, "SELECT CompanyName, CustomerId FROM Customers")) == [
        ("Alfreds Futterkiste", 1), ("Around the Horn", 4), ("Bs Beverages", 2)]
    assert made.rows == 3 and made.compared and made.typos == ()


def test_a_column_one_edit_from_a_commoner_one_is_the_pages_typo() -> None:
    made = infer(["Books"], [
        Query("SELECT Title FROM Books WHERE Shelf = ?", 5, ("Poetry",)),
        Query("SELECT COUNT(*) FROM Books WHERE Title = 'Ulysses'", 9),
        Query("SELECT Title FROM Books ORDER BY Tilte", 14),
    ])
    assert made.tables == {"Books": ("Title", "Shelf")}
    assert made.typos == (("Tilte", "Title", 14),)
    with pytest.raises(sqlite3.OperationalError, match="no such column: Tilte"):
        rows(made.statements, "SELECT Title FROM Books ORDER BY Tilte")


def test_columns_of_a_join_go_to_the_table_their_qualifier_names() -> None:
    made = infer(["orders", "users"], [
        Query("SELECT u.name, o.total FROM orders o JOIN users u ON u.id = o.user_id WHERE u.name = 'Ada'", 3)])
    assert made.tables == {"orders": ("total", "user_id"), "users": ("name", "id")}


def test_a_table_the_page_creates_is_not_inferred_and_its_missing_column_stays_missing() -> None:
    made = infer(["notes"], [Query("SELECT body FROM notes JOIN tags ON tags.note = notes.id WHERE tags.label = ?", 1)],
                 created=["CREATE TABLE tags (label TEXT, note INTEGER)"])
    assert made.tables == {"notes": ("body", "id")}


def test_a_table_no_preparable_statement_uses_cannot_be_made() -> None:
    with pytest.raises(Unbuildable, match="no SQL statement of the page that SQLite can prepare uses table users"):
        infer(["users"], [Query("SELEC * FROM users", 1)])


def test_bound_values_are_read_from_the_code_that_binds_them() -> None:
    code = ('const shelf = `Poetry`;\nconst stmt = env.DB.prepare("SELECT * FROM Books WHERE Shelf = ?");\n'
            "await env.DB.batch([stmt.bind(shelf), stmt.bind('History')]);\n"
            'await env.DB.prepare("SELECT * FROM Books WHERE Id = ?").bind(request.id).first();\n'
            "await env.DB.prepare(`SELECT * FROM Books WHERE Id IN (${ids.join()})`).all();\n")
    found = queries_of(code, 7)
    assert [(q.sql, q.values) for q in found] == [
        ("SELECT * FROM Books WHERE Shelf = ?", ("Poetry",)), ("SELECT * FROM Books WHERE Shelf = ?", ("History",)),
        ("SELECT * FROM Books WHERE Id = ?", (None,)), ("SELECT * FROM Books WHERE Id IN (NULL)", ())]


PAGE = """# Books

```sh
npx wrangler d1 execute library --remote --command "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT)"
```

```js
export default {
  async fetch(request, env) {
    return Response.json(await env.DB.prepare("SELECT title FROM books").first());
  },
};
```

```js
export default {
  async fetch(request, env) {
    return Response.json(await env.DB.prepare("SELECT * FROM Shelves WHERE name = ?").bind("Poetry").first());
  },
};
```
"""


def workers(text: str) -> list[Snippet]:
    return [s for s in extract_text(text, "page.md", format_for(Path("page.md"))).snippets if s.language == "js"]


def test_the_pages_own_wrangler_lines_make_the_table_and_inference_makes_the_rest() -> None:
    books, shelves = workers(PAGE)
    assert books.skip_reason is None and shelves.skip_reason is None
    assert json.loads(books.options[SEED_OPTION]) == [
        "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT)"]
    assert books.options[SAID_OPTION] == "D1 table `books` made as the page's `wrangler d1 execute` line 4 makes it"
    assert rows(json.loads(shelves.options[SEED_OPTION]), "SELECT name FROM Shelves") == [("Poetry",)]
    assert "D1 table `Shelves` (name) made by the harness from the page's SQL, with 1 row holding the values its " \
           "queries look for" in shelves.options[SAID_OPTION]


def test_dynamic_sql_that_names_no_table_keeps_a_precise_reason() -> None:
    (block,) = workers("# x\n\n```js\nexport default { async fetch(request, env) {\n  return Response.json(\n"
                       "    await env.DB.prepare(`SELECT * FROM users WHERE ${request.url}`).all());\n} };\n```\n")
    assert block.skip_reason == (
        "not runnable: queries D1 table `users`, which no block of this page creates, and the harness cannot infer "
        "it: the page's SQL that uses table users is built at run time (`${...}`) (set `d1_schema` in "
        "[tool.harness] to a schema file)")


def test_the_projects_schema_comes_first(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text("-- the library\nCREATE TABLE Shelves (\n  name TEXT,\n  floor INTEGER\n);\n"
                                         "INSERT INTO Shelves VALUES ('Poetry', 2);\n")
    config = parse({"d1_schema": ["schema.sql"]}, str(tmp_path / "harness.toml"))
    assert config.d1_schema == ("CREATE TABLE Shelves (\n  name TEXT,\n  floor INTEGER\n);",
                                "INSERT INTO Shelves VALUES ('Poetry', 2);")
    shelves = apply_to_snippet(config, workers(PAGE)[1])
    assert json.loads(shelves.options[SEED_OPTION])[:2] == list(config.d1_schema)
    assert rows(json.loads(shelves.options[SEED_OPTION]), "SELECT * FROM Shelves") == [("Poetry", 2)]
    assert shelves.options[SAID_OPTION] == f"D1 tables from {tmp_path / 'schema.sql'} (`d1_schema`)"
    assert PLAN_OPTION in shelves.options and shelves.skip_reason is None


def test_a_page_statement_the_projects_schema_refuses_is_left_out_and_said(tmp_path: Path) -> None:
    (tmp_path / "books.sql").write_text("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, isbn TEXT);\n")
    books = apply_to_snippet(parse({"d1_schema": ["books.sql"]}, str(tmp_path / "harness.toml")), workers(PAGE)[0])
    assert json.loads(books.options[SEED_OPTION]) == [
        "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT, isbn TEXT);"]  # the page's own CREATE fails after it
    assert books.options[SAID_OPTION] == (f"D1 tables from {tmp_path / 'books.sql'} (`d1_schema`); the page's "
                                          "`wrangler d1 execute` line 4 left out: SQLite refuses it after the "
                                          "statements before")


def test_a_schema_file_that_does_not_run_is_the_projects_error(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text("CREATE TABLE a (x);\nINSERT INTO b VALUES (1);\n")
    with pytest.raises(HarnessError, match=r"d1_schema file .*schema.sql: 'INSERT INTO b VALUES \(1\);' fails in "
                                           "SQLite: no such table: b"):
        parse({"d1_schema": "schema.sql"}, str(tmp_path / "harness.toml"))
    with pytest.raises(HarnessError, match="cannot be read"):
        parse({"d1_schema": ["missing.sql"]}, str(tmp_path / "harness.toml"))
