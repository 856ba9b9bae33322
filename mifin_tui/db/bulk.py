"""Bulk inserts (an import of tens of thousands of rows) without Peewee building one huge
statement per batch: one prepared INSERT, executemany, values converted by each field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import peewee

from mifin_tui.db.connection import database


def insert_rows(model: type[peewee.Model], rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert rows given as {field name: value}, inside the caller's transaction.

    Fields missing from a row take their default. Returns the number of rows."""
    if not rows:
        return 0
    fields = [f for f in model._meta.sorted_fields
              if not isinstance(f, peewee.AutoField) and f.name != "id"]
    defaults = {}
    for f in fields:
        if f.default is not None:
            defaults[f.name] = f.default
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join("?" for _f in fields)
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'

    def value(f: peewee.Field, row: Mapping[str, Any]) -> Any:
        v = row.get(f.name, row.get(f.column_name))
        if v is None and f.name in defaults:
            d = defaults[f.name]
            v = d() if callable(d) else d
        if isinstance(v, peewee.Model):
            v = v.get_id()
        return f.db_value(v)

    params = [tuple(value(f, row) for f in fields) for row in rows]
    database.cursor().executemany(sql, params)
    return len(params)
