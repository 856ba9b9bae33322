"""The raw SQL of each business area, one module per area (`queries/savings.py`, ...).

Services ask these modules by name for what they need ("the balances of these accounts
on that day") and never hold SQL text themselves; peewee's query builder stays in the
services where it is enough. Statements are written once with `?` placeholders and run
through `run`, `rows` and `value`, which give them the bound database's own parameter
marker: a query whose text is the same on SQLite and PostgreSQL needs nothing more, and
one that differs gets its PostgreSQL variant beside it under the same name, chosen with
`dialect()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from mifin_tui.db.connection import database


def dialect() -> str:
    """'sqlite' or 'postgresql': which variant of a query the bound database speaks."""
    import peewee

    return "postgresql" if isinstance(database.obj, peewee.PostgresqlDatabase) else "sqlite"


@cache
def _marked(sql: str, marker: str) -> str:
    return sql if marker == "?" else sql.replace("?", marker)


def run(sql: str, params: Sequence[Any] = ()) -> Any:
    """Execute one statement; the driver's cursor."""
    return database.execute_sql(_marked(sql, database.param), tuple(params))


def run_many(sql: str, params_seq: Iterable[Sequence[Any]]) -> Any:
    """Execute one statement once per parameter tuple (executemany); the driver's cursor."""
    return database.cursor().executemany(_marked(sql, database.param), params_seq)


def rows(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Every row of a query, as tuples."""
    return run(sql, params).fetchall()


def value(sql: str, params: Sequence[Any] = (), default: Any = None) -> Any:
    """The first column of the first row, or `default` when there is no row."""
    row = run(sql, params).fetchone()
    return default if row is None or row[0] is None else row[0]


def placeholders(items: Iterable[Any]) -> str:
    """'?, ?, ?' for an IN (...) list of `items`."""
    return ", ".join("?" for _ in items)


# Ids bound per statement of an IN list: older SQLite builds take at most 999 parameters.
IN_CHUNK = 500


def rows_in(sql: str, ids: Iterable[Any], extra: Sequence[Any] = ()) -> list[tuple]:
    """`rows` of a query whose `{ids}` is an IN list of `ids`, run IN_CHUNK ids at a time
    in the order given, the rows of each run after those of the one before; `extra`
    parameters follow the ids in every run."""
    from peewee import chunked

    out: list[tuple] = []
    for chunk in chunked(list(ids), IN_CHUNK):
        out += rows(sql.format(ids=placeholders(chunk)), (*chunk, *extra))
    return out
