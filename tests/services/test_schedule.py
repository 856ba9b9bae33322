"""The schedule engine against independent references, hand-computed tables, a published
core-banking test, and properties that hold for any valid terms."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.working_days import make as make_calendar
from mifin_tui.services.loans.engine import schedule as S
from mifin_tui.services.loans.engine.schedule import ScheduleTerms
from mifin_tui.services.loans.engine.teg import ACTUARIAL, annualise, periodic_irr


def cols(schedule: S.Schedule, *names: str) -> list[tuple]:
    return [tuple(getattr(row, n) for n in names) for row in schedule.installments]


# ---- declining balance against numpy-financial (before rounding) --------------------------

@pytest.mark.parametrize("principal,rate_bp,ppy,n", [
    (100_000, 2400, 52, 52), (300_000, 1800, 12, 12), (1_500_000, 3600, 26, 20),
    (250_000, 100, 12, 6), (5_000_000, 9900, 52, 104),
])
def test_annuity_and_its_split_match_numpy_financial(principal, rate_bp, ppy, n):
    rate = Fraction(rate_bp, 10_000 * ppy)
    payment = S.annuity_exact(principal, rate, n)
    assert float(payment) == pytest.approx(-npf.pmt(float(rate), n, principal), rel=1e-12)
    for k, (interest, part) in enumerate(S.amortisation_exact(principal, rate, n), start=1):
        assert float(interest) == pytest.approx(-npf.ipmt(float(rate), k, n, principal),
                                                rel=1e-9, abs=1e-7)
        assert float(part) == pytest.approx(-npf.ppmt(float(rate), k, n, principal), rel=1e-9)


@pytest.mark.parametrize("principal,rate_bp,frequency,n", [
    (100_000, 2400, "weekly", 52), (300_000, 1800, "monthly", 12),
    (1_500_000, 3600, "biweekly", 20), (99_999, 1, "weekly", 3),
])
def test_rounded_instalment_is_the_exact_one_rounded_half_up(principal, rate_bp, frequency, n):
    ppy = S.PERIODS_PER_YEAR[frequency]
    exact = S.annuity_exact(principal, Fraction(rate_bp, 10_000 * ppy), n)
    schedule = S.build(ScheduleTerms(principal, "XOF", rate_bp, n, frequency, S.DECLINING,
                                     date(2026, 1, 5)))
    level = schedule.installments[0].total
    assert abs(level - exact) <= Fraction(1, 2)
    assert all(row.total == level for row in schedule.installments[:-1])
    # Interest of each period is the balance before it times the periodic rate, rounded.
    before = principal
    for row in schedule.installments:
        assert row.interest == S.round_half_up(before * rate_bp, 10_000 * ppy)
        before = row.balance_after


# ---- a published schedule --------------------------------------------------------------------

def test_matches_apache_fineract_published_schedule():
    """Apache Fineract's end-to-end test suite, scenario C4339 of
    fineract-e2e-tests-runner/src/test/resources/features/
    LoanReAgingEqualAmortization-Part3.feature (github.com/apache/fineract): 100 EUR at
    7 % a year, 6 monthly instalments, declining balance, equal instalments, 360/30 days
    (so the periodic rate is 7 % / 12), disbursed on 1 January 2024. Its expected
    "Loan Repayment schedule" table, in cents."""
    schedule = S.build(ScheduleTerms(10_000, "USD", 700, 6, "monthly", S.DECLINING,
                                     date(2024, 1, 1)))
    assert cols(schedule, "due_date", "balance_after", "principal", "interest", "total") == [
        (date(2024, 2, 1), 8357, 1643, 58, 1701),
        (date(2024, 3, 1), 6705, 1652, 49, 1701),
        (date(2024, 4, 1), 5043, 1662, 39, 1701),
        (date(2024, 5, 1), 3371, 1672, 29, 1701),
        (date(2024, 6, 1), 1690, 1681, 20, 1701),
        (date(2024, 7, 1), 0, 1690, 10, 1700),
    ]
    assert (schedule.totals.principal, schedule.totals.interest,
            schedule.totals.total) == (10_000, 205, 10_205)


# ---- hand-computed tables ---------------------------------------------------------------------

def test_flat_hand_computed():
    # 1,000,000 FCFA at 24 % flat, 12 months: 20,000 interest a month on the initial
    # principal; 1,000,000 / 12 = 83,333.33 -> 83,333 a month, the last takes 83,337.
    schedule = S.build(ScheduleTerms(1_000_000, "XOF", 2400, 12, "monthly", S.FLAT,
                                     date(2026, 1, 15)))
    assert cols(schedule, "principal", "interest", "total")[:2] == [(83_333, 20_000,
                                                                      103_333)] * 2
    assert cols(schedule, "principal", "interest", "total", "balance_after")[-1] == (
        83_337, 20_000, 103_337, 0)
    assert schedule.totals.interest == 240_000
    assert schedule.installments[0].due_date == date(2026, 2, 15)


def test_equal_principal_hand_computed():
    # 1,200.00 USD at 12 %, 4 monthly: 1 % a month, 300.00 of principal each time,
    # interest on 1,200, 900, 600, 300.
    schedule = S.build(ScheduleTerms(120_000, "USD", 1200, 4, "monthly", S.EQUAL_PRINCIPAL,
                                     date(2026, 3, 10)))
    assert cols(schedule, "principal", "interest", "total", "balance_after") == [
        (30_000, 1_200, 31_200, 90_000), (30_000, 900, 30_900, 60_000),
        (30_000, 600, 30_600, 30_000), (30_000, 300, 30_300, 0)]


def test_actual_days_interest_365():
    # 365,000 FCFA at 36.5 %/365 days = 100 FCFA a day per 100,000: January has 31 days.
    schedule = S.build(ScheduleTerms(365_000, "XOF", 3650, 2, "monthly", S.EQUAL_PRINCIPAL,
                                     date(2026, 1, 1), days_in_year=365))
    assert cols(schedule, "interest") == [(365_000 * 31 // 1000,), (182_500 * 28 // 1000,)]
    schedule360 = S.build(ScheduleTerms(360_000, "XOF", 3600, 1, "monthly", S.FLAT,
                                        date(2026, 1, 1), days_in_year=360))
    assert schedule360.installments[0].interest == 360_000 * 36 * 31 // 36_000


# ---- due dates ----------------------------------------------------------------------------------

def test_monthly_dates_keep_the_day_and_clamp_at_month_end():
    dates = S.due_dates(ScheduleTerms(1000, "XOF", 0, 4, "monthly", start=date(2026, 1, 31)))
    assert dates == (date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31))


def test_dates_move_past_weekends_and_holidays():
    cal = make_calendar({5, 6}, {date(2026, 1, 12)})  # a Monday holiday
    dates = S.due_dates(ScheduleTerms(1000, "XOF", 0, 3, "weekly", start=date(2026, 1, 5),
                                      calendar=cal))
    assert dates == (date(2026, 1, 13), date(2026, 1, 19), date(2026, 1, 26))
    # A Saturday first due date moves to Monday; the rest keep the weekly rhythm.
    dates = S.due_dates(ScheduleTerms(1000, "XOF", 0, 2, "weekly", start=date(2026, 1, 5),
                                      first_due=date(2026, 1, 10), calendar=cal))
    assert dates == (date(2026, 1, 12 + 1), date(2026, 1, 19))


def test_seasonal_plan_with_dates_by_hand():
    terms = ScheduleTerms(500_000, "XOF", 1800, 2, "seasonal", S.DECLINING, date(2026, 4, 1),
                          due_dates=(date(2026, 8, 31), date(2026, 11, 30)))
    schedule = S.build(terms)
    first, last = schedule.installments
    assert first.interest == S.round_half_up(500_000 * 1800 * 152, 10_000 * 365)
    assert (first.due_date, last.due_date, last.balance_after) == (
        date(2026, 8, 31), date(2026, 11, 30), 0)
    assert abs(first.total - last.total) <= 1
    bullet = S.build(ScheduleTerms(500_000, "XOF", 1800, 1, "seasonal", S.FLAT,
                                   date(2026, 4, 1), due_dates=(date(2026, 10, 1),)))
    assert bullet.installments[0].principal == 500_000


# ---- grace, rounding ---------------------------------------------------------------------------

def test_grace_on_principal_is_interest_only():
    schedule = S.build(ScheduleTerms(120_000, "USD", 1200, 5, "monthly", S.EQUAL_PRINCIPAL,
                                     date(2026, 1, 1), grace_principal=1))
    assert cols(schedule, "principal", "interest")[:2] == [(0, 1200), (30_000, 1200)]
    assert schedule.totals.principal == 120_000


def test_grace_on_interest_waived_or_capitalised():
    waived = S.build(ScheduleTerms(120_000, "USD", 1200, 5, "monthly", S.EQUAL_PRINCIPAL,
                                   date(2026, 1, 1), grace_interest=1))
    assert cols(waived, "principal", "interest", "total")[0] == (0, 0, 0)
    assert waived.installments[1].interest == 1200
    capitalised = S.build(ScheduleTerms(120_000, "USD", 1200, 5, "monthly",
                                        S.EQUAL_PRINCIPAL, date(2026, 1, 1), grace_interest=2,
                                        grace_interest_mode=S.GRACE_CAPITALISED))
    first, second, third = capitalised.installments[:3]
    assert (first.total, first.balance_after) == (0, 121_200)
    assert (second.total, second.balance_after) == (0, 122_412)
    assert third.interest == 1224
    assert capitalised.totals.capitalised_interest == 2412
    assert sum(r.principal for r in capitalised.installments) == 122_412


def test_instalment_rounded_up_to_a_multiple_and_the_last_absorbs():
    schedule = S.build(ScheduleTerms(100_000, "XOF", 2400, 52, "weekly", S.DECLINING,
                                     date(2026, 1, 5), round_to=25))
    totals = [row.total for row in schedule.installments]
    assert all(t == 2175 for t in totals[:-1])  # 2,170.59... -> 2,171 -> 2,175
    assert totals[-1] < 2175 and schedule.installments[-1].balance_after == 0
    assert sum(row.principal for row in schedule.installments) == 100_000


def test_bad_terms_are_all_named_at_once():
    with pytest.raises(ValidationError) as exc:
        S.build(ScheduleTerms(-5, "XOF", 12_000, 0, "daily", "other"))
    assert set(exc.value.errors) >= {"principal", "rate", "installments", "frequency",
                                     "method"}


# ---- TEG ----------------------------------------------------------------------------------------

def test_teg_equals_the_nominal_rate_without_fees_and_rises_with_them():
    base = ScheduleTerms(1_200_000, "XOF", 2400, 12, "monthly", S.DECLINING, date(2026, 1, 5))
    plain = S.build(base)
    assert abs(plain.teg - Decimal("0.24")) < Decimal("0.0002")
    import dataclasses

    fee = S.build(dataclasses.replace(base, fee_deducted=24_000))
    # 2 % of file fees over a year's monthly loan: about 3.7 points more.
    assert Decimal("0.275") < fee.teg < Decimal("0.28")
    actuarial = S.build(dataclasses.replace(base, fee_deducted=24_000, teg_method=ACTUARIAL))
    assert actuarial.teg > fee.teg
    assert actuarial.teg == annualise(periodic_irr(1_176_000, [r.total for r in
                                                               fee.installments]), 12,
                                      ACTUARIAL)


def test_irr_of_a_hand_made_flow():
    # Receive 100, pay 110 one period later: 10 % a period.
    assert periodic_irr(100, [110]) == pytest.approx(Decimal("0.1"), abs=Decimal("1e-20"))
    assert periodic_irr(100, [60, 55]) > 0
    assert annualise(Decimal("0.01"), 12, ACTUARIAL) == Decimal("0.12682503")


# ---- properties ------------------------------------------------------------------------------

terms_strategy = st.builds(
    lambda principal, rate, n, frequency, method, grace_p, grace_i, mode, round_to, start,
    fee_bp, days, currency: ScheduleTerms(
        principal=principal, currency=currency, annual_rate_bp=rate, installments=n,
        frequency=frequency, method=method, start=start,
        grace_principal=min(grace_p, n - 1), grace_interest=min(grace_i, n - 1),
        grace_interest_mode=mode, round_to=round_to,
        fee_deducted=principal * fee_bp // 10_000, days_in_year=days,
        calendar=make_calendar({6}, {start + timedelta(days=7)})),
    # Microfinance terms: up to 60 instalments, up to 50 % a year (beyond that a period of
    # actual days can cost more interest than the level instalment holds).
    st.integers(50_000, 10**10), st.integers(0, 5_000), st.integers(1, 60),
    st.sampled_from(["weekly", "biweekly", "monthly"]), st.sampled_from(S.METHODS),
    st.integers(0, 4), st.integers(0, 4), st.sampled_from(S.GRACE_MODES),
    st.sampled_from([1, 5, 25, 100]), st.dates(date(2020, 1, 1), date(2035, 12, 31)),
    st.integers(0, 500), st.sampled_from([None, None, 360, 365]),
    st.sampled_from(["XOF", "USD"]))


@settings(max_examples=300, deadline=None)
@given(terms_strategy)
def test_properties_of_any_schedule(terms):
    schedule = S.build(terms)
    rows = schedule.installments
    assert len(rows) == terms.installments
    assert sum(r.principal for r in rows) == terms.principal + \
        schedule.totals.capitalised_interest
    if terms.grace_interest_mode == S.GRACE_WAIVED or terms.grace_interest == 0:
        assert sum(r.principal for r in rows) == terms.principal
    assert rows[-1].balance_after == 0
    for row in rows:
        assert min(row.principal, row.interest, row.fees, row.total, row.balance_after) >= 0
        assert row.total == row.principal + row.interest + row.fees
    grace = max(terms.grace_principal, terms.grace_interest)
    amortising = rows[grace:]
    balances = [r.balance_after for r in amortising]
    assert balances == sorted(balances, reverse=True)
    dates = [r.due_date for r in rows]
    assert all(a < b for a, b in zip([terms.start, *dates], dates, strict=False))
    if terms.method == S.DECLINING:
        assert len({r.total for r in amortising[:-1]}) <= 1
        # The last absorbs the rounding of every other one, about a unit each, grown by the
        # interest on those differences (the periodic rate, or a month of actual days).
        m = len(amortising)
        growth = (1 + terms.annual_rate_bp / 10_000 / (12 if terms.days_in_year else
                                                         S.PERIODS_PER_YEAR[terms.frequency])
                  * 1.1) ** m
        assert abs(amortising[-1].total - amortising[0].total) <= 2 * m * terms.round_to * growth
    if schedule.multiple > 1:
        assert all(r.total % schedule.multiple == 0 for r in amortising[:-1])
    if terms.principal >= 100 * terms.round_to * terms.installments and \
            terms.annual_rate_bp > 0:
        assert schedule.multiple == terms.round_to
    assert schedule.totals.total == sum(r.total for r in rows)


@settings(max_examples=150, deadline=None)
@given(st.integers(100_000, 10**9), st.integers(100, 6000), st.integers(2, 60),
       st.sampled_from(["weekly", "biweekly", "monthly"]), st.sampled_from(S.METHODS),
       st.integers(50, 500))
def test_teg_is_at_least_the_nominal_rate_when_there_are_fees(principal, rate, n, frequency,
                                                              method, fee_bp):
    terms = ScheduleTerms(principal, "XOF", rate, n, frequency, method, date(2026, 1, 5),
                          fee_deducted=principal * fee_bp // 10_000)
    schedule = S.build(terms)
    assert schedule.teg >= Decimal(rate) / 10_000
