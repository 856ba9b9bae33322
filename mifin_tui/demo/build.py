"""`mifin demo`: a realistic sample institution, generated from a seed.

It is built through the same service functions as real work (users, members,
ledger postings, day closings), so the demo also exercises them. Each
capability adds its part here as it lands.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, Branch, Member, Till
from mifin_tui.demo import accounting as demo_accounting
from mifin_tui.demo import closing as demo_closing
from mifin_tui.demo import history as demo_history
from mifin_tui.demo import members as demo_members
from mifin_tui.demo.names import random_person
from mifin_tui.i18n import _
from mifin_tui.services.admin import institution
from mifin_tui.services.admin.users import create_user_row
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash import tills, transfers
from mifin_tui.services.kernel import accounts, audit, auth, clock, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError, ValidationError
from mifin_tui.services.kernel.money import get_currency
from mifin_tui.services.kernel.permissions import (
    ACCOUNTANT,
    ADMIN,
    AUDITOR,
    CASHIER,
    COMMITTEE,
    LOAN_OFFICER,
    MANAGER,
    role_label,
)
from mifin_tui.services.members import register as members

# One realistic institution per regulator profile.
INSTITUTIONS = {
    "bcc": ("COOPEC Tujenge", "KIN", "Agence de Kalamu", "Kinshasa", "USD"),
    "bceao": ("Mutuelle Jigiya", "BKO", "Agence de Médina Coura", "Bamako", "XOF"),
    "cobac": ("CAMEC Akiba", "DLA", "Agence d'Akwa", "Douala", "XAF"),
}

# The provision rates each demo institution chose where its regulator's text leaves
# them open (basis points by arrears class; `mifin init` asks a real one for them): its
# own credit policy, not a regulator's figure. BCEAO's rates come from its text.
PROVISION_RATES = {
    "bcc": {"impaye": 1000, "douteux": 5000, "contentieux": 10000, "irrecuperable": 10000},
    "cobac": {"impayee": 1000, "immobilisee": 2500, "douteuse_3_6": 5000,
              "douteuse_6_12": 7500, "douteuse_12_24": 10000, "irrecouvrable": 10000},
    "bceao": {},
}

STAFF = (
    ("admin", (ADMIN,)),
    ("gerant", (MANAGER,)),
    ("caissier1", (CASHIER,)),
    ("caissier2", (CASHIER,)),
    ("agent", (LOAN_OFFICER,)),
    ("comite1", (COMMITTEE,)),
    ("comite2", (COMMITTEE,)),
    ("comite3", (COMMITTEE, LOAN_OFFICER)),
    ("comptable", (ACCOUNTANT,)),
    ("controleur", (AUDITOR,)),
)

_PASSWORD_WORDS = ("Baobab", "Manioc", "Safou", "Kapok", "Mangue", "Karite", "Pagne",
                   "Fleuve", "Pirogue", "Tambour", "Marche", "Savane")

# Typical counter amounts, in major units of each currency.
_DEPOSITS = {"USD": (20, 800), "CDF": (20_000, 900_000), "XOF": (5_000, 400_000),
             "XAF": (5_000, 400_000)}

HISTORY_DAYS = 8  # the last days, with full counter activity
# The institution opens this many months before today: light days of loan work first,
# long enough for arrears over 90 days and a PAR trend.
HISTORY_MONTHS = 4


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    roles: tuple[str, ...]

    @property
    def roles_label(self) -> str:
        return ", ".join(role_label(r) for r in self.roles)


@dataclass(frozen=True)
class DemoResult:
    institution: str
    branch_code: str
    business_date: date
    users: tuple[DemoUser, ...]
    members: int
    transactions: int
    # Member numbers of the regular savers, whose books meet the loan products' rules.
    savers: tuple[str, ...] = ()


def _working_hours(day: date, rng: random.Random) -> Callable[[], datetime]:
    """A clock for replaying a past business day: from 07:30 UTC, a few seconds per tick."""
    moment = [datetime.combine(day, time(7, 30), tzinfo=UTC)]
    ticks = random.Random(rng.random())

    def tick() -> datetime:
        moment[0] += timedelta(seconds=ticks.randint(5, 40))
        return moment[0]

    return tick


def _password(rng: random.Random) -> str:
    """A password of its own for each install (printed once by `mifin demo`): two words
    and four digits from the system's randomness, within the password rules. The seeded
    draws are still taken, so that the rest of the demo stays the seed's."""
    rng.choice(_PASSWORD_WORDS), rng.randint(1000, 9999)
    while True:
        first, second = secrets.SystemRandom().sample(_PASSWORD_WORDS, 2)
        password = f"{first}-{second.lower()}-{secrets.randbelow(9000) + 1000}"
        try:
            auth.check_password_policy(password)
        except ValidationError:
            continue
        return password


# Round the way people bring cash: to 5 dollars, 1,000 CDF, 500 francs CFA.
_STEPS = {"USD": 5, "CDF": 1_000, "XOF": 500, "XAF": 500}


def _round_cash(minor: int, currency: str) -> int:
    step = _STEPS[currency] * 10 ** get_currency(currency).decimals
    return minor - minor % step


def _amount(rng: random.Random, currency: str) -> int:
    lo, hi = _DEPOSITS[currency]
    return max(_round_cash(rng.randint(lo, hi) * 10 ** get_currency(currency).decimals,
                           currency), _STEPS[currency] * 10 ** get_currency(currency).decimals)


def _working_days_back(end: date, count: int) -> date:
    day = end
    for _i in range(count):
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    return day


def build(
    *, members: int = 60, seed: int = 2026, regulator: str = "bcc", today: date | None = None,
    progress: Callable[[str], None] | None = None,
    on_day_closed: Callable[[Context, date], None] | None = None,
    history_months: int | None = None,
) -> DemoResult:
    """Fill the open, empty database with a demo institution.

    `history_months`: the months of loan history before the busy last days; by default
    HISTORY_MONTHS, none for a demo under 40 members (the tests' small institutions,
    which would otherwise replay some 85 closings each)."""
    if history_months is None:
        history_months = HISTORY_MONTHS if members >= 40 else 0
    rng = random.Random(seed)
    name, code, branch_name, city, currency = INSTITUTIONS[regulator]
    today = today or clock.today()
    busy_from = _working_days_back(today, HISTORY_DAYS)
    start = min(busy_from, _months_back(today, history_months)) if history_months else busy_from
    say = progress or (lambda _msg: None)

    passwords = {username: _password(rng) for username, _roles in STAFF}
    staff_people = {username: random_person(rng, regulator) for username, _roles in STAFF}

    def full_name(username: str) -> str:
        p = staff_people[username]
        return " ".join(x for x in (p["first_name"], p["surname"]) if x)

    with clock.simulated(_working_hours(start, rng)):
        admin = institution.initialize(
            name=name, branch_code=code, branch_name=branch_name, currency=currency,
            regulator=regulator, admin_username="admin", admin_full_name=full_name("admin"),
            admin_password=passwords["admin"], first_day=start, city=city,
            provision_rates=PROVISION_RATES[regulator],
        )
        with write_transaction():
            branch = Branch.get_by_id(admin.branch_id)
            for username, roles in STAFF[1:]:
                create_user_row(username, full_name(username), passwords[username],
                                list(roles), branch)
                audit.record(admin, "user.add", "user", username,
                             after={"full_name": full_name(username), "roles": list(roles)})
        ctx = {u: auth.login(u, passwords[u]) for u, _r in STAFF}
        say(_("members"))
        legal, at_counter = demo_members.reserved(members)
        member_accounts = _create_members(ctx["agent"], rng, members - legal - at_counter,
                                          regulator, currency, start)
        member_accounts += demo_members.legal_persons(ctx["agent"], rng, regulator, currency,
                                                      start - timedelta(days=400), legal)
        demo_members.make_groups(ctx["agent"], rng, regulator)
        newcomers = demo_members.CounterAdhesions("caissier1", regulator, currency,
                                                  ctx["agent"].user_id, at_counter,
                                                  member_accounts)
        say(_("opening balances"))
        _opening_balances(ctx["comptable"], rng, member_accounts)
        cashier_tills = _tills(admin, regulator)
    from mifin_tui.demo import loans as demo_loans
    from mifin_tui.services.kernel import regulators

    demo_loans.build(admin, regulator, regulators.get_profile(regulator).currencies,
                     range(start.year, today.year + 2))
    from mifin_tui.demo import desks as demo_desks

    with clock.simulated(_working_hours(start, random.Random(seed * 37 + 5))):
        demo_desks.build(admin)
    history = (_history(ctx, seed, members, currency, cashier_tills, start, today)
               if history_months else None)
    quiet = history.quiet_accounts() if history else set()
    counter_accounts = [m for m in member_accounts if m[1] not in quiet]
    borrowers = {p.member_id for p in history.plans} if history else set()
    from mifin_tui.demo import savers as demo_savers
    from mifin_tui.demo import savings as demo_savings  # savings of every kind (issue 6)
    from mifin_tui.services.kernel import business_day

    # Every balance taken over from the paper books is posted on the first day (#19):
    # the working day's cash journal shows only cash that moved that day.
    with clock.simulated(_working_hours(start, random.Random(seed * 31 + 3))):
        demo_savings.take_over(ctx, seed, currency, today, exclude=borrowers)
    savers = demo_savers.Savers(
        ctx, demo_savers.choose(seed, currency, max(3, members // 6), _months_back(today, 7),
                                exclude=borrowers),
        currency, cashier_tills[demo_savers.CASHIER], seed)
    say(_("business days"))
    day = start
    while day < today:
        last = business_day.next_working_day(day) >= today
        with clock.simulated(_working_hours(day, rng)):
            if day >= busy_from:
                def on_open(staff: dict[str, Context], r: random.Random,
                            day: date = day, last: bool = last) -> None:
                    newcomers.day(staff, r)
                    demo_closing.repay_owed(staff)
                    if history:
                        history.day(day, till_open=True)
                    savers.day(day, till_open=True)
                    demo_savings.collect(staff, day)
                    if last:
                        _last_day(staff, seed, currency, history)

                _counter_day(ctx, rng, counter_accounts, cashier_tills, on_open=on_open)
            else:
                if history:
                    history.day(day, till_open=False)
                savers.day(day, till_open=False)
            demo_accounting.replay_day(ctx, day)
            # The closing's PDF report of each light day would cost more than the day
            # itself: the closing folder keeps those of the busy days.
            day = demo_closing.close_day(ctx["gerant"], ctx["caissier1"],
                                         on_day_closed if day >= busy_from else None)
    # The working day, at the real time, has just begun: the tills are closed (each
    # cashier opens his with a count), the night's mobile-money payments are in.
    if history:
        history.day(day, till_open=False)
    demo_accounting.waiting_entry(ctx)
    from mifin_tui.db.models import JournalTransaction

    return DemoResult(
        institution=name, branch_code=code, business_date=day,
        users=tuple(DemoUser(u, passwords[u], r) for u, r in STAFF),
        members=members, transactions=JournalTransaction.select().count(),
        savers=tuple(Member.get_by_id(s.member_id).number for s in savers.savers),
    )


def _last_day(staff: dict[str, Context], seed: int, currency: str,
              history: demo_history.History | None) -> None:
    """The last replayed day, tills open: the savings' mandataire, hold and approved
    withdrawal, and the loans in every state of their life."""
    from mifin_tui.demo import loans_life as demo_loans_life  # loans in every state (#8)
    from mifin_tui.demo import savings as demo_savings

    demo_savings.last_day(staff, seed, currency)
    demo_loans_life.build(staff, currency,
                          exclude={p.member_id for p in history.plans} if history else set())


def _months_back(end: date, months: int) -> date:
    """The working day `months` calendar months before `end` (same day of the month)."""
    year, month = divmod(end.year * 12 + end.month - 1 - months, 12)
    day = date(year, month + 1, min(end.day, 28))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _history(ctx: dict[str, Context], seed: int, size: int, currency: str,
             cashier_tills: dict[str, int], start: date, today: date
             ) -> demo_history.History | None:
    """The loans of the months replayed: the fixed ones, then one member in ten."""
    prod = demo_history.product(currency)
    if prod is None:
        return None
    rng = random.Random(seed * 7919 + 1)  # its own stream: the rest of the demo unchanged
    people = demo_history.borrowers(len(demo_history._FIXED) + max(3, size // 10), currency,
                                    set())
    days = []
    d = start
    while d < today:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    plans = demo_history.plan(rng, people, prod, days, today)
    return demo_history.History(ctx, rng, plans, prod, cashier_tills, today)


def _tills(admin: Context, regulator: str) -> dict[str, int]:
    """C01 comes with the institution; the demo branch has a second till."""
    from mifin_tui.services.kernel.regulators import get_profile

    currencies = list(get_profile(regulator).currencies)
    tills.create_till(admin, "C02", _("Till 2"), currencies)
    by_code = {t.code: t.id for t in Till.select()}
    return {"caissier1": by_code["C01"], "caissier2": by_code["C02"]}


def _create_members(
    ctx: Context, rng: random.Random, count: int, zone: str, currency: str, start: date
) -> list[tuple[int, int, str]]:
    """Members with a free-savings account each; returns (member, account, currency)."""
    created: list[tuple[int, int, str]] = []
    extra_currency = "CDF" if currency == "USD" else None
    with write_transaction():
        for n in range(count):
            person = random_person(rng, zone)
            joined = start - timedelta(days=rng.randint(30, 3 * 365))
            fields = demo_members.fiche(person, rng, ctx.user_id)
            fields["status"] = "founder" if n < 5 else "member"
            member = members.create_row(ctx, fields, joined)
            audit.record(ctx, "member.create", "member", member.number,
                         after={"name": members.display_name(member),
                                "joined_on": joined.isoformat()})
            currencies = [currency]
            if extra_currency and rng.random() < 0.3:
                currencies.append(extra_currency)
            for cur in currencies:
                acc = accounts.open_member_account(member, "savings_free", cur,
                                                   _("Free savings"), joined)
                audit.record(ctx, "account.open", "account", acc.number,
                             after={"member": member.number, "currency": cur})
                created.append((member.id, acc.id, cur))
    return created


def _holder(member_id: int) -> str:
    return members.display_name(Member.get_by_id(member_id))


def _opening_balances(ctx: Context, rng: random.Random,
                      member_accounts: list[tuple[int, int, str]]) -> None:
    """The balances taken over from the paper books when the COOPEC moved to Mifin.

    The members' savings came with the cash that backs them, into the vault.
    """
    vault = tills.vault_of(ctx.branch_id)
    for member_id, account_id, currency in member_accounts:
        amount = _amount(rng, currency) * rng.randint(1, 4)
        with write_transaction():
            ledger.post(ctx, kind="opening_balance",
                        label=_("Opening balance taken over: {name}").format(
                            name=_holder(member_id)),
                        lines=[ledger.Line(tills.cash_account(vault, currency).id, debit=amount),
                               ledger.Line(account_id, credit=amount)],
                        voucher_series="OD")


def _open_tills(ctx: dict[str, Context], cashier_tills: dict[str, int]) -> None:
    for username, till_id in cashier_tills.items():
        till = Till.get_by_id(till_id)
        counts = {cur: tills.breakdown(bal, cur) for cur, bal in tills.till_balances(till).items()}
        tills.open_session(ctx[username], till_id, counts)


def _counter_day(ctx: dict[str, Context], rng: random.Random,
                 member_accounts: list[tuple[int, int, str]], cashier_tills: dict[str, int],
                 share: float = 1.0, close: bool = True,
                 on_open: Callable[[dict[str, Context], random.Random], None] | None = None
                 ) -> None:
    """A day at the counter: two cashiers open their tills with a count, take a float from
    the vault, serve members (BE/BS vouchers), return the cash and close with a count."""
    _open_tills(ctx, cashier_tills)
    currencies = sorted({cur for _m, _a, cur in member_accounts})
    for username in cashier_tills:
        for cur in currencies:
            in_vault = tills.till_balances(tills.vault_of(ctx["gerant"].branch_id))[cur]
            float_amount = _round_cash(min(_DEPOSITS[cur][1] * 10 ** get_currency(cur).decimals,
                                           in_vault // 3), cur)
            if float_amount <= 0:
                continue
            _transfer(ctx, username, transfers.SUPPLY, cur, float_amount, _("Morning float"))
    if on_open is not None:  # e.g. new members enrolled at the counter (demo_members)
        on_open(ctx, rng)
    operations = max(3, int(len(member_accounts) * 0.35 * share))
    for _i in range(operations):
        member_id, account_id, currency = rng.choice(member_accounts)
        username = rng.choice(sorted(cashier_tills))
        holder = _holder(member_id)
        balance = Account.get_by_id(account_id).balance
        till_cash = tills.till_balances(Till.get_by_id(cashier_tills[username]))[currency]
        amount = _amount(rng, currency)
        try:
            if rng.random() < 0.3 and balance > 0:
                amount = _round_cash(min(balance // 2, amount, till_cash), currency)
                if amount > 0:
                    cash.cash_out(ctx[username], account_id, amount, party_name=holder,
                                  purpose=_("Cash withdrawal"))
            else:
                cash.cash_in(ctx[username], account_id, amount, party_name=holder,
                             purpose=rng.choice(_PURPOSES))
        except MifinError:
            continue
    if not close:
        return
    for username, till_id in cashier_tills.items():
        till = Till.get_by_id(till_id)
        for cur, bal in tills.till_balances(till).items():
            keep = min(bal, _DEPOSITS[cur][0] * 10 ** get_currency(cur).decimals)
            if bal - keep > 0:
                _transfer(ctx, username, transfers.RETURN, cur, bal - keep,
                          _("End of day return"))
        counts = {cur: tills.breakdown(bal, cur) for cur, bal in tills.till_balances(till).items()}
        note = ""
        if rng.random() < 0.15:
            cur = currencies[0]
            denom = min(counts[cur]) if counts[cur] else None
            if denom is not None:
                counts[cur][denom] -= 1
                note = _("Note missing at the count; the cashier will look again tomorrow")
        tills.close_session(ctx[username], counts, note)


def _transfer(ctx: dict[str, Context], username: str, direction: str, currency: str,
              amount: int, reason: str) -> None:
    """A vault transfer; the gérant approves it at once when it is above his limit."""
    t = transfers.request(ctx[username], direction, currency, amount, reason)
    if t.status == "pending":
        transfers.approve(ctx["gerant"], t.id, _("Checked with the cashier"))


_PURPOSES = ("Épargne du marché", "Épargne mensuelle", "Dépôt pour la scolarité",
             "Recette de la boutique", "Épargne pour le loyer", "Dépôt tontine familiale")
