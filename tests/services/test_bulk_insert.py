"""`db.bulk.insert_rows` writes what peewee's `insert_many` writes, value for value:
plain columns read as they are, the others (dates, booleans, model instances, strings
in an integer column) converted by their field, defaults constant or callable, ids
given or drawn, and rows that leave out a column the first one names."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import peewee as pw
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mifin_tui.db import connection
from mifin_tui.db.bulk import insert_rows

_counter = itertools.count(1)


class Parent(pw.Model):
    name = pw.CharField()

    class Meta:
        database = connection.database


class Row(pw.Model):
    parent = pw.ForeignKeyField(Parent)
    amount = pw.BigIntegerField()
    count = pw.IntegerField(default=7)
    code = pw.CharField(default=lambda: f"C{next(_counter)}")
    day = pw.DateField(null=True)
    at = pw.DateTimeField(null=True)
    flag = pw.BooleanField(default=False)
    note = pw.TextField(null=True)

    class Meta:
        database = connection.database


@pytest.fixture
def store(tmp_path):
    connection.bind(connection.open_sqlite(tmp_path / "bulk.db"))
    connection.database.create_tables([Parent, Row])
    Parent.create(name="a")
    Parent.create(name="b")
    yield
    connection.close()


def _rows() -> list[tuple]:
    return [tuple(r) for r in Row.select(
        Row.parent, Row.amount, Row.count, Row.day, Row.at, Row.flag, Row.note).tuples()]


OPTIONAL = {
    "day": st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2100, 1, 1))),
    "flag": st.one_of(st.booleans(), st.sampled_from([0, 1])),
    "note": st.one_of(st.none(), st.text(max_size=5)),
    "count": st.one_of(st.integers(0, 100), st.sampled_from(["3", "12"])),
}


@st.composite
def batches(draw) -> list[dict]:
    """Rows naming the same columns (as a batch does), with values of every kind."""
    keys = draw(st.sets(st.sampled_from(sorted(OPTIONAL))))
    row = st.fixed_dictionaries({
        "parent": st.sampled_from([1, 2, "2"]), "amount": st.integers(-10**12, 10**12),
        **{k: OPTIONAL[k] for k in keys}})
    return draw(st.lists(row, min_size=1, max_size=12))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches())
def test_the_rows_are_those_insert_many_writes(store, rows):
    with connection.database.atomic():
        Row.delete().execute()
        Row.insert_many(rows).execute()
        expected = _rows()
        Row.delete().execute()
        assert insert_rows(Row, rows) == len(rows)
        assert _rows() == expected
        Row.delete().execute()


def test_ids_model_instances_dates_and_defaults(store):
    parent = Parent.get_by_id(2)
    with connection.database.atomic():
        insert_rows(Row, [
            {"id": 10, "parent": parent, "amount": 5, "day": date(2026, 12, 31),
             "at": datetime(2026, 12, 31, 8, 30), "flag": True},
            {"id": 11, "parent": 1, "amount": 6, "day": "2026-12-30", "at": None,
             "flag": 0},
        ])
    got = list(Row.select().order_by(Row.id))
    assert [(r.id, r.parent_id, r.amount, r.count, r.day, r.flag) for r in got] == [
        (10, 2, 5, 7, date(2026, 12, 31), True), (11, 1, 6, 7, date(2026, 12, 30), False)]
    assert got[0].at == datetime(2026, 12, 31, 8, 30)
    # a callable default is called per row
    assert got[0].code != got[1].code and got[0].code.startswith("C")


def test_a_row_that_leaves_out_a_column_takes_its_default(store):
    with connection.database.atomic():
        insert_rows(Row, [{"parent": 1, "amount": 1, "count": 3}, {"parent": 1, "amount": 2}])
    assert [r.count for r in Row.select().order_by(Row.id)] == [3, 7]


def test_replace_overwrites_the_row_of_the_same_id(store):
    with connection.database.atomic():
        insert_rows(Row, [{"id": 1, "parent": 1, "amount": 1}])
        insert_rows(Row, [{"id": 1, "parent": 2, "amount": 9}], replace=True)
    assert [(r.parent_id, r.amount) for r in Row.select()] == [(2, 9)]
