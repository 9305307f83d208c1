"""The D1 tables a Worker block queries but no block of its page creates, made so that it can run: from
the project's schema (`d1_schema` in `[tool.harness]`), else from the page's own `wrangler d1 execute
--command` lines, else inferred from the page's SQL by SQLite itself.

Inference prepares (`EXPLAIN`) each SQL statement of the page against an in-memory SQLite database and
lets SQLite's own errors say what is missing: `no such table: X` makes table X, `no such column: C` and
`table X has no column named C` add column C. A column the page spells once where it spells a near-twin
more often (`CompnyName` beside `CompanyName`) is taken for the page's typo and not made, so the query
that uses it fails as it would against the real table. Rows are seeded from the values the queries
compare columns with (`CompanyName = 'Bs Beverages'`, `.bind("Alfreds Futterkiste", 1)`), so that they
find rows as the page's output shows.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_ROUNDS = 64
"""At most this many errors are turned into tables and columns (each round fixes one)."""
_NO_TABLE = re.compile(r"no such table: (?:main\.)?(\w+)")
_NO_COLUMN = re.compile(r"no such column: (?:(\w+)\.)?(\w+)")
_NO_NAMED = re.compile(r"table (?:main\.)?(\w+) has no column named (\w+)")
_TABLE_REF = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+[`\"\[]?(\w+)[`\"\]]?(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE)
_EQUALS = re.compile(r"(?:\b\w+\.)?\b(\w+)\s*=\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?\b|\?\d*)")
_PARAMETER = re.compile(r"'(?:[^']|'')*'|\?(\d*)")
_TYPO_LENGTH = 5
"""The shortest column name that can be taken for a typo of another (one edit away, case aside)."""

Value = str | int | float | None
"""A bound or literal value of a query (None: the page's code computes it)."""


@dataclass(frozen=True)
class Query:
    """One SQL statement of the page, with the values `.bind()` gives its parameters where the code shows them."""

    sql: str
    line: int
    """The page line of the block it is in."""
    values: tuple[Value, ...] = ()
    dynamic: bool = False
    """Whether the code builds part of it at run time (`${...}` in a template, read here as NULL)."""


@dataclass(frozen=True)
class Schema:
    """What the harness makes before the Worker runs, and how it says so."""

    statements: tuple[str, ...]
    """SQL the runner applies to the Worker's D1 databases first (CREATE TABLE, INSERT)."""
    tables: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Each table made -> its columns."""
    rows: int = 0
    compared: bool = False
    """Whether some rows hold values the page's queries compare columns with (else example values)."""
    typos: tuple[tuple[str, str, int], ...] = ()
    """(column, the column it looks like, the page line that uses it): columns one edit away from one the
    page uses more often, left out as the page's typos (`CompnyName` beside `CompanyName`)."""


class Unbuildable(Exception):
    """The page's SQL does not say enough to make a table (its message says why)."""


def infer(missing: Sequence[str], queries: Sequence[Query], created: Sequence[str] = ()) -> Schema:
    """Tables `missing` made from what `queries` use; `created` is SQL the page or project runs first
    (its tables are not inferred). Raises Unbuildable when a table cannot be made."""
    db = sqlite3.connect(":memory:")
    for sql in created:
        _run(db, sql)
    wanted = {name.lower(): name for name in missing}
    tables: dict[str, list[str]] = {}
    queries = sorted(queries, key=lambda q: q.line)  # the same columns, in the same order, for every block
    for query in queries:
        for _ in range(_ROUNDS):
            if not _missing_piece(db, query.sql, wanted, tables):
                break
    unmade = [name for key, name in wanted.items() if key not in {t.lower() for t in tables}]
    if unmade:
        raise Unbuildable(f"no SQL statement of the page that SQLite can prepare uses table {', '.join(unmade)}")
    built = [t for t in tables if all(q.dynamic for q in queries if t.lower() in _referenced(q.sql))]
    if built:
        raise Unbuildable(f"the page's SQL that uses table {', '.join(built)} is built at run time (`${{...}}`)")
    counts = _column_counts(tables, queries)
    typos = _typos(tables, counts, queries)
    kept = {t: [c for c in cols if c not in typos.get(t, {})] for t, cols in tables.items()}
    rows, compared = _rows(kept, queries)
    statements = [_create(table, columns, rows.get(table, [])) for table, columns in kept.items()]
    inserts = [_insert(table, row) for table, found in rows.items() for row in found]
    said = tuple((bad, good, line) for table in typos for bad, (good, line) in typos[table].items())
    return Schema(tuple(statements + inserts), {t: tuple(c or ["id"]) for t, c in kept.items()}, len(inserts),
                  compared, said)


def _run(db: sqlite3.Connection, sql: str) -> None:
    with contextlib.suppress(sqlite3.Error):  # a page's statement that fails here fails in its run too
        db.executescript(sql)


def _missing_piece(db: sqlite3.Connection, sql: str, wanted: Mapping[str, str], tables: dict[str, list[str]]) -> bool:
    """Prepares `sql`; makes the table or column its error names (in `db` and `tables`). False when it
    prepares, or fails for another reason (a syntax error: the run shows it)."""
    try:
        db.execute("EXPLAIN " + sql, [None] * _parameter_count(sql))
        return False
    except (sqlite3.Error, sqlite3.Warning) as failure:
        error = str(failure)
    table_error = _NO_TABLE.search(error)
    if table_error:
        if table_error[1].lower() not in wanted:
            return False
        name = wanted[table_error[1].lower()]
        tables[name] = []
        db.execute(f'CREATE TABLE "{name}" (harness_placeholder__)')
        return True
    named = _NO_NAMED.search(error)
    if named is not None:
        table = next((t for t in tables if t.lower() == named[1].lower()), None)
        column = named[2]
    else:
        unknown = _NO_COLUMN.search(error)
        if unknown is None:
            return False
        table, column = _table_of(sql, unknown[1], tables), unknown[2]
    if table is None or column in tables[table]:
        return False
    tables[table].append(column)
    db.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}"')
    return True


def _parameter_count(sql: str) -> int:
    """How many values the statement's `?` and `?N` parameters take (SQLite's own count)."""
    count = 0
    for found in _PARAMETER.finditer(sql):
        if found.group(0).startswith("'"):
            continue
        count = max(count + 1, int(found[1])) if found[1] else count + 1
    return count


def _referenced(sql: str) -> set[str]:
    """The tables a statement reads or writes, in lower case."""
    return {m[1].lower() for m in _TABLE_REF.finditer(sql)}


def _table_of(sql: str, qualifier: str | None, tables: Mapping[str, list[str]]) -> str | None:
    """The inferred table a column of `sql` belongs to: the one its qualifier (name or alias) names,
    else the first inferred table the statement reads or writes."""
    refs = [(m[1], m[2]) for m in _TABLE_REF.finditer(sql)]
    by_lower = {t.lower(): t for t in tables}
    for name, alias in refs:
        named = qualifier is None or qualifier.lower() in (name.lower(), (alias or "").lower())
        if named and name.lower() in by_lower:
            return by_lower[name.lower()]
    return None


def _column_counts(tables: Mapping[str, list[str]], queries: Sequence[Query]) -> dict[str, Counter[str]]:
    """How many distinct statements name each inferred column."""
    statements = {q.sql for q in queries}
    counts: dict[str, Counter[str]] = {}
    for table, columns in tables.items():
        counts[table] = Counter({c: sum(bool(_names(c, sql)) for sql in statements) for c in columns})
    return counts


def _names(column: str, sql: str) -> bool:
    """Whether `sql` names `column` (SQLite's names ignore case)."""
    return re.search(rf"\b{re.escape(column)}\b", sql, re.IGNORECASE) is not None


def _typos(
    tables: Mapping[str, list[str]], counts: Mapping[str, Counter[str]], queries: Sequence[Query]
) -> dict[str, dict[str, tuple[str, int]]]:
    """Per table: column -> (the near-twin the page uses more often, the line of its first use)."""
    found: dict[str, dict[str, tuple[str, int]]] = {}
    for table, columns in tables.items():
        for rare in columns:
            for common in columns:
                if rare != common and len(rare) >= _TYPO_LENGTH and _edits(rare.lower(), common.lower()) == 1 \
                        and counts[table][common] > counts[table][rare]:
                    line = next((q.line for q in queries if _names(rare, q.sql)), 0)
                    found.setdefault(table, {})[rare] = (common, line)
                    break
    return found


def _edits(a: str, b: str) -> int:
    """The edits (insert, delete, replace, swap of two neighbours) that turn `a` into `b`."""
    previous, row = list(range(len(b) + 1)), [0] * (len(b) + 1)
    before: list[int] = []
    for i, ca in enumerate(a, start=1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], before[j - 2] + 1)
        before, previous = previous, row
    return previous[len(b)]


def _rows(tables: Mapping[str, list[str]], queries: Sequence[Query]) -> tuple[dict[str, list[dict[str, Value]]], bool]:
    """Rows that the queries' comparisons find: one per query that compares columns of one table with
    values the page shows; one example row for a table no query compares. And whether any is of the first kind."""
    rows: dict[str, list[dict[str, Value]]] = {table: [] for table in tables}
    for query in queries:
        refs = _referenced(query.sql)
        targets = [t for t in tables if t.lower() in refs]
        if len(targets) != 1 or not query.sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            continue
        table = targets[0]
        row = _compared(query, tables[table])
        if row and row not in rows[table]:
            rows[table].append(row)
    compared = any(rows.values())
    for table, found in rows.items():
        if not found:
            found.append({})
        _fill(found, tables[table])
    return rows, compared


def _compared(query: Query, columns: Sequence[str]) -> dict[str, Value]:
    """Column -> the value `query` compares it with (`col = 'x'`, `col = ?` with its bound value)."""
    by_lower = {c.lower(): c for c in columns}
    row: dict[str, Value] = {}
    position = 0
    for found in _EQUALS.finditer(query.sql):
        column, operand = by_lower.get(found[1].lower()), found[2]
        if operand.startswith("?"):
            position = int(operand[1:]) if operand[1:] else position + 1
            value: Value = query.values[position - 1] if position <= len(query.values) else None
        elif operand.startswith("'"):
            value = operand[1:-1].replace("''", "'")
        else:
            value = float(operand) if "." in operand else int(operand)
        if column is not None and value is not None:
            row[column] = value
    return row


def _fill(rows: list[dict[str, Value]], columns: Sequence[str]) -> None:
    """Every row given a value for every column: a fresh number for id-like columns, else text."""
    for column in columns:
        numeric = column.lower().endswith("id") or any(isinstance(r.get(column), int) for r in rows)
        taken = {r[column] for r in rows if column in r}
        next_number = 1
        for row in rows:
            if column in row:
                continue
            if numeric:
                while next_number in taken:
                    next_number += 1
                row[column] = next_number
                taken.add(next_number)
            else:
                row[column] = f"example {column}"


def _create(table: str, columns: Sequence[str], rows: Sequence[Mapping[str, Value]]) -> str:
    if not columns:
        return f'CREATE TABLE "{table}" ("id" INTEGER PRIMARY KEY)'
    parts = []
    for column in columns:
        values = [r[column] for r in rows if column in r]
        if column.lower() == "id":
            kind = "INTEGER PRIMARY KEY"
        elif values and all(isinstance(v, int) for v in values) or (not values and column.lower().endswith("id")):
            kind = "INTEGER"
        else:
            kind = "REAL" if values and all(isinstance(v, float) for v in values) else "TEXT"
        parts.append(f'"{column}" {kind}')
    return f'CREATE TABLE "{table}" ({", ".join(parts)})'


def _insert(table: str, row: Mapping[str, Value]) -> str:
    if not row:
        return f'INSERT INTO "{table}" DEFAULT VALUES'
    names = ", ".join(f'"{c}"' for c in row)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(_literal(v) for v in row.values())})'


def _literal(value: Value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)
