"""The repayment engine against hand-computed cases (the arithmetic is written beside each
figure) and properties that hold for any schedule and any sequence of payments and debits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mifin_tui.services.kernel import regulators
from mifin_tui.services.loans.engine import allocation as R
from mifin_tui.services.loans.engine import penalties as P
from mifin_tui.services.loans.engine import schedule as S
from mifin_tui.services.loans.engine.allocation import AllocationPolicy, Components, InstalmentState

START = date(2026, 1, 5)
BCEAO = regulators.get_profile("bceao")


def four_weeks() -> R.LoanState:
    """100,000 FCFA at 24 % over 4 weeks, declining (services.schedule):
    no  due         principal  interest  total
    1   2026-01-12  24,827     462       25,289   (100,000 x 24 % / 52 = 461.5 -> 462)
    2   2026-01-19  24,942     347       25,289   (75,173 x 0.24 / 52 = 346.95 -> 347)
    3   2026-01-26  25,057     232       25,289
    4   2026-02-02  25,174     116       25,290   (the last takes the balance left)"""
    schedule = S.build(S.ScheduleTerms(100_000, "XOF", 2400, 4, S.WEEKLY, S.DECLINING, START))
    return R.state_from_schedule(schedule)


def test_the_four_week_schedule_is_the_one_the_cases_below_assume():
    rows = [(i.no, i.due_date, i.principal_due, i.interest_due) for i in
            four_weeks().instalments]
    assert rows == [(1, date(2026, 1, 12), 24_827, 462), (2, date(2026, 1, 19), 24_942, 347),
                    (3, date(2026, 1, 26), 25_057, 232), (4, date(2026, 2, 2), 25_174, 116)]


# ---- state for a day ----------------------------------------------------------------------

def test_amount_due_overdue_and_days_past_due():
    state = four_weeks()
    # On 20 January, instalments 1 and 2 are due: 24,827 + 24,942 = 49,769 principal,
    # 462 + 347 = 809 interest; MAP = 50,578. Only no. 1 (due 12 Jan) is overdue, 8 days.
    day = date(2026, 1, 20)
    assert R.amount_due(state, day) == Components(49_769, 809, 0, 0)
    assert R.amount_due(state, day).total == 50_578
    assert R.overdue(state, day) == Components(24_827 + 24_942, 809)  # both due before 20th
    assert R.overdue(state, date(2026, 1, 19)) == Components(24_827, 462)  # no. 2 due today
    assert R.days_past_due(state, day) == 8
    assert R.days_past_due(state, date(2026, 1, 12)) == 0  # its due date itself
    assert R.days_past_due(state, date(2026, 1, 11)) == 0  # nothing due yet
    assert R.outstanding(state) == Components(100_000, 1_157)


def test_a_payment_splits_by_the_order_oldest_first_and_ages_the_rest():
    state = four_weeks()
    day = date(2026, 1, 20)
    a = R.allocate(state, 30_000, day)
    # No. 1 in full: interest 462, principal 24,827 = 25,289; 30,000 - 25,289 = 4,711 left:
    # no. 2 interest 347, principal 4,711 - 347 = 4,364.
    assert a.lines == (R.InstalmentAllocation(1, principal=24_827, interest=462),
                       R.InstalmentAllocation(2, principal=4_364, interest=347))
    assert a.applied == Components(29_191, 809) and a.refused == 0
    assert a.state.instalment(2).principal_paid == 4_364
    # No. 2 (due 19 Jan) still owes 24,942 - 4,364 = 20,578: 1 day past due on the 20th.
    assert R.amount_due(a.state, day) == Components(20_578, 0)
    assert R.days_past_due(a.state, day) == 1
    # Paying the rest clears the arrears.
    b = R.allocate(a.state, 20_578, day)
    assert R.days_past_due(b.state, day) == 0 and R.overdue(b.state, day).total == 0


def test_penalties_first_then_interest_then_principal_and_the_component_sweep():
    state = R.add_penalties(four_weeks(), [(1, 100), (2, 50)])
    day = date(2026, 1, 20)
    # Instalment by instalment: no. 1 penalty 100, interest 462, principal 1,000 - 562 = 438.
    a = R.allocate(state, 1_000, day)
    assert a.lines == (R.InstalmentAllocation(1, principal=438, interest=462, penalties=100),)
    # Component by component: penalties 100 + 50, interest 462 + 347 = 959, then 41 principal
    # of no. 1.
    b = R.allocate(state, 1_000, day, AllocationPolicy(sweep=R.SWEEP_COMPONENT))
    assert b.lines == (R.InstalmentAllocation(1, principal=41, interest=462, penalties=100),
                       R.InstalmentAllocation(2, interest=347, penalties=50))


def test_an_order_must_settle_interest_before_principal():
    with pytest.raises(R.EngineError):
        R.normalise_order(("principal", "interest"))
    with pytest.raises(R.EngineError):
        R.normalise_order(("penalties", "principal"))  # interest would be appended after it
    with pytest.raises(R.EngineError):
        R.normalise_order(("interest", "interest", "principal"))
    with pytest.raises(R.EngineError):
        R.allocate(four_weeks(), 1, START, AllocationPolicy(order=("principal", "interest")))
    # The brief's spelling and the product's both read; fees left out come last.
    assert R.normalise_order(("penalty", "interest", "fees", "principal")) == (
        "penalties", "interest", "fees", "principal")
    assert R.normalise_order(("penalties", "interest", "principal")) == (
        "penalties", "interest", "principal", "fees")


@pytest.mark.parametrize("mode,lines,refused,prepaid", [
    # On 12 January only no. 1 is due (25,289); 60,000 - 25,289 = 34,711 above it.
    (R.EXCESS_REFUSE, [(1, 462, 24_827)], 34_711, 0),
    # Next instalments: no. 2 in full (347 + 24,942 = 25,289), 34,711 - 25,289 = 9,422 on
    # no. 3: interest 232, principal 9,190.
    (R.EXCESS_FUTURE_IN_ORDER, [(1, 462, 24_827), (2, 347, 24_942), (3, 232, 9_190)], 0, 0),
    # Last first: no. 4 in full (116 + 25,174 = 25,290), 9,421 on no. 3: 232 + 9,189.
    (R.EXCESS_FUTURE_LAST_FIRST, [(1, 462, 24_827), (3, 232, 9_189), (4, 116, 25_174)], 0, 0),
    # Declining loan: 34,711 of the 24,942 + 25,057 + 25,174 = 75,173 principal left.
    (R.EXCESS_PRINCIPAL_PREPAID, [(1, 462, 24_827)], 0, 34_711),
])
def test_what_is_above_the_amount_due(mode, lines, refused, prepaid):
    a = R.allocate(four_weeks(), 60_000, date(2026, 1, 12), AllocationPolicy(excess=mode))
    assert [(x.no, x.interest, x.principal) for x in a.lines] == lines
    assert (a.refused, a.principal_prepaid) == (refused, prepaid)
    assert a.amount == 60_000


def test_principal_prepaid_feeds_a_recomputed_schedule():
    a = R.allocate(four_weeks(), 60_000, date(2026, 1, 12),
                   AllocationPolicy(excess=R.EXCESS_PRINCIPAL_PREPAID))
    # The caller rebuilds the remaining three weeks on 75,173 - 34,711 = 40,462.
    left = R.outstanding(a.state).principal - a.principal_prepaid
    assert left == 40_462
    new = S.build(S.ScheduleTerms(left, "XOF", 2400, 3, S.WEEKLY, S.DECLINING,
                                  date(2026, 1, 12)))
    assert new.totals.principal == 40_462
    assert new.installments[0].interest == 187  # 40,462 x 0.24 / 52 = 186.75 -> 187


def test_terms_after_prepayment_keep_the_remaining_dates():
    terms = S.ScheduleTerms(100_000, "XOF", 2400, 4, S.WEEKLY, S.DECLINING, START,
                            fee_deducted=2_000)
    state = R.state_from_schedule(S.build(terms))
    a = R.allocate(state, 60_000, date(2026, 1, 12),
                   AllocationPolicy(excess=R.EXCESS_PRINCIPAL_PREPAID))
    new_terms = R.terms_after_prepayment(terms, a.state, a.principal_prepaid, date(2026, 1, 12))
    # 75,173 - 34,711 = 40,462 over the three weeks left, from the 12th, no fee taken again.
    assert (new_terms.principal, new_terms.installments, new_terms.start,
            new_terms.fee_deducted) == (40_462, 3, date(2026, 1, 12), 0)
    new = S.build(new_terms)
    assert [r.due_date for r in new.installments] == [
        date(2026, 1, 19), date(2026, 1, 26), date(2026, 2, 2)]
    # 40,462 x 0.24 / 52 = 186.75 -> 187 the first week.
    assert new.installments[0].interest == 187 and new.totals.principal == 40_462
    # Everything prepaid: nothing to rebuild; more than the principal left: a bug.
    assert R.terms_after_prepayment(terms, a.state, 40_462 + 34_711, date(2026, 1, 12)) is None
    with pytest.raises(R.EngineError):
        R.terms_after_prepayment(terms, a.state, 80_000, date(2026, 1, 12))
    # A seasonal plan keeps its dates by hand.
    seasonal = S.ScheduleTerms(300_000, "XOF", 1800, 2, S.SEASONAL, S.DECLINING, START,
                               due_dates=(date(2026, 4, 1), date(2026, 9, 1)))
    s_state = R.state_from_schedule(S.build(seasonal))
    s_terms = R.terms_after_prepayment(seasonal, s_state, 100_000, date(2026, 2, 1))
    assert s_terms.due_dates == (date(2026, 4, 1), date(2026, 9, 1))
    assert S.build(s_terms).totals.principal == 200_000


def test_above_the_whole_outstanding_is_refused_whatever_the_mode():
    # Outstanding 100,000 + 1,157 = 101,157; paying 200,000 in order leaves 98,843.
    for mode in R.EXCESS_MODES:
        a = R.allocate(four_weeks(), 200_000, date(2026, 1, 12), AllocationPolicy(excess=mode))
        assert a.amount == 200_000
        if mode == R.EXCESS_PRINCIPAL_PREPAID:
            # 25,289 due + 75,173 principal prepaid; the future interest is not owed.
            assert (a.principal_prepaid, a.refused) == (75_173, 200_000 - 25_289 - 75_173)
        elif mode == R.EXCESS_REFUSE:
            assert a.refused == 200_000 - 25_289
        else:
            assert a.refused == 98_843 and R.outstanding(a.state).total == 0


def test_payoff_for_a_day_with_and_without_accrued_interest():
    state = four_weeks()
    day = date(2026, 1, 15)  # 3 days into the second period (12 -> 19 January)
    plain = R.payoff(state, day)
    # 100,000 principal + 462 interest of no. 1 = 100,462.
    assert (plain.principal, plain.interest, plain.total) == (100_000, 462, 100_462)
    accrued = R.payoff(state, day, accrue_current_period=True)
    # + 347 x 3 / 7 = 148.71 -> 149.
    assert accrued.accrued_interest == 149 and accrued.total == 100_611
    # The first period runs from the disbursement (5 January): on the 8th, 462 x 3/7 = 198.
    assert R.payoff(state, date(2026, 1, 8), accrue_current_period=True).accrued_interest == 198
    # Penalties count in full.
    with_pen = R.payoff(R.add_penalties(state, [(1, 75)]), day)
    assert with_pen.penalties == 75 and with_pen.total == 100_537


def test_arrears_by_bceao_bucket():
    profile = regulators.get_profile("bceao")
    state = R.LoanState("XOF", date(2025, 9, 1), (
        InstalmentState(1, date(2025, 10, 1), 50_000, 5_000, principal_paid=10_000,
                        interest_paid=5_000),
        InstalmentState(2, date(2025, 11, 1), 50_000, 4_000, penalties_due=700),
        InstalmentState(3, date(2026, 1, 1), 50_000, 2_000),
        InstalmentState(4, date(2026, 2, 1), 50_000, 1_000),
    ))
    day = date(2026, 1, 20)
    buckets = {b.key: b for b in R.arrears_by_bucket(state, day, profile.arrears_buckets)}
    # No. 1: 20 Jan - 1 Oct = 111 days (3-6 months): 40,000 principal left.
    assert buckets["s3_6"].amount == Components(40_000, 0) and buckets["s3_6"].instalments == 1
    # No. 2: 80 days; no. 3: 19 days (both 0-3 months): 50,000 + 4,000 + 700, 50,000 + 2,000.
    assert buckets["s0_3"].amount == Components(100_000, 6_000, 0, 700)
    assert buckets["sain"].amount.total == 0 and buckets["perte"].amount.total == 0
    assert R.days_past_due(state, day) == 111


def test_classification_and_provision_on_outstanding_less_pledged_deposits():
    bceao = regulators.get_profile("bceao")
    state = R.LoanState("XOF", date(2025, 1, 1), (
        InstalmentState(1, date(2025, 10, 1), 250_000, 10_000),
        InstalmentState(2, date(2026, 4, 1), 250_000, 5_000),
    ))
    c = P.classify(state, date(2026, 1, 9), bceao, pledged_deposits=100_000)
    # 100 days past due: 3-6 months, 40 %; (500,000 - 100,000) x 40 % = 160,000.
    assert (c.bucket, c.days_past_due, c.provision_base, c.rate_bp, c.provision) == (
        "s3_6", 100, 400_000, 4000, 160_000)
    assert c.category == "doubtful" and c.classification == "en_souffrance"
    # Not a day late: "sain", no provision.
    assert P.classify(state, date(2025, 10, 1), bceao).provision == 0
    # Pledged deposits above the outstanding: base 0, never negative.
    assert P.classify(state, date(2026, 1, 9), bceao, pledged_deposits=900_000).provision == 0
    # COBAC leaves the rate to the institution: None until configured.
    cobac = regulators.get_profile("cobac")
    assert P.classify(state, date(2026, 1, 9), cobac).provision is None
    rated = regulators.with_provision_rates(cobac, {"douteuse_3_6": 2500})
    # COBAC's base is the outstanding: 500,000 x 25 % = 125,000.
    c2 = P.classify(state, date(2026, 1, 9), rated, pledged_deposits=100_000)
    assert (c2.bucket, c2.provision_base, c2.provision) == ("douteuse_3_6", 500_000, 125_000)
    # Half a franc rounds up: 1,001 x 50 bp = 5.005 -> 5; 1,100 x 50 bp = 5.5 -> 6.
    assert P.provision(1_001, 0, "outstanding", 50) == (1_001, 5)
    assert P.provision(1_100, 0, "outstanding", 50) == (1_100, 6)


# ---- automatic debit --------------------------------------------------------------------

def test_auto_debit_member_with_three_accounts_and_holds():
    """Instalment no. 1 of the four-week loan, 25,289 FCFA, due on 12 January.
    - linked account 11: balance 12,000, a hold of 5,000, minimum balance 1,000
      -> available 12,000 - 5,000 - 1,000 = 6,000;
    - account 12: balance 15,000, no hold, minimum 2,000 -> 13,000;
    - account 13: balance 9,000, a hold of 8,000 (collateral), no minimum -> 1,000.
    Taken: 6,000 + 13,000 + 1,000 = 20,000; arrears 25,289 - 20,000 = 5,289."""
    accounts = [(11, R.available_balance(12_000, 5_000, 1_000)),
                (12, R.available_balance(15_000, 0, 2_000)),
                (13, R.available_balance(9_000, 8_000, 0))]
    assert [a for _, a in accounts] == [6_000, 13_000, 1_000]
    state = four_weeks()
    day = date(2026, 1, 12)
    plan = R.plan_debit(R.amount_due(state, day).total, accounts)
    assert plan.lines == (R.DebitLine(11, 6_000), R.DebitLine(12, 13_000),
                          R.DebitLine(13, 1_000))
    assert (plan.taken, plan.arrears) == (20_000, 5_289)
    # The 20,000 pays interest 462 and principal 19,538; 5,289 of principal stays overdue.
    a = R.allocate(state, plan.taken, day)
    assert a.lines == (R.InstalmentAllocation(1, principal=19_538, interest=462),)
    assert R.overdue(a.state, day + timedelta(days=1)) == Components(5_289, 0)
    assert R.days_past_due(a.state, day + timedelta(days=1)) == 1
    # A smaller amount stops at the second account; the third is untouched.
    small = R.plan_debit(10_000, accounts)
    assert small.lines == (R.DebitLine(11, 6_000), R.DebitLine(12, 4_000))
    assert small.arrears == 0
    # An overdrawn account (negative available) gives nothing, and nothing due takes nothing.
    assert R.plan_debit(500, [(1, -300), (2, 200)]) == R.DebitPlan(
        (R.DebitLine(2, 200),), 200, 300)
    assert R.plan_debit(0, accounts) == R.DebitPlan((), 0, 0)
    assert R.available_balance(1_000, 2_000) == 0


# ---- penalties --------------------------------------------------------------------------

def late_instalment(base_principal: int = 20_000, penalties_due: int = 0) -> R.LoanState:
    return R.LoanState("XOF", date(2026, 2, 1), (
        InstalmentState(1, date(2026, 3, 2), base_principal, 1_000,
                        penalties_due=penalties_due),))


def test_daily_penalty_after_the_grace_days():
    rule = P.PenaltyRule(P.PER_DAY, 10, grace_days=3)  # 0.10 % a day
    state = late_instalment()
    # Due 2 March, grace 3: the 5th is 3 days late (nothing), the 6th is 4 days late:
    # (20,000 + 1,000) x 10 / 10,000 = 21.
    assert P.penalty_for_day(state, date(2026, 3, 5), rule) == ()
    assert P.penalty_for_day(state, date(2026, 3, 6), rule) == (P.PenaltyLine(1, 21, 1, False),)
    # 3 to 10 March at once: charged the 6th..10th = 5 days x 21 = 105, the same as day by day.
    assert P.penalty_for_days(state, date(2026, 3, 2), date(2026, 3, 10), rule) == (
        P.PenaltyLine(1, 105, 5, False),)
    day_by_day = sum(line.amount for d in range(3, 11)
                     for line in P.penalty_for_day(state, date(2026, 3, d), rule))
    assert day_by_day == 105
    # Idempotent: the same state and day give the same figure.
    assert P.penalty_for_day(state, date(2026, 3, 6), rule) == \
        P.penalty_for_day(state, date(2026, 3, 6), rule)
    # Paid up: nothing more.
    paid = R.allocate(state, 21_000, date(2026, 3, 6)).state
    assert P.penalty_for_day(paid, date(2026, 3, 7), rule) == ()
    # Only principal as base: 20,000 x 10 bp = 20.
    only_p = P.PenaltyRule(P.PER_DAY, 10, 3, base=("principal",))
    assert P.penalty_for_day(state, date(2026, 3, 6), only_p)[0].amount == 20


@pytest.mark.parametrize("base,rounding,expected", [
    # 20,555 x 10 bp = 20.555
    (19_555, P.ROUND_HALF_UP, 21), (19_555, P.ROUND_DOWN, 20), (19_555, P.ROUND_UP, 21),
    # 20,450 x 10 bp = 20.45
    (19_450, P.ROUND_HALF_UP, 20), (19_450, P.ROUND_DOWN, 20), (19_450, P.ROUND_UP, 21),
    # 20,500 x 10 bp = 20.5 exactly: half up gives 21
    (19_500, P.ROUND_HALF_UP, 21), (19_500, P.ROUND_DOWN, 20),
])
def test_penalty_rounding_rule_is_explicit(base, rounding, expected):
    rule = P.PenaltyRule(P.PER_DAY, 10, 0, rounding=rounding)
    (line,) = P.penalty_for_day(late_instalment(base), date(2026, 3, 3), rule)
    assert line.amount == expected


def test_penalty_caps():
    state = late_instalment()
    rule = P.PenaltyRule(P.PER_DAY, 10, 3, cap_amount=50)
    # 105 over 6..10 March, capped at 50.
    assert P.penalty_for_days(state, date(2026, 3, 2), date(2026, 3, 10), rule) == (
        P.PenaltyLine(1, 50, 5, True),)
    # 40 already charged: 10 more at most, then nothing.
    state40 = late_instalment(penalties_due=40)
    assert P.penalty_for_days(state40, date(2026, 3, 2), date(2026, 3, 10), rule)[0].amount == 10
    assert P.penalty_for_day(late_instalment(penalties_due=50), date(2026, 3, 11), rule) == ()
    # A cap in basis points of principal + interest: 21,000 x 2 % = 420; 105 stays under it.
    by_rate = P.PenaltyRule(P.PER_DAY, 10, 3, cap_bp=200)
    assert P.penalty_for_days(state, date(2026, 3, 2), date(2026, 3, 10), by_rate)[0] == \
        P.PenaltyLine(1, 105, 5, False)
    # Forty days late x 21 = 840 > 420: capped.
    assert P.penalty_for_days(state, date(2026, 3, 2), date(2026, 4, 11), by_rate)[0] == \
        P.PenaltyLine(1, 420, 37, True)


def test_flat_penalty_once_per_late_instalment():
    rule = P.PenaltyRule(P.FLAT, 500, grace_days=3)
    state = late_instalment()
    assert P.penalty_for_day(state, date(2026, 3, 5), rule) == ()
    assert P.penalty_for_day(state, date(2026, 3, 6), rule) == (P.PenaltyLine(1, 500, 1, False),)
    assert P.penalty_for_day(state, date(2026, 3, 7), rule) == ()
    # A month at once charges it once; a range after its day, never.
    assert P.penalty_for_days(state, date(2026, 3, 1), date(2026, 3, 31), rule) == (
        P.PenaltyLine(1, 500, 1, False),)
    assert P.penalty_for_days(state, date(2026, 3, 6), date(2026, 3, 31), rule) == ()


def test_rule_from_a_loan_product_and_bad_rules():
    from mifin_tui.services.loans.products import ProductSpec
    spec = ProductSpec("P", "P", "XOF", 1, 2, 1, 2, 0, 1, 0, penalty_kind="daily",
                       penalty_value=10, penalty_grace_days=3)
    assert P.rule_from_product(spec, cap_amount=5_000) == P.PenaltyRule(
        P.PER_DAY, 10, 3, cap_amount=5_000)
    for bad in ({"kind": "weekly"}, {"value": -1}, {"rounding": "banker"},
                {"base": ("penalties",)}, {"cap_amount": -1}):
        with pytest.raises(R.EngineError):
            P.PenaltyRule(**{"kind": P.PER_DAY, **bad})


# ---- properties -------------------------------------------------------------------------

terms_st = st.builds(
    lambda principal, rate, n, freq, method, fee: S.ScheduleTerms(
        principal, "XOF", rate, n, freq, method, START, fee_per_installment=fee),
    st.integers(1_000, 5_000_000), st.integers(0, 6_000), st.integers(1, 30),
    st.sampled_from([S.WEEKLY, S.BIWEEKLY, S.MONTHLY]), st.sampled_from(S.METHODS),
    st.sampled_from([0, 0, 250]))

policy_st = st.builds(
    AllocationPolicy,
    order=st.sampled_from([("penalties", "interest", "principal"),
                           ("penalty", "interest", "fees", "principal"),
                           ("interest", "penalties", "principal", "fees"),
                           ("fees", "interest", "principal")]),
    excess=st.sampled_from(R.EXCESS_MODES),
    sweep=st.sampled_from([R.SWEEP_INSTALMENT, R.SWEEP_COMPONENT]))

rule_st = st.builds(
    P.PenaltyRule, kind=st.sampled_from([P.PER_DAY, P.FLAT, P.NONE]),
    value=st.integers(0, 500), grace_days=st.integers(0, 10),
    rounding=st.sampled_from(P.ROUNDINGS),
    cap_amount=st.one_of(st.none(), st.integers(0, 20_000)),
    cap_bp=st.one_of(st.none(), st.integers(0, 3_000)))

events_st = st.lists(st.tuples(
    st.integers(0, 60),                               # days after the previous event
    st.sampled_from(["pay", "debit"]),
    st.integers(0, 3_000_000),                        # amount paid
    st.lists(st.integers(-5_000, 400_000), max_size=3),  # available balances
    policy_st), max_size=12)


def check_state(state: R.LoanState, rule: P.PenaltyRule) -> None:
    for inst in state.instalments:
        for c in R.COMPONENTS:
            assert 0 <= inst.paid(c) <= inst.due(c), (inst, c)
        # Interest before principal of the same instalment.
        if inst.principal_paid > 0:
            assert inst.interest_paid == inst.interest_due, inst
        caps = [x for x in (rule.cap_amount,) if x is not None]
        if rule.cap_bp is not None:
            caps.append(P._round((inst.principal_due + inst.interest_due) * rule.cap_bp,
                                 10_000, rule.rounding))
        if caps:
            assert inst.penalties_due <= min(caps)


@settings(max_examples=150, deadline=None)
@given(terms_st, events_st, rule_st)
def test_any_schedule_any_payments_and_debits(terms, events, rule):
    state = R.state_from_schedule(S.build(terms))
    day = START
    charged_through = START
    for gap, kind, amount, balances, policy in events:
        day = day + timedelta(days=gap)
        # The closing charges penalties up to the day before; then the payment of the day.
        lines = P.penalty_for_days(state, charged_through, day, rule)
        charged_through = day
        assert all(line.amount > 0 for line in lines)
        state = R.add_penalties(state, lines)
        check_state(state, rule)
        if kind == "debit":
            due = R.amount_due(state, day).total
            plan = R.plan_debit(due, list(enumerate(balances)))
            assert plan.taken + plan.arrears == due
            for line in plan.lines:
                assert 0 < line.amount <= balances[line.account_id]
            amount = plan.taken
        before = R.outstanding(state)
        a = R.allocate(state, amount, day, policy)
        # Every franc is applied, refused or returned as principal prepaid.
        assert a.applied.total + a.refused + a.principal_prepaid == amount
        assert a.refused >= 0 and a.principal_prepaid >= 0
        assert sum(x.total for x in a.lines) == a.applied.total
        assert all(x.total > 0 for x in a.lines)
        after = R.outstanding(a.state)
        assert before.total - after.total == a.applied.total
        if policy.excess == R.EXCESS_REFUSE:
            assert a.applied.total == min(amount, R.amount_due(state, day).total)
        if kind == "debit":
            assert a.refused == 0 and a.principal_prepaid == 0
        state = a.state
        check_state(state, rule)
        dpd = R.days_past_due(state, day)
        assert dpd >= 0
        assert (dpd == 0) == (R.overdue(state, day).total == 0)
        # The buckets share out exactly what is overdue; the loan's own bucket is its days'.
        aged = R.arrears_by_bucket(state, day, BCEAO.arrears_buckets)
        assert sum((b.amount for b in aged), Components()) == R.overdue(state, day)
        assert P.classify(state, day, BCEAO).days_past_due == dpd
        pay = R.payoff(state, day, accrue_current_period=True)
        assert pay.total >= 0 and pay.accrued_interest >= 0
        assert pay.principal == after.principal
    # Then the closings of the weeks after the last event: never negative, never over a cap.
    for _week in range(6):
        lines = P.penalty_for_days(state, charged_through, charged_through + timedelta(7), rule)
        charged_through += timedelta(7)
        assert all(line.amount > 0 for line in lines)
        state = R.add_penalties(state, lines)
        check_state(state, rule)


def test_a_list_order_and_an_unknown_mode():
    a = R.allocate(four_weeks(), 500, date(2026, 1, 12),
                   AllocationPolicy(order=["interest", "principal"]))  # type: ignore[arg-type]
    assert a.lines == (R.InstalmentAllocation(1, principal=38, interest=462),)
    for bad in (AllocationPolicy(excess="keep"), AllocationPolicy(sweep="random")):
        with pytest.raises(R.EngineError):
            R.allocate(four_weeks(), 500, date(2026, 1, 12), bad)
    with pytest.raises(R.EngineError):
        R.allocate(four_weeks(), -1, date(2026, 1, 12))
    with pytest.raises(R.EngineError):
        R.add_penalties(four_weeks(), [(9, 10)])
