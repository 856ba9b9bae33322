"""The regulator's report pack (#20): prudential ratios, portfolio movements per class
and the performance indicators, each figure against a hand computation on three loans
built through the services (one repaid on time, one late, one written off)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from mifin_tui import db
from mifin_tui.db.models import Loan, LoanInstallment, Member
from mifin_tui.services.kernel import accounts, ledger, regulators
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import repayments
from mifin_tui.services.reports import movements, performance, portfolio, prudential
from mifin_tui.services.reports import registry as report_registry
from mifin_tui.services.reports.registry import ReportParams
from tests.services.test_arrears import written_off
from tests.services.test_loans import USD, approved, world  # noqa: F401
from tests.services.test_repayments import age


def _rows(loan_id: int) -> list[LoanInstallment]:
    return list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))


@pytest.fixture
def pack(world):
    """A (100,000) pays its first instalment on its due date, B (60,000) is five weeks
    late, C (40,000) is written off; 6,000 of provisions are booked by hand."""
    cashier = world["cashier"]
    ids = []
    for amount in (100_000, 60_000, 40_000):  # one open file per member and product
        ids.append(approved(world, amount=amount))
        loan_disbursement.disburse(cashier, ids[-1])
    a, b, c = ids
    a_rows, b_rows, c_rows = age(a, 1), age(b, 6), age(c, 3)
    paid = a_rows[0].principal_due + a_rows[0].interest_due
    repayments.repay(cashier, a, paid, party_name="Agathe")
    written_off(world, c, "Débiteur parti sans adresse")
    admin = world["admin"]
    with db.write_transaction():
        ledger.post(admin, kind="provision", label="Provision", lines=[
            ledger.Line(accounts.internal_account(admin.branch_id, "provision_expense",
                                                  USD).id, debit=6_000),
            ledger.Line(accounts.internal_account(admin.branch_id, "loan_loss_provisions",
                                                  USD).id, credit=6_000)])
    day = Loan.get_by_id(a).disbursed_on
    with db.write_transaction():  # the borrower is followed by the loan officer
        Member.update(officer=world["loan_officer"].user_id).where(
            Member.id == world["borrower"].id).execute()
    return dict(world, a=a, b=b, c=c, day=day, a_rows=a_rows, b_rows=b_rows,
                c_rows=c_rows)


def _amounts(lines) -> dict[str, tuple[int, ...]]:
    return {x.key: tuple(x.amounts[k] for k in movements.FIGURES) for x in lines}


def test_movements_per_class_by_hand(pack):
    day, manager = pack["day"], pack["manager"]
    a1 = pack["a_rows"][0]
    profile = regulators.get_profile("bcc")  # sain, impayés 1-90, 91-180 ...
    sound, late = profile.arrears_buckets[0].key, profile.arrears_buckets[1].key
    lines = movements.movements(profile, day, day, portfolio.Filters())
    # opening, disbursed, repaid, written off, reclassified, other, closing
    got = _amounts(lines)
    assert got[sound] == (0, 100_000, a1.principal_due, 0, 0, 0, 100_000 - a1.principal_due)
    # B (35 days late) and C (14 days late when written off): the 1-90 days class.
    assert got[late] == (0, 100_000, 0, 40_000, 0, 0, 60_000)
    assert all(v == (0,) * 7 for k, v in got.items() if k not in (sound, late))
    assert [(x.opening_loans, x.closing_loans) for x in lines[:2]] == [(0, 1), (0, 1)]

    # Ten days on, A's second instalment (due a week after the first) is 3 days late:
    # A moves from the sound class to 1-90 days with its whole opening principal.
    later = day + timedelta(days=10)
    a_left = 100_000 - a1.principal_due
    got = _amounts(movements.movements(profile, day + timedelta(days=1), later,
                                       portfolio.Filters()))
    assert got[sound] == (a_left, 0, 0, 0, -a_left, 0, 0)
    assert got[late] == (60_000, 0, 0, 0, a_left, 0, 60_000 + a_left)

    table = report_registry.run("movements", manager,
                                ReportParams(date_from=day, date_to=day))
    assert table.totals[2:9] == (0, 200_000, a1.principal_due, 40_000, 0, 0,
                                 160_000 - a1.principal_due)


def test_performance_indicators_by_hand(pack):
    day, manager = pack["day"], pack["manager"]
    a1, b6, c3 = pack["a_rows"][0], pack["b_rows"][5], pack["c_rows"][2]
    closing = 100_000 - a1.principal_due + 60_000  # A after its first instalment, and B
    average = (0 + closing + 1) // 2  # nothing before the day: opening 0
    fees = 2_000 + 1_200 + 800  # 2 % of each loan
    perf = performance.performance(regulators.get_profile("bcc"), day, day,
                                   portfolio.Filters(), USD)
    got = {x.key: (x.numerator, x.denominator) for x in perf.indicators}
    assert (perf.opening, perf.closing, perf.average) == (0, closing, average)
    assert got["write_off_ratio"] == (40_000, average)
    assert got["risk_coverage"] == (6_000, 60_000)  # B is PAR30
    due = sum(r.principal_due + r.interest_due for r in (a1, b6, c3))  # due that day
    assert got["on_time_rate"] == (a1.principal_due + a1.interest_due, due)
    income = fees + a1.interest_due
    assert got["portfolio_yield"] == (income, average)
    assert got["portfolio_yield_year"] == (income * 365, average)
    assert got["cost_of_risk"] == (6_000 + 40_000, average)  # provision + loss
    by_key = {x.key: x.ratio_bp for x in perf.indicators}
    assert by_key["risk_coverage"] == 1000  # 6,000 / 60,000
    assert by_key["write_off_ratio"] == 5116  # 40,000 / 78,186 = 51.16 %
    officer = pack["loan_officer"]
    assert [(o.name, o.loans, o.outstanding, o.at_risk) for o in perf.officers] == [
        (officer.full_name, 2, closing, 60_000)]
    table = report_registry.run("performance", manager,
                                ReportParams(date_from=day, date_to=day))
    assert table.rows[0][3] == "51.16 %" and table.rows[1][3] == "10.00 %"
    assert table.rows[6][2] == closing and table.rows[6][4] == 2  # per officer (1)


def test_prudential_ratios_by_hand(pack):
    day, manager = pack["day"], pack["manager"]
    # The BCC profile lists no ratio yet: BCEAO's norms on this (BCC) ledger.
    bcc = regulators.get_profile("bcc")
    profile = dataclasses.replace(
        bcc, prudential_ratios=regulators.get_profile("bceao").prudential_ratios)
    f = prudential.ledger_figures(profile, USD, None, day)
    # The trial balance of the day: capital 5,000,000; income 4,000 of fees and 462 of
    # interest; expenses 40,000 of loss and 6,000 of provision.
    a1 = pack["a_rows"][0]
    loans = 200_000 - 3_628 - 40_000
    assert a1.principal_due == 3_628 and a1.interest_due == 462
    assert f == prudential.LedgerFigures(
        equity=5_000_000 + 4_462 - 46_000, share_capital=5_000_000, gross_loans=loans,
        provisions=6_000, liquid_assets=4_800_000 + 113_090, demand_deposits=105_000,
        total_assets=loans - 6_000 + 4_800_000 + 113_090)
    lines = {x.key: x for x in prudential.ratios(profile, day, portfolio.Filters(), None,
                                                 USD)}
    assert list(lines) == [r.key for r in profile.prudential_ratios]
    got = {k: (x.numerator, x.denominator, x.ratio_bp, x.met) for k, x in lines.items()}
    assert got["risk_limitation"] == (156_372, 4_958_462, 315, True)  # 3.15 % <= 200 %
    assert got["single_borrower"] == (156_372, 4_958_462, 315, True)  # A and B: one member
    assert got["liquidity"] == (4_913_090, 105_000, 467_913, True)
    assert got["capitalisation"] == (4_958_462, 5_063_462, 9_793, True)
    assert got["par90"] == (0, 156_372, 0, True)  # B is 35 days late
    for key in ("stable_resources_cover", "insider_loans", "other_activities",
                "general_reserve"):
        assert lines[key].met is None and lines[key].reason.startswith("Not computed")
    assert lines["liquidity"].source == "Instruction 010-08-2010"
    # A ratio not met says so: the same borrower against a norm of 0.10 %.
    small = prudential.ratios(dataclasses.replace(profile, prudential_ratios=(
        regulators.PrudentialRatio("single_borrower", "Division", "<=", 10, "Texte"),)),
        day, portfolio.Filters(), None, USD)
    assert small[0].met is False
    table = report_registry.run("prudential", manager, ReportParams(date=day))
    assert table.rows == [] and "lists no prudential ratio" in table.notes[0]
