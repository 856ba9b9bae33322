"""The demo's months of loan history before its last, busy days (#11).

Loans are granted through the real flow (agent, committee, gérant), paid out at the till,
and repaid by their borrowers as they would: by mobile money on the due date, from their
savings by the closing's automatic debit, a few days late, or not at all from some date
on. Each replayed day ends with the real closing, so its loan steps (automatic debit,
penalties, interest, ageing and classification) run as the days pass and the PAR and
the arrears come out of the same code as in production.

Everything is drawn from the demo's seed: one plan per loan, made before the first day.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date, timedelta

from mifin_tui.db.models import Account, Loan, LoanInstallment, LoanProduct, Member, Till
from mifin_tui.i18n import _
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash import tills, transfers
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.money import get_currency
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import eligibility as loan_eligibility
from mifin_tui.services.loans import lifecycle as loan_lifecycle
from mifin_tui.services.loans import repayments
from mifin_tui.services.loans import states as loan_states
from mifin_tui.services.loans.engine import allocation as repayment_engine
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import balances as savings_balances

# How a borrower pays. `stop` behaviours pay on time, then nothing from `days` before the
# demo's last day (so their oldest unpaid instalment is that late when the demo opens).
ON_TIME, AUTO_DEBIT, IRREGULAR, CLOSED = "on_time", "auto_debit", "irregular", "closed"
LATE = "late"
RESTRUCTURE, WRITE_OFF = "restructure", "write_off"

# The first plans fix what the demo must show whatever its size: arrears of about
# 5, 35 and 95 days, a loan repaid and closed, one to reschedule and one to write off.
_FIXED = ((LATE, 95), (LATE, 35), (LATE, 5), (CLOSED, 0), (RESTRUCTURE, 50),
          (WRITE_OFF, 100))
# The first three others show each way of paying on time; then drawn.
_OTHERS = (AUTO_DEBIT, ON_TIME, IRREGULAR, ON_TIME, AUTO_DEBIT, ON_TIME, AUTO_DEBIT)

# purpose, activity (Kinshasa, Bamako or Douala: the same small trades)
_PURPOSES = (
    ("Stock de poisson salé pour le marché", "Vendeuse de poisson salé"),
    ("Réassort de la boutique de quartier", "Boutiquier"),
    ("Achat de sacs de riz et de haricots", "Commerçante de vivres"),
    ("Machine à coudre et tissus", "Couturière"),
    ("Congélateur pour la vente de boissons", "Vendeuse de boissons"),
    ("Intrants pour le maraîchage", "Maraîcher"),
    ("Pièces détachées pour l'atelier", "Mécanicien"),
    ("Stock de charbon de bois", "Vendeur de makala"),
    ("Matériel de coiffure", "Coiffeuse"),
    ("Stock de pagnes et de chaussures", "Commerçante au marché"),
    ("Poussins et aliment pour l'élevage", "Éleveuse de poulets"),
    ("Tôles pour agrandir le dépôt", "Grossiste en boissons"),
)

# Mobile money operators of the three countries, with the look of their references.
_OPERATORS = {"USD": ("M-Pesa", "Airtel Money", "Orange Money"),
              "CDF": ("M-Pesa", "Airtel Money", "Orange Money"),
              "XOF": ("Orange Money", "Moov Money", "Wave"),
              "XAF": ("MTN MoMo", "Orange Money")}


@dataclass
class Plan:
    """One loan of the history: who borrows, when, and how he repays."""

    member_id: int
    account_id: int
    amount: int
    term: int
    disburse_on: date
    behaviour: str
    late_days: int = 0
    purpose: str = ""
    activity: str = ""
    loan_id: int | None = None
    # IRREGULAR: the delay of each instalment's payment, drawn once per instalment
    delays: dict[int, int] = field(default_factory=dict)
    dues: dict[int, date] = field(default_factory=dict)  # the schedule's, once disbursed
    rescheduled_on: date | None = None

    def pays(self, due: date, today: date) -> bool:
        """Whether the borrower pays the instalment due on `due` (the demo ends `today`)."""
        if self.rescheduled_on is not None and due >= self.rescheduled_on:
            return True  # the new schedule fits his activity: he pays it
        if self.behaviour in (LATE, RESTRUCTURE, WRITE_OFF):
            return due <= today - timedelta(days=self.late_days + 7)
        return True


def product(currency: str) -> LoanProduct | None:
    return (LoanProduct.select().where((LoanProduct.currency == currency)
                                       & (LoanProduct.code == "HEBDO")
                                       & (LoanProduct.active == True))  # noqa: E712
            .first())


def plan(rng: random.Random, borrowers: list[tuple[int, int]], prod: LoanProduct,
         days: list[date], today: date) -> list[Plan]:
    """One plan per borrower, the first ones fixed (see _FIXED), the rest drawn."""
    plans: list[Plan] = []
    first, span = days[0], (today - days[0]).days
    for n, (member_id, account_id) in enumerate(borrowers):
        rest = n - len(_FIXED)
        behaviour, late = (_FIXED[n] if rest < 0 else
                           (_OTHERS[rest] if rest < 3 else rng.choice(_OTHERS), 0))
        term = rng.choice((16, 20, 24, 26))
        if behaviour == CLOSED:
            term, start = 12, first + timedelta(days=rng.randint(0, 10))
        elif behaviour in (LATE, RESTRUCTURE, WRITE_OFF):
            # Disbursed early enough to have paid a few instalments before stopping.
            start = max(first, today - timedelta(days=late + 7 * rng.randint(2, 4)))
        else:
            start = first + timedelta(days=rng.randint(0, max(1, span - 20)))
            # A loan that ends before the last day would be closed: keep it running.
            term = max(term, (today - start).days // 7 + 4)
            term = min(term, prod.term_max)
        day = next((d for d in days if d >= start), days[-1])
        purpose, activity = rng.choice(_PURPOSES)
        plans.append(Plan(member_id, account_id,
                          amount=_round(prod.amount_min * rng.choice((1, 1, 2, 2, 3)), prod),
                          term=term, disburse_on=day, behaviour=behaviour, late_days=late,
                          purpose=purpose, activity=activity))
        if behaviour == IRREGULAR:
            plans[-1].delays = {no: rng.choice((0, 0, 2, 3, 6, 9)) for no in range(1, 60)}
    return plans


def _round(amount: int, prod: LoanProduct) -> int:
    return max(prod.amount_min, amount)


def grant(staff: dict[str, Context], p: Plan, prod: LoanProduct) -> int:
    """Application, home visit, three favourable opinions, the gérant's approval."""
    agent, gerant = staff["agent"], staff["gerant"]
    loan_id = loan_applications.apply(agent, loan_applications.Application(
        member_id=p.member_id, product_id=prod.id, amount=p.amount, term=p.term,
        purpose=p.purpose, linked_account_id=p.account_id, activity=p.activity,
        monthly_income=p.amount, project_estimate=p.amount * 3 // 2))
    card = loan_eligibility.evaluate(loan_lifecycle.get_loan(loan_id),
                                     loan_lifecycle.business_today(agent))
    if not all(r.passed for r in card):
        loan_eligibility.override_eligibility(gerant, loan_id, "Membre connu de l'agence, "
                                              "activité vérifiée sur place")
    loan_applications.submit(agent, loan_id)
    loan_applications.record_visit(agent, loan_id, loan_lifecycle.business_today(agent),
                                   "Agent de crédit",
                                   "Activité vue sur place, clients réguliers", "Favorable")
    loan_applications.send_to_committee(agent, loan_id)
    for member in ("comite1", "comite2", "comite3"):
        loan_decision.give_opinion(staff[member], loan_id, "favourable", p.amount,
                                   "Activité rentable, remboursement possible")
    loan_decision.approve(gerant, loan_id)
    return loan_id


class History:
    """The loans' part of each replayed day; `day()` runs before the day's closing."""

    def __init__(self, staff: dict[str, Context], rng: random.Random, plans: list[Plan],
                 prod: LoanProduct, cashier_tills: dict[str, int], today: date) -> None:
        self.staff, self.rng, self.plans, self.prod = staff, rng, plans, prod
        self.tills, self.today = cashier_tills, today
        self.cashier = "caissier1"
        self.previous = date.min
        self.paid_in_cash = False  # the counter's BR shown at least once, whatever the date

    def quiet_accounts(self) -> set[int]:
        """Savings accounts the busy days' counter must leave alone: the late borrowers
        emptied theirs into their stock, and a deposit would pay their arrears."""
        return {p.account_id for p in self.plans if p.behaviour in (LATE, RESTRUCTURE,
                                                                    WRITE_OFF)}

    def day(self, day: date, *, till_open: bool) -> None:
        to_pay = [p for p in self.plans if p.disburse_on == day]
        if to_pay:
            self._disburse(to_pay, till_open)
        for p in self.plans:
            if p.loan_id is not None and p.behaviour in (RESTRUCTURE, WRITE_OFF):
                self._arrears_decision(p, day)
        for p in self.plans:
            # Only on the days a payment falls (due date plus the payer's delay, or the
            # first working day after it): the other days cost no query.
            if p.loan_id is not None and any(
                    self.previous < due + timedelta(days=p.delays.get(no, 0)) <= day
                    for no, due in p.dues.items()):
                self._repay(p, day, till_open)
        self.previous = day

    # --- disbursements ------------------------------------------------------------------

    def _disburse(self, plans: list[Plan], till_open: bool) -> None:
        ctx = self.staff[self.cashier]
        till_id = self.tills[self.cashier]
        cur = self.prod.currency
        if not till_open:
            till = Till.get_by_id(till_id)
            counts = {c: tills.breakdown(b, c) for c, b in tills.till_balances(till).items()}
            tills.open_session(ctx, till_id, counts)
        for p in plans:
            try:
                p.loan_id = grant(self.staff, p, self.prod)
            except MifinError:
                continue  # e.g. a borrower in a tiny demo whose savings cannot back it
            need = Loan.get_by_id(p.loan_id).amount_approved or p.amount
            have = tills.till_balances(Till.get_by_id(till_id)).get(cur, 0)
            if have < need:
                try:
                    _supply(self.staff, self.cashier, cur, need - have)
                except MifinError:
                    continue  # the vault is short: the loan waits for the cash
            mode = "savings" if p.behaviour == AUTO_DEBIT else "cash"
            try:
                loan_disbursement.disburse(ctx, p.loan_id, mode)
            except MifinError:
                p.loan_id = None
                continue
            p.dues = {i.no: i.due_date for i in LoanInstallment.select().where(
                LoanInstallment.loan == p.loan_id)}
            if p.behaviour in (LATE, RESTRUCTURE, WRITE_OFF):
                self._empty_savings(ctx, p)
        if not till_open:
            till = Till.get_by_id(till_id)
            for c, bal in tills.till_balances(till).items():
                if bal > 0:
                    _return(self.staff, self.cashier, c, bal)
            counts = {c: tills.breakdown(b, c) for c, b in tills.till_balances(till).items()}
            tills.close_session(ctx, counts)

    def _empty_savings(self, ctx: Context, p: Plan) -> None:
        """The borrower takes his savings out with the loan, for a bigger stock."""
        member = Member.get_by_id(p.member_id)
        for acc in Account.select().where((Account.member == p.member_id)
                                          & (Account.kind == "savings")
                                          & (Account.currency == self.prod.currency)
                                          & (Account.status == "active")):
            available = savings_balances.available_balance(acc.id)
            till = tills.till_balances(Till.get_by_id(self.tills[self.cashier]))
            if available > 0:
                try:
                    if available > till.get(acc.currency, 0):
                        _supply(self.staff, self.cashier, acc.currency,
                                available - till.get(acc.currency, 0))
                    cash.cash_out(ctx, acc.id, available,
                                  party_name=members.display_name(member),
                                  purpose="Retrait pour compléter le stock")
                except MifinError:
                    pass

    # --- arrears decisions ----------------------------------------------------------------

    def _arrears_decision(self, p: Plan, day: date) -> None:
        """About 30 days into its arrears the restructured loan is rescheduled over 20 weeks
        (the agent asks, the gérant approves); the hopeless one is written off by the
        gérant in the last week, some 100 days late."""
        from mifin_tui.services.loans import reschedule, write_off

        loan = Loan.get_by_id(p.loan_id)
        if loan.state not in loan_states.SERVICED:
            return
        try:
            if (p.behaviour == RESTRUCTURE and p.rescheduled_on is None
                    and day >= self.today - timedelta(days=p.late_days - 30)):
                request = reschedule.request(
                    self.staff["agent"], loan.id, 20, None,
                    "Baisse d'activité après l'incendie du marché ; reprise constatée")
                reschedule.approve(self.staff["gerant"], request,
                                   "Rééchelonnement sur 20 semaines accordé")
                p.rescheduled_on = day
                p.dues = {i.no: i.due_date for i in LoanInstallment.select().where(
                    LoanInstallment.loan == loan.id)}
                p.delays = {}
            elif p.behaviour == WRITE_OFF and day >= self.today - timedelta(days=3):
                # two keys: the officer proposes; the gérant approved the loan, so the
                # board decides, its minutes recorded by the administrator
                proposal = write_off.propose(
                    self.staff["agent"], loan.id,
                    "Emprunteur parti sans adresse, garanties épuisées")
                write_off.record_board_decision(
                    self.staff["admin"], proposal.id, True,
                    f"PV CA {day.year}-{day.month:02d}/{loan.id}", day,
                    "Passage en perte décidé par le conseil d'administration")
        except MifinError:
            pass  # e.g. a profile that allows no rescheduling: the loan stays in arrears

    # --- repayments ---------------------------------------------------------------------

    def _repay(self, p: Plan, day: date, till_open: bool = False) -> None:
        """Pay what is due today (or, late payers, what was due days ago), by mobile money
        or, on the days the tills are open, about half the time in cash at the counter (a
        BR at caissier1's till); unless this borrower stopped paying or lets the automatic
        debit take it."""
        if p.behaviour == AUTO_DEBIT:
            return
        loan = Loan.get_by_id(p.loan_id)
        if loan.state not in loan_states.SERVICED:
            return
        unpaid = list(LoanInstallment.select().where(
            (LoanInstallment.loan == loan.id) & LoanInstallment.paid_on.is_null()
            & (LoanInstallment.due_date <= day)).order_by(LoanInstallment.no))
        payable = [i for i in unpaid if p.pays(i.due_date, self.today)
                   and i.due_date + timedelta(days=p.delays.get(i.no, 0)) <= day]
        if not payable:
            return
        state = repayments._state(loan)
        through = payable[-1].due_date
        amount = repayment_engine.amount_due(state, through).total
        if amount <= 0:
            return
        operator = self.rng.choice(_OPERATORS.get(loan.currency, ("Mobile money",)))
        reference = "".join(self.rng.choice(string.ascii_uppercase + string.digits)
                            for _i in range(10))
        # A draw of its own (after the mobile-money draws, made either way): the choice
        # leaves the rest of the history as it was.
        # The first payment on a day the tills are open always comes to the counter: a
        # demo built on any date shows a BR at the till.
        if till_open and (not self.paid_in_cash or random.Random(
                loan.id * 7919 + day.toordinal()).random() < 0.5):
            try:
                repayments.repay(self.staff[self.cashier], loan.id, amount,
                                 party_name=members.display_name(loan.member),
                                 purpose=_("Instalment, loan {number}").format(
                                     number=loan.number))
                self.paid_in_cash = True
                return
            except MifinError:
                pass  # e.g. no till session: the member pays by mobile money instead
        try:
            repayments.repay(self.staff["caissier2"], loan.id, amount,
                             channel="mobile_money", reference=reference,
                             purpose=_("{operator} payment, loan {number}").format(
                                 operator=operator, number=loan.number))
        except MifinError:
            pass


def _supply(staff: dict[str, Context], username: str, currency: str, amount: int) -> None:
    step = 10 ** (1 + get_currency(currency).decimals)
    amount = -(-amount // step) * step
    t = transfers.request(staff[username], transfers.SUPPLY, currency, amount,
                          _("Cash for a loan disbursement"))
    if t.status == "pending":
        transfers.approve(staff["gerant"], t.id, _("Checked with the cashier"))


def _return(staff: dict[str, Context], username: str, currency: str, amount: int) -> None:
    t = transfers.request(staff[username], transfers.RETURN, currency, amount,
                          _("End of day return"))
    if t.status == "pending":
        transfers.approve(staff["gerant"], t.id, _("Checked with the cashier"))


def borrowers(count: int, currency: str, exclude: set[int]) -> list[tuple[int, int]]:
    """Individual members with a savings account in the currency, in a seeded order."""
    rows = (Account.select(Account.id, Account.member).join(Member)
            .where((Account.kind == "savings") & (Account.currency == currency)
                   & (Account.status == "active") & (Member.kind == "person")
                   & (Member.status != "left"))
            .order_by(Account.id))
    out: list[tuple[int, int]] = []
    seen = set(exclude)
    for acc in rows:
        if acc.member_id in seen:
            continue
        seen.add(acc.member_id)
        out.append((acc.member_id, acc.id))
        if len(out) == count:
            break
    return out

