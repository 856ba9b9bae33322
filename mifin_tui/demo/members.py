"""The demo's members beyond the register taken over: legal persons with their
representative, solidarity groups and associations with their officers, and a few
adhésions at the counter during the replayed days (fees and shares paid at the till).

Everything goes through the members, adhésion and groups services, from the demo's
seeded random generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, Member
from mifin_tui.demo.names import random_group_name, random_person
from mifin_tui.i18n import _
from mifin_tui.services.kernel import accounts, audit
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.members import adhesion, groups
from mifin_tui.services.members import register as members

CATEGORIES = ("Commerçants", "Agriculteurs", "Artisans", "Salariés", "Transporteurs")
LEGAL_FORMS = ("ASBL", "Association", "Coopérative", "GIE", "Tontine")
FICHE_KEYS = ("surname", "postname", "first_name", "sex", "birth_date", "birth_place",
              "civil_status", "profession", "address", "commune", "city", "province", "phone",
              "id_type", "id_number", "id_issued_at", "id_issued_on")


def reserved(count: int) -> tuple[int, int]:
    """(legal persons, adhésions at the counter) out of a demo of `count` members."""
    if count < 20:
        return 0, 0
    return 2, 3


def fiche(person: dict, rng: random.Random, officer_id: int | None) -> dict:
    """A person drawn by demo_names as a complete fiche."""
    fields = {k: person.get(k, "") for k in FICHE_KEYS}
    fields.update(category=rng.choice(CATEGORIES), zone=f"{person['commune']}"
                  f"-{rng.choice(('Nord', 'Sud', 'Centre'))}", officer_id=officer_id)
    return fields


def legal_persons(agent: Context, rng: random.Random, zone: str, currency: str, joined: date,
                  count: int) -> list[tuple[int, int, str]]:
    """Associations and groups that are members themselves, each represented by a founder."""
    founders = list(Member.select().where(Member.status == "founder").order_by(Member.id))
    created = []
    with write_transaction():
        for n in range(count):
            place = random_person(rng, zone)
            rep = founders[n % len(founders)] if founders else None
            fields = {
                "kind": "legal", "legal_name": random_group_name(rng, zone),
                "legal_form": rng.choice(LEGAL_FORMS),
                "registration": f"F92/{rng.randint(1000, 9999)}/{2010 + rng.randint(0, 14)}",
                "representative_id": rep.id if rep else None,
                "representative_name": "" if rep else place["surname"],
                "phone": place["phone"], "address": place["address"],
                "commune": place["commune"], "city": place["city"],
                "province": place["province"], "status": "member", "category": "Groupements",
            }
            member = members.create_row(agent, fields, joined)
            audit.record(agent, "member.create", "member", member.number,
                         after={"name": member.legal_name, "kind": "legal"})
            acc = accounts.open_member_account(member, "savings_free", currency,
                                               _("Free savings"), joined)
            created.append((member.id, acc.id, currency))
    return created


def make_groups(agent: Context, rng: random.Random, zone: str) -> None:
    """A solidarity group and an association, with a president, a secretary, a treasurer."""
    people = [m.id for m in Member.select().where(Member.kind == "person").order_by(Member.id)]
    if len(people) < 6:
        return
    pool = people[:]
    rng.shuffle(pool)
    plans = (("solidarity", 5), ("association", 4)) if len(people) >= 12 else (
        ("solidarity", 5),)
    used = 0
    for kind, size in plans:
        name = random_group_name(rng, zone)
        if kind == "solidarity" and not name.startswith("Groupe"):
            name = f"Groupe solidaire {name.split()[-1]}"
        elif kind == "association" and name.startswith("Groupe"):
            name = f"Association {name.split()[-1]}"
        try:
            group = groups.create(agent, name, kind, random_person(rng, zone)["commune"])
        except MifinError:
            continue
        # the first of each group is also in the other one: a member in two groups
        chosen = [pool[0], *pool[used + 1:used + size]]
        used += size
        for member_id, role in zip(chosen, ("president", "secretary", "treasurer"),
                                   strict=False):
            groups.add_member(agent, group.id, member_id, role)
        for member_id in chosen[3:]:
            groups.add_member(agent, group.id, member_id, "member")


@dataclass
class CounterAdhesions:
    """New members who come to the counter during the replayed days, one a day."""

    cashier: str
    zone: str
    currency: str
    officer_id: int | None
    remaining: int
    member_accounts: list[tuple[int, int, str]] = field(default_factory=list)

    def day(self, ctx: dict[str, Context], rng: random.Random) -> None:
        if self.remaining <= 0:
            return
        person = random_person(rng, self.zone)
        try:
            result = adhesion.enrol(ctx[self.cashier], fiche(person, rng, self.officer_id),
                                    currency=self.currency)
        except MifinError:
            return
        self.remaining -= 1
        savings = Account.get(Account.number == result.savings_account)
        self.member_accounts.append((result.member.id, savings.id, self.currency))
