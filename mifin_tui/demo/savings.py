"""The demo's savings: accounts of every kind, taken over from the paper books on the
demo's first day (so scheduled savings show missed instalments), a tontine mid-cycle
collected day by day, holds, a mandataire, and a large withdrawal approved by the gérant
that the member collects on the working day. Built through the services, from the demo's
seed."""

from __future__ import annotations

import random
from datetime import date, timedelta

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, Member, SavingsAccount, SavingsProduct, User
from mifin_tui.i18n import _
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import accounts, audit, business_day, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.money import get_currency
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import balances as savings_balances
from mifin_tui.services.savings import deposits as savings_deposits
from mifin_tui.services.savings import holds as savings_holds
from mifin_tui.services.savings import mandates as savings_mandates
from mifin_tui.services.savings import products
from mifin_tui.services.savings import withdrawals as savings_withdrawals

# Mandataires the demo gives: (name, ID document, number)
_MANDATAIRES = (("Mukendi Tshala Odette", "Carte d'électeur", "EL-01-448213"),
                ("Kasongo Ilunga Patrice", "Passeport", "OP0391725"),
                ("Diallo Aminata", "Carte d'identité", "CNI-2210-8841"))


def _major(currency: str, usd: int) -> int:
    """A round amount of `usd` dollars in `currency`, in minor units."""
    return usd * products._SCALE.get(currency, 1) * 10 ** get_currency(currency).decimals


def _product(kind: str, currency: str) -> SavingsProduct | None:
    return SavingsProduct.get_or_none((SavingsProduct.kind == kind)
                                      & (SavingsProduct.currency == currency))


def _take_over(staff: Context, member: Member, product: SavingsProduct, opened: date,
               balance: int, **fields) -> Account:
    """An account from the paper books: opened long ago, its balance brought into the vault."""
    with write_transaction():
        acc = accounts.open_member_account(member, product.gl_key, product.currency,
                                           product.name, opened)
        SavingsAccount.create(account=acc.id, product=product.id, **fields)
        audit.record(staff, "account.open", "account", acc.number,
                     after={"member": member.number, "product": product.code,
                            "taken_over": True})
        if balance > 0:
            vault = tills.vault_of(staff.branch_id)
            ledger.post(staff, kind="opening_balance",
                        label=_("Opening balance taken over: {name}").format(
                            name=members.display_name(member)),
                        lines=[ledger.Line(tills.cash_account(vault, acc.currency).id,
                                           debit=balance),
                               ledger.Line(acc.id, credit=balance)],
                        voucher_series="OD")
    return Account.get_by_id(acc.id)


def _dated(opened: date, today: date) -> date:
    """An opening date no later than the day the account is taken over."""
    return min(opened, today)


def take_over(staff_contexts: dict[str, Context], seed: int, currency: str, today: date,
              exclude: frozenset[int] | set[int] = frozenset()) -> dict[str, int]:
    """The accounts of every kind taken over from the paper books on the demo's first
    day, before its working day (so the working day's cash journal shows no opening
    balance), dated from `today`, the demo's working day. `exclude`: members the loan
    history will empty out (their savings books stay free). Returns what it made."""
    rng = random.Random(seed * 7 + 6)
    with write_transaction():
        products.adopt_accounts()
    staff = staff_contexts["comptable"]
    day = business_day.require_open(staff.branch_id)
    people = [m for m in Member.select().order_by(Member.id) if m.id not in exclude]
    if not people:
        return {}
    made: dict[str, int] = {}

    def member(i: int) -> Member:
        return people[i % len(people)]

    def count(kind: str) -> None:
        made[kind] = made.get(kind, 0) + 1

    # Scheduled savings opened 4 to 7 months ago: what was paid is less than planned.
    sch = _product(products.SCHEDULED, currency)
    for i in range(3):
        planned = _major(currency, rng.choice((25, 50, 100)))
        months = rng.randint(4, 7)
        _take_over(staff, member(i), sch, _dated(today - timedelta(days=30 * months), day),
                   planned * rng.randint(1, months - 2), planned_amount=planned,
                   target_date=today + timedelta(days=365 * rng.randint(1, 2)))
        count("scheduled")
    # Blocked savings: one until a date, one as loan collateral.
    blq = _product(products.BLOCKED, currency)
    _take_over(staff, member(3), blq, _dated(today - timedelta(days=120), day),
               _major(currency, 1500), blocked_until=today + timedelta(days=240))
    _take_over(staff, member(4), blq, _dated(today - timedelta(days=60), day),
               _major(currency, 800), collateral=True)
    made["blocked"] = 2
    # A tontine cycle of 31 days, day 12 on the working day: the agent collects each day
    # from the cycle's start and the cashier posts it (collect()).
    ton = _product(products.TONTINE, currency)
    agent = User.get_or_none(User.username == "agent")
    for i in range(5, 8):
        daily = _major(currency, rng.choice((1, 2, 3)))
        _take_over(staff, member(i), ton, day, 0, planned_amount=daily,
                   agent=agent.id if agent else None, cycle_start=today - timedelta(days=11))
        count("tontine")
    # Interest-bearing savings of the larger savers.
    rem = _product(products.INTEREST, currency)
    for i in range(8, 11):
        _take_over(staff, member(i), rem, _dated(today - timedelta(days=200), day),
                   _major(currency, rng.choice((600, 1200, 2500))))
        count("interest")
    return made


def collect(staff_contexts: dict[str, Context], day: date) -> int:
    """The agent's tontine collection of `day`, posted by the first cashier (his till
    open): one daily contribution per tontine account whose cycle has begun."""
    cashier = staff_contexts["caissier1"]
    agent = User.get_or_none(User.username == "agent")
    posted = 0
    for info in (SavingsAccount.select().where(SavingsAccount.cycle_start <= day)
                 .order_by(SavingsAccount.account)):
        try:
            savings_deposits.deposit(cashier, info.account_id, info.planned_amount,
                                     party_name=_("Agent {name}").format(
                                         name=agent.full_name if agent else "-"),
                                     purpose=_("Tontine collection"))
            posted += 1
        except MifinError:
            pass
    return posted


def last_day(staff_contexts: dict[str, Context], seed: int, currency: str) -> dict[str, int]:
    """The last replayed day, tills open: a mandataire, a hold by court order, and a
    large withdrawal the gérant approved, which the member collects on the working day."""
    rng = random.Random(seed * 7 + 7)
    ctx = staff_contexts
    cashier, other, manager = ctx["caissier1"], ctx["caissier2"], ctx["gerant"]
    made: dict[str, int] = {}
    free = [a for a in Account.select().where(
        (Account.kind == "savings") & (Account.currency == currency)
        & (Account.gl_account == accounts.gl_by_key("savings_free").id)).order_by(Account.id)]
    if not free:
        return made
    # a mandataire in force (the holder's procuration signed, the gérant approved), and
    # one recorded today that still waits for the gérant
    day = business_day.open_date(cashier.branch_id)
    first = rng.randrange(len(_MANDATAIRES))
    for i, acc in enumerate(free[:2]):
        name, id_type, number = _MANDATAIRES[(first + i) % len(_MANDATAIRES)]
        m = savings_mandates.add_mandate(
            cashier, acc.id, name, id_type=id_type, id_number=number, consent_signed=True,
            consent_on=day, consent_reference=f"PROC-{day.year}-{acc.id:04d}")
        if i == 0:
            savings_mandates.decide_mandate(manager, m.id, True)
            made["mandates"] = 1
    try:
        available = savings_balances.available_balance(free[-1].id)
        savings_holds.place_hold(manager, free[-1].id, min(_major(currency, 50), available)
                                 or 1, "court_order", note=_("Seizure ordered by the court"))
        made["holds"] = 1
    except MifinError:
        pass
    big = free[len(free) // 2]
    try:
        savings_deposits.deposit(other, big.id, _major(currency, 2500),
                                 party_name=members.display_name(
                                     Member.get_by_id(big.member_id)),
                                 purpose=_("Sale of the harvest"))
        outcome = savings_withdrawals.withdraw(other, big.id, _major(currency, 1200),
                                               purpose=_("Purchase of a plot of land"))
        if outcome.request is not None:
            savings_withdrawals.approve_request(manager, outcome.request.id,
                                                _("Deed of sale seen"))
            made["approved_withdrawals"] = 1
    except MifinError:
        pass
    return made
