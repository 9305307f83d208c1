"""Worker blocks that query a D1 table no block of their page creates (an API reference page whose
`Customers` table comes from another page's tutorial) are run on a database the harness makes first,
and say so (`harness.extract.d1_schema` makes it).

The page pass (`seed_d1_tables`) gives each such block option `d1_plan`: the missing tables, the page's
SQL with the values its code binds, and the statements of the page's own `wrangler d1 execute --command`
lines before it. `apply_schema` turns the plan into option `d1_seed` (the statements the Worker runner
applies to the block's D1 databases, `runners/worker/run.mjs`) with the project's schema files
(`d1_schema` in `[tool.harness]`) first, and into the words the report says (option `d1_said`).
"""

from __future__ import annotations

import json
import re
import shlex
import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from harness.extract.d1_schema import Query, Unbuildable, Value, infer
from harness.extract.worker_program import RAN_AS_OPTION
from harness.model import Snippet
from harness.runtimes.base import listed

PLAN_OPTION = "d1_plan"
"""JSON `{"tables": [...], "queries": [[sql, line, [values], dynamic]], "page": [[line, sql]], "creates": [sql],
"ran_as": "..."}`: the
missing tables, the page's SQL, its `wrangler d1 execute` statements, and how the block ran before."""
SEED_OPTION = "d1_seed"
"""JSON list of SQL statements the runner applies to the Worker's D1 databases before its request."""
SAID_OPTION = "d1_said"
"""What the harness made, in words (the `d1-tables-supplied` finding)."""

_REASON = re.compile(r"^not runnable: queries D1 table (.+?), which (?:this snippet does not create|no block of this "
                     r"page's session creates)")
_JS = frozenset({"js", "ts"})
_STRING = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`"
_SQL_STRING = re.compile(r"([\"'`])\s*((?:SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH)\b(?:(?!\1)[^\\]|\\.)*)\1",
                         re.IGNORECASE)
_CREATE_STRING = re.compile(r"([\"'`])\s*(CREATE\b(?:(?!\1)[^\\]|\\.)*)\1", re.IGNORECASE)
"""A string of the block that creates something (its tables are not inferred)."""
_PREPARE = re.compile(rf"(?:\b(?:const|let|var)\s+([\w$]+)\s*=\s*[\w$.\s]*?)?\.prepare\(\s*({_STRING})\s*\)"
                      r"(?:\s*\.bind\(([^()]*)\))?")
_ARGUMENT = re.compile(rf"(?:{_STRING}|[^,\"'`])+")
"""One argument of a `.bind(...)` call (its commas are outside strings; the call holds no parentheses)."""
_INTERPOLATION = re.compile(r"\$\{[^}]*\}")


def seed_d1_tables(snippets: Sequence[Snippet]) -> list[Snippet]:
    """`snippets` (one page, in page order) with each Worker block stopped only by a D1 table its page
    never creates given a plan and, when the tables can be made, run on them."""
    if not any(_REASON.match(s.skip_reason or "") for s in snippets):
        return list(snippets)
    page_queries = [q for s in snippets if s.language in _JS for q in queries_of(s.code, s.line)]
    return [_planned(s, snippets, page_queries) if _REASON.match(s.skip_reason or "") else s for s in snippets]


def _planned(snippet: Snippet, page: Sequence[Snippet], page_queries: list[Query]) -> Snippet:
    found = _REASON.match(snippet.skip_reason or "")
    assert found is not None
    tables = re.findall(r"`(\w+)`", found[1])
    own = queries_of(snippet.code, snippet.line)
    others = [q for q in page_queries if q.line != snippet.line]
    plan = {"tables": tables, "queries": [[q.sql, q.line, list(q.values), q.dynamic] for q in own + others],
            "page": [[line, sql] for line, sql in page_statements(page, snippet.line)],
            "creates": [m[2] for m in _CREATE_STRING.finditer(snippet.code)],
            "ran_as": snippet.options.get(RAN_AS_OPTION, "")}
    return apply_schema(replace(snippet, options={**snippet.options, PLAN_OPTION: json.dumps(plan)}), (), "")


def apply_schema(snippet: Snippet, schema: Sequence[str], schema_source: str) -> Snippet:
    """The planned snippet run on its tables: `schema` (the project's statements, from `schema_source`)
    first, then the page's `wrangler d1 execute` statements, then what is still missing inferred from
    the page's SQL; or not run, its reason saying why the tables cannot be made."""
    plan = json.loads(snippet.options[PLAN_OPTION])
    shown = [(int(line), str(sql)) for line, sql in plan["page"]]
    given = _working([*schema, *(sql for _, sql in shown)])
    dropped = [line for line, sql in shown if sql not in given]
    existing = _tables_in(given)
    missing = [t for t in plan["tables"] if t.lower() not in existing]
    queries = [Query(sql, int(line), tuple(values), bool(dynamic)) for sql, line, values, dynamic in plan["queries"]]
    said: list[str] = []
    if schema:
        said.append(f"D1 tables from {schema_source} (`d1_schema`)")
    from_page = [t for t in plan["tables"] if t.lower() in existing - _tables_in(_working(list(schema)))]
    if from_page:
        lines = sorted({line for line, sql in shown if sql in given})
        said.append(f"D1 table {_names(from_page)} made as the page's `wrangler d1 execute` "
                    f"line{'s' if len(lines) > 1 else ''} {listed([str(n) for n in lines], quote='')} "
                    f"make{'' if len(lines) > 1 else 's'} "
                    f"{'them' if len(from_page) > 1 else 'it'}")
    if dropped:
        said.append(f"the page's `wrangler d1 execute` line{'s' if len(dropped) > 1 else ''} "
                    f"{listed([str(n) for n in dropped], quote='')} left out: SQLite refuses "
                    f"{'them' if len(dropped) > 1 else 'it'} after the statements before")
    inferred: tuple[str, ...] = ()
    if missing:
        try:
            made = infer(missing, queries, [*given, *plan.get("creates", [])])
        except Unbuildable as error:
            return replace(snippet, skip_reason=f"not runnable: queries D1 table {_names(missing)}, which no block of "
                           f"this page creates, and the harness cannot infer it: {error} (set `d1_schema` in "
                           "[tool.harness] to a schema file)")
        inferred = made.statements
        tables = "; ".join(f"`{t}` ({', '.join(cols)})" for t, cols in made.tables.items())
        rows = f"{made.rows} row{'s' if made.rows != 1 else ''}"
        rows = f"{rows} holding the values its queries look for" if made.compared else f"{rows} of example values"
        said.append(f"D1 table{'s' if len(made.tables) > 1 else ''} {tables} made by the harness from the page's "
                    f"SQL, with {rows} (set `d1_schema` in [tool.harness] to the real schema)")
        said += [f"column `{bad}` left out: it looks like a typo of `{good}`, which the page uses more often"
                 for bad, good, _ in made.typos if re.search(rf"\b{re.escape(bad)}\b", snippet.code)]
    text = "; ".join(said)
    ran_as = str(plan.get("ran_as", ""))
    options = {**snippet.options, SEED_OPTION: json.dumps([*given, *inferred]), SAID_OPTION: text,
               RAN_AS_OPTION: f"{ran_as}; {text}" if ran_as else text}
    return replace(snippet, options=options, skip_reason=None)


def _names(tables: Sequence[str]) -> str:
    return ", ".join(f"`{t}`" for t in tables)


def _working(statements: Sequence[str]) -> list[str]:
    """The statements that run one after the other on a fresh database (a page's `CREATE TABLE` that the
    project's schema already made is left out, so that the runner's batch does not fail on it)."""
    db = sqlite3.connect(":memory:")
    kept = []
    for sql in statements:
        try:
            db.executescript(sql)
        except sqlite3.Error:
            continue
        kept.append(sql)
    return kept


def schema_problem(statements: Sequence[str]) -> str | None:
    """Why the project's schema statements do not run one after the other on a fresh database, or None."""
    db = sqlite3.connect(":memory:")
    for sql in statements:
        try:
            db.executescript(sql)
        except sqlite3.Error as error:
            return f"{sql[:60]!r} fails in SQLite: {error}"
    return None


def _tables_in(statements: Sequence[str]) -> set[str]:
    db = sqlite3.connect(":memory:")
    for sql in statements:
        db.executescript(sql)
    return {str(row[0]).lower() for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def queries_of(code: str, line: int) -> list[Query]:
    """The SQL statements in a block's strings, each with the values the code binds to it where it shows
    them (`.prepare(sql).bind("x", 1)`, `stmt.bind(name)` with `const name = "x"`); an interpolation
    `${...}` stands as NULL (the SQL is built at run time: its values are not known)."""
    consts = _constants(code)
    bound: dict[str, list[tuple[Value, ...]]] = {}
    for found in _PREPARE.finditer(code):
        sql = _text(found[2])
        calls = [found[3]] if found[3] is not None else []
        if found[1] and found[3] is None:
            calls = re.findall(rf"\b{re.escape(found[1])}\s*\.bind\(([^()]*)\)", code)
        bound.setdefault(sql, []).extend(tuple(_value(a.strip(), consts) for a in _ARGUMENT.findall(c)) for c in calls)
    found_queries = []
    for match in _SQL_STRING.finditer(code):
        sql = _INTERPOLATION.sub("NULL", match[2].replace("\\n", "\n")) if match[1] == "`" else match[2]
        dynamic = match[1] == "`" and _INTERPOLATION.search(match[2]) is not None
        for values in bound.get(match[2], [()]) or [()]:
            found_queries.append(Query(sql, line, values, dynamic))
    return found_queries


def _text(literal: str) -> str:
    return literal[1:-1]


def _constants(code: str) -> dict[str, Value]:
    found: dict[str, Value] = {}
    for name, literal in re.findall(rf"\b(?:const|let|var)\s+([\w$]+)\s*=\s*({_STRING}|-?\d+(?:\.\d+)?)\s*[;\n]", code):
        found[name] = _value(literal, {})
    return found


def _value(argument: str, consts: dict[str, Value]) -> Value:
    if argument[:1] in "\"'`":
        return None if "${" in argument else argument[1:-1]
    if re.fullmatch(r"-?\d+", argument):
        return int(argument)
    if re.fullmatch(r"-?\d+\.\d+", argument):
        return float(argument)
    return consts.get(argument)


def page_statements(page: Sequence[Snippet], before: int) -> list[tuple[int, str]]:
    """(line, SQL) of each `wrangler d1 execute ... --command "SQL"` of the page's shell blocks above `before`."""
    found = []
    for block in page:
        if block.language != "sh" or block.line >= before or "d1" not in block.code:
            continue
        for offset, text in enumerate(block.code.splitlines()):
            try:
                words = shlex.split(text)
            except ValueError:
                continue
            if "d1" not in words or "execute" not in words:
                continue
            for i, word in enumerate(words):
                if word == "--command" and i + 1 < len(words):
                    found.append((block.line + offset, words[i + 1]))
                elif word.startswith("--command="):
                    found.append((block.line + offset, word.removeprefix("--command=")))
    return found
