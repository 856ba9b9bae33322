"""The member list: keyset pages in name order, forwards and backwards, ties broken by
id, searches, and a query plan that reads the index rather than the table."""

from __future__ import annotations

import random
from datetime import date

import pytest

from mifin_tui import db
from mifin_tui.db.bulk import insert_rows
from mifin_tui.db.connection import database
from mifin_tui.db.models import Member
from mifin_tui.services.kernel.errors import PermissionDenied
from mifin_tui.services.members import listing as member_list
from mifin_tui.services.members import register as members

SURNAMES = ["Kabongo", "Ilunga", "Mbuyi", "Élanga", "kasongo", "Tshibangu", "Nsimba"]
FIRST = ["Bénédicte", "Jean", "Marie", "Patrick", "Grâce", "Joseph"]


def register(admin, count: int, seed: int = 3) -> list[tuple[str, int]]:
    """`count` members, many with the same name (ties); their keys in name order."""
    rng = random.Random(seed)
    rows = []
    for n in range(1, count + 1):
        fields = {"kind": "person", "surname": rng.choice(SURNAMES), "postname": "",
                  "first_name": rng.choice(FIRST), "sex": "F", "phone": f"08{n:08d}",
                  "id_number": f"ID{n:06d}", "city": "Kinshasa"}
        rows.append(members.row_values(f"KIN-{n:06d}", admin.branch_id, fields,
                                       date(2024, 1, 1), admin.user_id,
                                       "2026-11-23 08:00:00"))
    with db.write_transaction():
        insert_rows(Member, rows)
    return sorted((m.name_key, m.id) for m in Member.select())


@pytest.fixture
def reader(make_user):
    return make_user("manager")


def walk_forward(ctx, size: int) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    after = None
    while True:
        page = member_list.page(ctx, after=after, size=size)
        assert len(page) <= size
        seen += [line.key for line in page]
        if len(page) < size:
            return seen
        after = page[-1].key


def test_pages_forwards_give_every_member_once_in_name_order(admin, reader):
    expected = register(admin, 137)
    assert len({k[0] for k in expected}) < 50  # names repeat: ties are exercised
    for size in (1, 7, 50, 136, 137, 500):
        assert walk_forward(reader, size) == expected, size


def test_pages_backwards_from_the_end_give_the_same_order(admin, reader):
    expected = register(admin, 61)
    got: list[tuple[str, int]] = []
    before = (expected[-1][0], expected[-1][1] + 1)  # just after the last row
    while page := member_list.page(reader, before=before, size=8):
        got = [line.key for line in page] + got
        before = page[0].key
    assert got == expected


def test_a_page_shows_the_members_summary_and_folds_accents(admin, reader):
    register(admin, 20)
    first = member_list.page(reader, size=20)
    assert [line.member.id for line in first] == [k[1] for k in sorted(
        (m.name_key, m.id) for m in Member.select())]
    # "Élanga" sorts with the e's, not after "Tshibangu": the key is folded.
    names = [line.member.display_name.split()[0] for line in first]
    assert names == sorted(names, key=lambda n: members.fold(n))


def test_search_returns_matches_with_their_keys(admin, reader):
    register(admin, 40)
    found = member_list.search(reader, "0800000007")
    assert [line.member.number for line in found] == ["KIN-000007"]
    m = Member.get(Member.number == "KIN-000007")
    assert found[0].key == (m.name_key, m.id)


def test_the_page_query_walks_the_name_index(admin, reader):
    """No scan of the table, no sort of all rows: a page costs the same at any size."""
    register(admin, 30)
    last = member_list.page(reader, size=5)[-1].key
    query = (Member.select().where(member_list._after(last))
             .order_by(Member.name_key, Member.id).limit(50))
    sql, params = query.sql()
    plan = " | ".join(str(r[-1]) for r in database.execute_sql(
        f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert "member_name_key_birth_date" in plan, plan
    assert "SCAN" not in plan.replace("SCAN member USING INDEX", ""), plan
    assert "ORDER BY" not in plan or "RIGHT PART" in plan, plan


def test_after_and_before_together_is_a_mistake(admin, reader):
    with pytest.raises(ValueError):
        member_list.page(reader, after=("a", 1), before=("b", 2))


def test_the_list_needs_the_right_to_read_members(admin, make_user):
    from mifin_tui.services.kernel.permissions import ROLE_PERMISSIONS, ROLES

    role = next((r for r in ROLES if "member.read" not in ROLE_PERMISSIONS[r]), None)
    if role is None:
        pytest.skip("every role reads members")
    with pytest.raises(PermissionDenied):
        member_list.page(make_user(role))


def test_an_empty_search_gives_the_first_members_of_the_list_from_the_index(
        admin, reader, monkeypatch):
    """Nothing typed (the picker, before a key): the list's first members, in its folded
    name order, read from the name index. Sorted by surname and first name it sorted the
    whole table: 0.1 s among 200,000 members (bench/member_list.py, "empty search")."""
    register(admin, 40)
    executed: list[tuple[str, tuple]] = []
    real = database.obj.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        executed.append((sql, tuple(params or ())))
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", recording)
    found = members.search(reader, "", limit=12)
    monkeypatch.undo()
    assert [m.id for m in found] == [line.member.id for line in
                                     member_list.page(reader, size=12)]
    # "Élanga" with the e's, "kasongo" with the k's: the folded key, not the raw surname.
    names = [m.display_name.split()[0] for m in found]
    assert names == sorted(names, key=members.fold)
    selects = [(s, p) for s, p in executed if 'FROM "member"' in s and "ORDER BY" in s]
    assert len(selects) == 1, executed
    sql, params = selects[0]
    plan = " | ".join(str(r[-1]) for r in database.execute_sql(
        f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert "member_name_key_birth_date" in plan, plan
    assert "ORDER BY" not in plan or "RIGHT PART" in plan, plan
