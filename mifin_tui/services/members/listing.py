"""The member list: every member, a page at a time, in name order.

Keyset pagination on (name_key, id), which the index member_name_key_birth_date covers
(SQLite keeps the rowid as the index's last column, and name ties are few): a page
costs the same among 200 members as among 200,000, since no query counts or skips
the rows before it. Searching goes through `members.search` (the FTS index).
"""

from __future__ import annotations

from dataclasses import dataclass

from mifin_tui.db.models import Member
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.members.register import MemberSummary

PAGE_SIZE = 50

Key = tuple[str, int]


@dataclass(frozen=True)
class MemberLine:
    member: MemberSummary
    key: Key  # (name_key, id): where the next page starts


def _after(key: Key):
    name, member_id = key
    # The first term lets SQLite seek in the index; the second breaks name ties by id.
    return (Member.name_key >= name) & ((Member.name_key > name) | (Member.id > member_id))


def _before(key: Key):
    name, member_id = key
    return (Member.name_key <= name) & ((Member.name_key < name) | (Member.id < member_id))


@requires("member.read")
def page(ctx: Context, *, after: Key | None = None, before: Key | None = None,
         size: int = PAGE_SIZE) -> list[MemberLine]:
    """At most `size` members in name order: the first ones, those after the row whose
    key is `after`, or those just before `before` (still in name order)."""
    if after is not None and before is not None:
        raise ValueError("page: give after or before, not both")
    query = Member.select()
    if before is not None:
        query = query.where(_before(before)).order_by(Member.name_key.desc(),
                                                      Member.id.desc())
    else:
        if after is not None:
            query = query.where(_after(after))
        query = query.order_by(Member.name_key, Member.id)
    found = list(query.limit(size))
    if before is not None:
        found.reverse()
    return [MemberLine(members.summary_of(m), (m.name_key, m.id)) for m in found]


@requires("member.read")
def search(ctx: Context, text: str, size: int = PAGE_SIZE) -> list[MemberLine]:
    """The best `size` matches of what is typed (name, number, phone, ID, account)."""
    found = members.search(ctx, text, limit=size)
    keys = dict(Member.select(Member.id, Member.name_key)
                .where(Member.id.in_([m.id for m in found])).tuples())
    return [MemberLine(m, (keys.get(m.id, ""), m.id)) for m in found]


@requires("member.read")
def count(ctx: Context) -> int:
    """How many members the register holds (shown once, when the list opens)."""
    return Member.select().count()
