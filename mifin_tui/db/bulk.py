"""Bulk inserts (an import of tens of thousands of rows, a closing's batch of postings)
without Peewee building the SQL of every row, which costs more than the insert itself on
a large batch: one prepared INSERT, executemany, values converted by each field."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import peewee

from mifin_tui.db.connection import autoincrement_top, database


def insert_rows(model: type[peewee.Model], rows: Sequence[Mapping[str, Any]], *,
                replace: bool = False) -> int:
    """Insert rows given as {field name (or column name): value}, inside the caller's
    transaction: the values `model.insert_many(rows)` would write (each field's
    `db_value`; a model instance stands for its id).

    The columns are those the first row names, plus the fields with a model default,
    which the rows that leave them out take; the others get the table's own default.
    An `id` given is written (a batch that numbers its rows ahead); `replace` makes it
    INSERT OR REPLACE. Returns the number of rows."""
    if not rows:
        return 0
    first = rows[0]
    # the columns the rows name, then those left to the model's default
    named = [(f, f.name if f.name in first else f.column_name)
             for f in model._meta.sorted_fields if f.name in first or f.column_name in first]
    defaulted = [f for f in model._meta.sorted_fields
                 if f.name not in first and f.column_name not in first
                 and f.default is not None]
    sql = 'INSERT {}INTO "{}" ({}) VALUES ({})'.format(
        "OR REPLACE " if replace else "", model._meta.table_name,
        ", ".join(f'"{f.column_name}"' for f in [f for f, _k in named] + defaulted),
        ", ".join("?" * (len(named) + len(defaulted))))
    database.cursor().executemany(sql, _params(named, defaulted, rows))
    return len(rows)


def _params(named: Sequence[tuple[peewee.Field, str]], defaulted: Sequence[peewee.Field],
            rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows' values, column by column: read and regrouped in C (itemgetter, zip),
    converted only in the columns whose values are not all of the column's plain
    Python type already (dates, booleans...), so that a batch of thousands of rows
    makes no Python call per value it does not need."""
    n = len(rows)
    try:
        values = list(map(operator.itemgetter(*[k for _f, k in named]), rows))
    except KeyError:  # a row leaves out a column the first names: its default there
        defaults = [_default(f) for f, _k in named]
        pairs = list(zip(named, defaults, strict=True))
        values = [tuple(row[k] if k in row else d() for (_f, k), d in pairs) for row in rows]
    columns: list[Sequence[Any]] = list(zip(*values, strict=True)) if len(named) > 1 else [values]
    for j, (f, _k) in enumerate(named):
        plain = _plain_type(f)
        if plain is None or not set(map(type, columns[j])) <= {plain, type(None)}:
            columns[j] = list(map(f.db_value, columns[j]))
    for f in defaulted:
        default = _default(f)
        columns.append([default() for _ in range(n)] if callable(f.default)
                       else [default()] * n)
    return list(zip(*columns, strict=True))


def next_id(table: str) -> int:
    """The id the table's next row gets (SQLite's AUTOINCREMENT: one past the highest it
    ever handed out), for a batch that numbers its rows ahead and links them by id."""
    top = autoincrement_top(table) or 0
    last = database.execute_sql(f'SELECT coalesce(max("id"), 0) FROM "{table}"').fetchone()[0]
    return max(top, last) + 1


# Fields whose value needs no conversion when it already has the column's Python type:
# the bulk of a batch (ids, amounts, codes), converted without a call into peewee.
_PLAIN: dict[type[peewee.Field], type] = {
    peewee.IntegerField: int, peewee.BigIntegerField: int, peewee.CharField: str,
    peewee.TextField: str, peewee.FixedCharField: str}


def _plain_type(f: peewee.Field) -> type | None:
    if isinstance(f, peewee.ForeignKeyField) and isinstance(f.rel_field, peewee.IntegerField):
        return int
    return _PLAIN.get(type(f))


def _default(f: peewee.Field) -> Callable[[], Any]:
    d = f.default
    if callable(d):
        return lambda: f.db_value(d())
    value = f.db_value(d)
    return lambda: value
