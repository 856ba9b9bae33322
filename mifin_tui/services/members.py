"""Members: the lookups every screen needs (picker, card header).

The full adhésion (fiche d'adhésion, fees, duplicates) builds on `create_row`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from mifin_tui.db.models import Branch, Member
from mifin_tui.i18n import _
from mifin_tui.services import clock, numbering
from mifin_tui.services.context import Context
from mifin_tui.services.errors import NotFound
from mifin_tui.services.permissions import requires


def fold(text: str) -> str:
    """Lower-case without accents: 'Kabongo Ngalula Bénédicte' -> 'kabongo ngalula benedicte'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


@dataclass(frozen=True)
class MemberSummary:
    id: int
    number: str
    display_name: str
    kind: str
    sex: str
    city: str
    phone: str
    status: str
    joined_on: date


def display_name(m: Member) -> str:
    if m.kind == "legal":
        return m.legal_name
    return " ".join(p for p in (m.surname.upper(), m.postname.upper(), m.first_name) if p)


def _summary(m: Member) -> MemberSummary:
    return MemberSummary(m.id, m.number, display_name(m), m.kind, m.sex, m.city, m.phone,
                         m.status, m.joined_on)


def create_row(ctx: Context, fields: dict, joined_on: date) -> Member:
    """Insert a member with the next number of the branch; inside a write transaction.

    Validation and fees belong to the adhésion service that calls this.
    """
    branch = Branch.get_by_id(ctx.branch_id)
    number = numbering.member_number(branch.code)
    names = " ".join(fields.get(k, "") for k in ("surname", "postname", "first_name",
                                                   "legal_name"))
    return Member.create(
        number=number, branch=branch, joined_on=joined_on, created_by=ctx.user_id,
        created_at=clock.now(), search_key=fold(f"{number} {names} {fields.get('phone', '')}"),
        **fields,
    )


@requires("member.read")
def search(ctx: Context, text: str, limit: int = 20) -> list[MemberSummary]:
    """Members whose number, names or phone contain every word typed."""
    words = fold(text).split()
    query = Member.select().order_by(Member.surname, Member.first_name, Member.id).limit(limit)
    for word in words[:5]:
        query = query.where(Member.search_key.contains(word))
    return [_summary(m) for m in query]


@requires("member.read")
def get(ctx: Context, member_id: int) -> MemberSummary:
    m = Member.get_or_none(Member.id == member_id)
    if m is None:
        raise NotFound(_("No member {id}.").format(id=member_id))
    return _summary(m)


@requires("member.read")
def count(ctx: Context) -> int:
    return Member.select().count()
