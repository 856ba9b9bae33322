"""Loans in the ledger by class (#20), per regulator profile: a portfolio of two loans
through five closings (sound -> 45 days late -> 100 days late -> cured -> the other loan
written off), the trial balance's loan lines checked after each against figures computed
from the instalment rows by hand rules (never from the ledger); the loan's principal
accounts sum to its outstanding; the write-off leaves no accrued interest; interest of
a doubtful loan is reserved, not income, until collected."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest

from mifin_tui import db
from mifin_tui.db.models import Account, GLAccount, Loan, LoanInstallment, User
from mifin_tui.services.admin import check, users
from mifin_tui.services.admin import institution as setup
from mifin_tui.services.cash import tills, transfers
from mifin_tui.services.closing import ageing, reclassify
from mifin_tui.services.closing import interest as accrual
from mifin_tui.services.kernel import accounts, auth, business_day, ledger, regulators
from mifin_tui.services.loans import applications as loan_applications
from mifin_tui.services.loans import decision as loan_decision
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import repayments
from mifin_tui.services.loans.risk import loan_ledger
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import deposits as savings_deposits
from mifin_tui.services.savings import opening as savings_opening
from tests.conftest import ADMIN_PASSWORD, FIRST_DAY, PASSWORD, clock_from
from tests.services.test_arrears import written_off
from tests.services.test_loans import SPEC
from tests.services.test_savings import product as savings_product

CURRENCY = {"bceao": "XOF", "cobac": "XAF", "bcc": "USD"}


def _user(admin, role: str, n: int):
    name = f"{role.replace('_', '')}{n}"
    users.add_user(admin, name, f"User {name}", PASSWORD, [role], "en")
    User.update(must_change_password=False).where(User.username == name).execute()
    return auth.login(name, PASSWORD)


def _loan(w, member, acc) -> int:
    officer = w["officer"]
    loan_id = loan_applications.apply(officer, loan_applications.Application(
        member_id=member.id, product_id=w["product"].id, amount=100_000, term=26,
        purpose="Commerce de pagnes", linked_account_id=acc, activity="Vente de pagnes",
        monthly_income=200_000, project_estimate=150_000))
    loan_applications.submit(officer, loan_id)
    loan_applications.record_visit(officer, loan_id, FIRST_DAY, "Kasongo", "Étal vu",
                                   "favourable")
    loan_applications.send_to_committee(officer, loan_id)
    for m in w["committee"]:
        loan_decision.give_opinion(m, loan_id, "favourable", 100_000, "Activité rentable")
    loan_decision.approve(w["manager"], loan_id)
    loan_disbursement.disburse(w["cashier"], loan_id)
    return loan_id


def _open_rates(regulator: str) -> dict[str, int]:
    """The rates the profile leaves to the institution, filled at init as the gérant would
    (rising with the class: 10 %, 35 %, 60 %... capped at 100 %)."""
    open_keys = [b.key for b in regulators.get_profile(regulator).arrears_buckets
                 if b.provision_rate_bp is None]
    return {key: min(1000 + 2500 * k, 10000) for k, key in enumerate(open_keys)}


@pytest.fixture(params=sorted(CURRENCY))
def portfolio(request, db_path, _hash_parameters):
    regulator, cur = request.param, CURRENCY[request.param]
    with clock_from(datetime(2026, 11, 23, 9, 0)):
        ctx = setup.initialize(
            name="SFD Test", branch_code="KIN", branch_name="Centre", currency=cur,
            regulator=regulator, admin_username="admin", admin_full_name="Admin Test",
            admin_password=ADMIN_PASSWORD, first_day=FIRST_DAY,
            provision_rates=_open_rates(regulator))
        users.set_language(ctx, "en")
        admin = dataclasses.replace(ctx, language="en")
        w = {"admin": admin, "regulator": regulator, "cur": cur,
             "cashier": _user(admin, "cashier", 1), "officer": _user(admin, "loan_officer", 2),
             "manager": _user(admin, "manager", 3),
             "committee": [_user(admin, "committee", 4 + k) for k in range(3)]}
        with db.write_transaction():
            vault = tills.vault_of(admin.branch_id)
            capital = accounts.internal_account(admin.branch_id, "share_capital", cur)
            ledger.post(admin, kind="capital", label="Capital",
                        lines=[ledger.Line(tills.cash_account(vault, cur).id, debit=5_000_000),
                               ledger.Line(capital.id, credit=5_000_000)])
            borrowers = [members.create_row(admin, {"surname": s, "first_name": "A"},
                                            FIRST_DAY - timedelta(days=400))
                         for s in ("Mbuyi", "Tshala")]
        till = tills.list_tills(w["cashier"])[1]
        tills.open_session(w["cashier"], till.id, {})
        supplied = transfers.request(w["cashier"], transfers.SUPPLY, cur, 500_000, "float")
        transfers.approve(w["manager"], supplied.id)  # every transfer has two people (#21)
        w["product"] = loan_products.create(admin, dataclasses.replace(
            SPEC, currency=cur, amount_min=100_000, rate_min_bp=1000, rate_max_bp=1500,
            rate_default_bp=1200, fee_value=100))
        w["loans"] = []
        for m in borrowers:
            acc = savings_opening.open_account(w["cashier"], m.id,
                                               savings_product("free", cur).id,
                                               opening_deposit=20_000).account.id
            for _ in range(3):
                savings_deposits.deposit(w["cashier"], acc, 20_000, party_name="A",
                                         purpose="Épargne")
            w["loans"].append(_loan(w, m, acc))
        yield w


# --- the figures computed from the instalment rows -----------------------------------


def _rows(loan_id: int) -> list[LoanInstallment]:
    return list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))


def _principal(loan_id: int) -> int:
    return sum(r.principal_due - r.principal_paid for r in _rows(loan_id))


def _receivable(loan_id: int) -> int:
    return sum(max(r.interest_accrued - r.interest_paid, 0) for r in _rows(loan_id))


def _interest_paid(loan_id: int) -> int:
    return sum(r.interest_paid for r in _rows(loan_id))


def _gl() -> dict[str, int]:
    """The trial balance: each GL account's balance, its accounts summed."""
    out: dict[str, int] = defaultdict(int)
    for a in Account.select(Account, GLAccount).join(GLAccount):
        out[a.gl_account.code] += a.balance
    return dict(out)


def _shift(loan_id: int, days_late: int, day: date) -> None:
    """Move the schedule so that its first instalment fell due `days_late` days before
    `day`, nothing after it due yet when `days_late` is below a period."""
    rows = _rows(loan_id)
    delta = rows[0].due_date - (day - timedelta(days=days_late))
    with db.write_transaction():
        for r in rows:
            LoanInstallment.update(due_date=r.due_date - delta).where(
                LoanInstallment.id == r.id).execute()


def _ods(kind: str) -> int:
    from mifin_tui.db.models import JournalTransaction

    return JournalTransaction.select().where(JournalTransaction.kind == kind).count()


def _close(w, day: date) -> None:
    """The closing's loan steps of `day`, in the closing's order (the automatic debit
    left out: the test decides what is paid)."""
    m = w["manager"]
    with db.write_transaction():
        ids = accrual._accrual_candidates(m.branch_id, day, 0, 1000)
        if ids:
            accrual.accrue_interest(m, ids, day)
        ageing.age_loans(m, day, 0, 1000, month_end=False)
        reclassify.reclassify(m, day, 0, 1000)


def _expect(w, classes: dict[int, str | None], reserving: set[int], income: int
            ) -> dict[str, int]:
    """The loan lines of the trial balance by hand: each loan's outstanding on its own
    account (None) or its class account; the receivable of every loan; the reserve of
    the doubtful ones; interest income = `income` (what the test worked out)."""
    prof = regulators.get_profile(w["regulator"])
    gl = prof.gl_keys
    lines: dict[str, int] = defaultdict(int)
    for loan_id in w["loans"]:
        code = classes.get(loan_id) or gl["loans_outstanding"]
        if Loan.get_by_id(loan_id).state != "written_off":
            lines[code] += _principal(loan_id)
        lines[gl["interest_receivable"]] += _receivable(loan_id)
        if loan_id in reserving:
            lines[gl["interest_reserved"]] += _receivable(loan_id)
    lines[gl["interest_income_loans"]] = income
    return dict(lines)


def _check_lines(w, expected: dict[str, int]) -> None:
    prof = regulators.get_profile(w["regulator"])
    tb = _gl()
    codes = set(prof.classification_accounts.values()) | {
        prof.gl_keys[k] for k in ("loans_outstanding", "interest_receivable",
                                  "interest_reserved", "interest_income_loans")}
    for code in sorted(codes):
        assert tb.get(code, 0) == expected.get(code, 0), (code, tb.get(code, 0),
                                                          expected.get(code, 0))
    # each loan's principal accounts sum to its outstanding
    for loan_id in w["loans"]:
        loan = Loan.get_by_id(loan_id)
        held = loan_ledger.outstanding(loan_id)
        assert held == (0 if loan.state == "written_off" else _principal(loan_id))
    debit = sum(b for c, b in tb.items() if GLAccount.get(GLAccount.code == c)
                .normal_side == "debit")
    credit = sum(b for c, b in tb.items() if GLAccount.get(GLAccount.code == c)
                 .normal_side == "credit")
    assert debit == credit
    assert check.run().ok


CLASS_45 = {"bceao": ("291", False), "cobac": ("341", False), "bcc": ("392", False)}
CLASS_100 = {"bceao": ("291", True), "cobac": ("345", True), "bcc": ("393", True)}


def test_five_closings_move_the_loans_between_class_accounts(portfolio):
    w = portfolio
    a, b = w["loans"]
    day = business_day.open_date(w["admin"].branch_id)
    with clock_from(datetime.combine(day, datetime.min.time()) + timedelta(hours=9)):
        # 1. sound: nothing due, both on the portfolio account
        _close(w, day)
        assert all(Loan.get_by_id(i).classification in ("sain", "saine") for i in (a, b))
        _check_lines(w, _expect(w, {}, set(), 0))

        # 2. loan A 45 days late: its whole outstanding to the arrears account, its
        # interest still income (accrued by the closing: receivable / income)
        _shift(a, 45, day)
        _close(w, day)
        code45, reserved45 = CLASS_45[w["regulator"]]
        assert not reserved45
        income = _receivable(a) + _receivable(b)
        assert _receivable(a) > 0
        _check_lines(w, _expect(w, {a: code45}, set(), income))
        assert _ods("loan_reclassification") == 1  # one OD for the class change

        # 3. 100 days late: doubtful; what was accrued and unpaid is reserved (taken
        # back from income), and so is what accrues from now on
        _shift(a, 100, day)
        _close(w, day)
        code100, _r = CLASS_100[w["regulator"]]
        assert loan_ledger.profile().reserves_interest(Loan.get_by_id(a).classification)
        income = _receivable(b)
        _check_lines(w, _expect(w, {a: code100}, {a}, income))
        # BCEAO keeps 3-6 months in 291 with 0-3 months: no second move there
        assert _ods("loan_reclassification") == (1 if code100 == code45 else 2)
        moves = _ods("loan_reclassification")
        reserved = _receivable(a)
        assert reserved > 0

        # 4. cured: everything due paid at the counter; the closing brings the loan back
        # to the portfolio account and the collected interest to income
        due = repayments.due(w["cashier"], a)
        repayments.repay(w["cashier"], a, due.map_total, party_name="Mbuyi A",
                         purpose="Rattrapage")
        # the repayment credited the principal where it sat: the class account
        held = loan_ledger.positions([a])[a]
        assert held.main_balance == 0 and held.subs[code100][1] == _principal(a)
        _close(w, day)
        assert Loan.get_by_id(a).days_past_due == 0
        income = _interest_paid(a) + _receivable(a) + _receivable(b)
        _check_lines(w, _expect(w, {}, set(), income))
        assert loan_ledger.positions([a])[a].reserved_balance == 0
        assert _ods("loan_reclassification") == moves + 1
        _close(w, day)  # a closing with nothing changed moves nothing
        assert _ods("loan_reclassification") == moves + 1

        # 5. loan B written off: its principal leaves the books, and its accrued
        # interest with it (no receivable left, the income taken back)
        _shift(b, 200, day)
        _close(w, day)
        accrued_b = _receivable(b)
        assert accrued_b > 0
        done = written_off(w, b, "Débiteur disparu")
        # 200 days late is doubtful under every profile: all of it was reserved
        assert done.preview.accrued == done.preview.reserved == accrued_b
        assert _receivable(b) == 0
        _close(w, day)
        income = _interest_paid(a) + _receivable(a)
        _check_lines(w, _expect(w, {}, set(), income))
        assert loan_ledger.positions([b])[b].reserved_balance == 0


def _owed_besides_principal(loan_id: int) -> tuple[int, int, int]:
    rows = _rows(loan_id)
    return (sum(r.interest_due - r.interest_paid for r in rows),
            sum(r.fees_due - r.fees_paid for r in rows),
            sum(r.penalties_due - r.penalties_paid for r in rows))


@pytest.mark.parametrize("portfolio", ["bceao"], indirect=True)
def test_two_reschedulings_carry_every_unpaid_amount_and_the_receivable(portfolio):
    from mifin_tui.db.models import LoanProduct
    from mifin_tui.services.closing import penalties
    from mifin_tui.services.loans import reschedule

    w = portfolio
    a = w["loans"][0]
    day = business_day.open_date(w["admin"].branch_id)
    LoanProduct.update(penalty_kind="daily", penalty_value=50, penalty_grace_days=2).where(
        LoanProduct.id == w["product"].id).execute()
    with clock_from(datetime.combine(day, datetime.min.time()) + timedelta(hours=9)):
        _shift(a, 45, day)
        with db.write_transaction():
            penalties.charge_batch([a], day - timedelta(days=45), day, day)
        _close(w, day)
        receivable = accounts.gl_by_key("interest_receivable").code
        overdue = [r for r in _rows(a) if r.due_date <= day]
        due_interest = sum(r.interest_due - r.interest_paid for r in overdue)
        due_fees = sum(r.fees_due - r.fees_paid for r in overdue)
        due_penalties = sum(r.penalties_due - r.penalties_paid for r in overdue)
        assert due_interest > 0 and due_penalties > 0
        open_before = _receivable(a)
        assert _gl()[receivable] == open_before

        first = reschedule.approve(w["manager"], reschedule.request(
            w["officer"], a, 20, None, "Récolte perdue"))
        # what was overdue is carried to the minor unit (nothing accrued on the running
        # period: the first instalment not yet due starts today)
        assert (first.carried.interest, first.carried.fees, first.carried.penalties) == (
            due_interest, due_fees, due_penalties)
        # the receivable stays tied to an instalment: the ledger's equals the rows'
        assert _receivable(a) == open_before == _gl()[receivable]
        own = sum(i.interest for i in first.schedule.installments)
        own_fees = sum(i.fees for i in first.schedule.installments)
        assert _owed_besides_principal(a) == (own + due_interest, own_fees + due_fees,
                                              due_penalties)

        second = reschedule.approve(w["manager"], reschedule.request(
            w["officer"], a, 30, None, "Deuxième rééchelonnement"))
        # nothing paid in between: everything the first carried is carried again
        assert second.carried == first.carried
        own2 = sum(i.interest for i in second.schedule.installments)
        own2_fees = sum(i.fees for i in second.schedule.installments)
        assert _owed_besides_principal(a) == (own2 + due_interest, own2_fees + due_fees,
                                              due_penalties)
        assert _receivable(a) == open_before == _gl()[receivable]
        assert loan_ledger.outstanding(a) == _principal(a)
        # the closing: no longer late but rescheduled, the loan sits on 292
        # ("créances immobilisées"), its receivable intact
        _close(w, day)
        held = loan_ledger.positions([a])[a]
        assert held.principal_account == held.subs["292"][0]
        assert held.subs["292"][1] == _principal(a)
        assert _receivable(a) == open_before == _gl()[receivable]
        assert check.run().ok
