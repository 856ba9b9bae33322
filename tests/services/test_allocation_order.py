"""The allocation order of a product, both ways, on the pure engine (#19): per instalment
(each due instalment in full, oldest first, before the next) or across the instalments
(every instalment's penalties, then every instalment's interest, then principal). For
any loan state and payment: the sums are conserved, nothing is paid above what is due,
and each sweep keeps its promise. Then on a real database: the product's setting reaches
the counter's repayment."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mifin_tui.db.models import LoanInstallment, LoanProduct
from mifin_tui.services.loans import repayments
from mifin_tui.services.loans.engine import allocation as engine

START = date(2026, 1, 5)
PARTS = ("penalties", "fees", "interest", "principal")


@st.composite
def states(draw) -> engine.LoanState:
    n = draw(st.integers(min_value=1, max_value=8))
    insts = []
    for k in range(n):
        due = {p: draw(st.integers(min_value=0, max_value=5_000)) for p in PARTS}
        paid = {p: draw(st.integers(min_value=0, max_value=due[p])) for p in PARTS}
        insts.append(engine.InstalmentState(
            k + 1, START + timedelta(days=7 * (k + 1)), due["principal"], due["interest"],
            due["fees"], due["penalties"], paid["principal"], paid["interest"],
            paid["fees"], paid["penalties"]))
    return engine.LoanState("USD", START, tuple(insts))


orders = st.sampled_from((("penalties", "interest", "principal"),
                          ("interest", "penalties", "principal"),
                          ("fees", "penalties", "interest", "principal")))
excesses = st.sampled_from(engine.EXCESS_MODES)
sweeps = st.sampled_from(engine.SWEEPS)


@hsettings(max_examples=300, deadline=None)
@given(state=states(), amount=st.integers(min_value=0, max_value=60_000),
       days=st.integers(min_value=0, max_value=70), order=orders, excess=excesses,
       sweep=sweeps)
def test_any_payment_is_conserved_and_never_pays_above_due(state, amount, days, order,
                                                           excess, sweep):
    day = START + timedelta(days=days)
    alloc = engine.allocate(state, amount, day, engine.AllocationPolicy(order, excess, sweep))
    assert alloc.applied.total + alloc.refused + alloc.principal_prepaid == amount
    assert alloc.amount == amount
    assert all(x >= 0 for x in (alloc.refused, alloc.principal_prepaid))
    for before, after in zip(state.instalments, alloc.state.instalments, strict=True):
        for part in PARTS:
            assert before.paid(part) <= after.paid(part) <= after.due(part), (before.no, part)
    assert sum(x.total for x in alloc.lines) == alloc.applied.total
    for part in PARTS:
        assert sum(getattr(x, part) for x in alloc.lines) == alloc.applied.get(part)
    due_now = engine.amount_due(state, day).total
    if excess == engine.EXCESS_REFUSE:
        assert alloc.applied.total == min(amount, due_now)
    # what is due today is paid first, whatever the sweep
    assert alloc.applied.total >= min(amount, due_now)


@hsettings(max_examples=300, deadline=None)
@given(state=states(), amount=st.integers(min_value=0, max_value=60_000),
       days=st.integers(min_value=0, max_value=70), order=orders)
def test_across_instalments_pays_each_part_of_every_due_instalment_before_the_next(
        state, amount, days, order):
    day = START + timedelta(days=days)
    alloc = engine.allocate(state, amount, day, engine.AllocationPolicy(
        order, engine.EXCESS_REFUSE, engine.SWEEP_COMPONENT))
    full = engine.normalise_order(order)
    due_after = engine.amount_due(alloc.state, day)
    for k, part in enumerate(full):
        if any(getattr(x, part) for x in alloc.lines):
            # something of `part` was paid: every earlier part of every due instalment is
            # settled
            for earlier in full[:k]:
                assert due_after.get(earlier) == 0, (part, earlier)


@hsettings(max_examples=300, deadline=None)
@given(state=states(), amount=st.integers(min_value=0, max_value=60_000),
       days=st.integers(min_value=0, max_value=70), order=orders)
def test_per_instalment_settles_the_oldest_before_paying_the_next(state, amount, days, order):
    day = START + timedelta(days=days)
    alloc = engine.allocate(state, amount, day, engine.AllocationPolicy(
        order, engine.EXCESS_REFUSE, engine.SWEEP_INSTALMENT))
    touched = {x.no for x in alloc.lines}
    for inst in alloc.state.instalments:
        if inst.due_date > day:
            break
        later = {i.no for i in alloc.state.instalments if i.no > inst.no and i.due_date <= day}
        if touched & later:
            assert inst.settled, inst.no


def test_the_two_orders_split_the_same_payment_differently():
    """Three instalments overdue, 1 000 of principal, 100 of interest and 20 of penalties
    each: 1 200 paid."""
    day = START + timedelta(days=30)
    state = engine.LoanState("USD", START, tuple(
        engine.InstalmentState(k, START + timedelta(days=7 * k), 1_000, 100, 0, 20)
        for k in (1, 2, 3)))
    policy = engine.AllocationPolicy(("penalties", "interest", "principal"))
    per = engine.allocate(state, 1_200, day, policy)
    assert [(x.no, x.penalties, x.interest, x.principal) for x in per.lines] == [
        (1, 20, 100, 1_000), (2, 20, 60, 0)]
    across = engine.allocate(state, 1_200, day, engine.AllocationPolicy(
        policy.order, sweep=engine.SWEEP_COMPONENT))
    assert [(x.no, x.penalties, x.interest, x.principal) for x in across.lines] == [
        (1, 20, 100, 840), (2, 20, 100, 0), (3, 20, 100, 0)]


def test_remaining_figures_of_a_state():
    state = engine.LoanState("USD", START, (
        engine.InstalmentState(1, START + timedelta(days=7), 1_000, 100, 0, 20, 1_000, 100),
        engine.InstalmentState(2, START + timedelta(days=14), 1_000, 80, 0, 15),
        engine.InstalmentState(3, START + timedelta(days=21), 1_000, 60)))
    r = engine.remaining(state, START + timedelta(days=15))
    assert (r.principal, r.total_due, r.payoff) == (2_000, 2_000 + 140 + 35, 2_000 + 80 + 35)


# --- on a real database: the product's setting reaches the counter ------------------------

from tests.services.test_loans import world  # noqa: E402, F401
from tests.services.test_repayments import age, disbursed  # noqa: E402


def _rows(loan_id: int) -> list[LoanInstallment]:
    return list(LoanInstallment.select().where(LoanInstallment.loan == loan_id)
                .order_by(LoanInstallment.no))


def _pay_two_overdue(world, sweep: str) -> list[LoanInstallment]:
    loan_id = disbursed(world)
    rows = age(loan_id, 2)
    LoanProduct.update(allocation_sweep=sweep).execute()
    amount = rows[0].interest_due + rows[1].interest_due + 100
    repayments.repay(world["cashier"], loan_id, amount, party_name="Agathe")
    return _rows(loan_id)


def test_per_instalment_at_the_counter(world):
    rows = _pay_two_overdue(world, "instalment")
    # instalment 1 takes its interest and then its principal before instalment 2's interest
    assert rows[0].interest_paid == rows[0].interest_due
    assert rows[0].principal_paid == rows[1].interest_due + 100
    assert rows[1].interest_paid == 0


def test_across_instalments_at_the_counter(world):
    rows = _pay_two_overdue(world, "component")
    # the interest of both instalments first, then principal of the oldest
    assert rows[0].interest_paid == rows[0].interest_due
    assert rows[1].interest_paid == rows[1].interest_due
    assert rows[0].principal_paid == 100 and rows[1].principal_paid == 0
