"""The repayment engine: a loan's state for a day, allocation of a payment, automatic debit
planning. Pure and exact.

Every repayment path (the counter's BR, a transfer from savings, mobile money, the nightly
automatic debit) and the closing's arrears step call these functions, so they are plain code:
frozen dataclasses in and out, integer minor units, no database, no Textual, no float (an
import-linter contract keeps peewee, Textual and `mifin_tui.db` out). Penalties and
classification live in `services/loans/engine/penalties.py`.

Vocabulary:
- an instalment is *due* for a day when its due date is on or before that day, *overdue*
  when its due date is before it and something of it remains unpaid;
- days past due = days since the due date of the oldest instalment due on which anything
  remains unpaid (0 on its due date itself, 0 when nothing is unpaid);
- MAP (the COOPEC's "montant à payer") = what is due today: principal + interest +
  penalties (+ fees, when the product charges some per instalment).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

from mifin_tui.services.kernel.documents import Remaining

__all__ = [
    "COMPONENTS", "EXCESS_FUTURE_IN_ORDER", "EXCESS_FUTURE_LAST_FIRST", "EXCESS_MODES",
    "EXCESS_PRINCIPAL_PREPAID", "EXCESS_REFUSE", "SWEEPS", "SWEEP_COMPONENT", "SWEEP_INSTALMENT",
    "Allocation", "AllocationPolicy", "BucketAmount", "Components", "DebitLine", "DebitPlan",
    "EngineError", "InstalmentAllocation", "InstalmentState", "LoanState", "Payoff",
    "add_penalties", "allocate", "amount_due", "arrears_by_bucket", "available_balance",
    "days_past_due", "normalise_order", "outstanding", "overdue", "payoff", "plan_debit",
    "remaining", "state_from_schedule", "terms_after_prepayment",
]

# The parts of an instalment, with the product's spelling (loan_products.ALLOCATION_PARTS).
COMPONENTS = ("penalties", "fees", "interest", "principal")
_ALIASES = {"penalty": "penalties", "fee": "fees"}

EXCESS_REFUSE = "refuse"                     # what is above the amount due is handed back
EXCESS_FUTURE_IN_ORDER = "future_in_order"   # pays the next instalments, nearest first
EXCESS_FUTURE_LAST_FIRST = "future_last_first"  # reduces the last instalments first
EXCESS_PRINCIPAL_PREPAID = "principal_prepaid"  # returned for a recomputed schedule
EXCESS_MODES = (EXCESS_REFUSE, EXCESS_FUTURE_IN_ORDER, EXCESS_FUTURE_LAST_FIRST,
                EXCESS_PRINCIPAL_PREPAID)

SWEEP_INSTALMENT = "instalment"  # each instalment in full (by the order) before the next
SWEEP_COMPONENT = "component"    # the first component of every due instalment, then the next
SWEEPS = (SWEEP_INSTALMENT, SWEEP_COMPONENT)  # as the product's allocation_sweep

_DUE = {c: f"{c}_due" for c in COMPONENTS}
_PAID = {c: f"{c}_paid" for c in COMPONENTS}


class EngineError(ValueError):
    """Inputs the caller must never pass (a bad order, a negative amount): a bug, not a
    user's mistake; the services validate what users type before calling the engine."""


@dataclass(frozen=True, slots=True)
class InstalmentState:
    """One instalment: what is due and what has been paid, per component (minor units)."""

    no: int
    due_date: date
    principal_due: int
    interest_due: int
    fees_due: int = 0
    penalties_due: int = 0
    principal_paid: int = 0
    interest_paid: int = 0
    fees_paid: int = 0
    penalties_paid: int = 0

    def due(self, component: str) -> int:
        return getattr(self, _DUE[component])

    def paid(self, component: str) -> int:
        return getattr(self, _PAID[component])

    def remaining(self, component: str) -> int:
        return getattr(self, _DUE[component]) - getattr(self, _PAID[component])

    @property
    def remaining_total(self) -> int:
        return (self.principal_due - self.principal_paid + self.interest_due
                - self.interest_paid + self.fees_due - self.fees_paid
                + self.penalties_due - self.penalties_paid)

    @property
    def settled(self) -> bool:
        return self.remaining_total == 0

    def remaining_components(self) -> Components:
        return Components(self.principal_due - self.principal_paid,
                          self.interest_due - self.interest_paid,
                          self.fees_due - self.fees_paid,
                          self.penalties_due - self.penalties_paid)


@dataclass(frozen=True, slots=True)
class LoanState:
    """A loan as the engine sees it: its instalments in due-date order and the day it was
    disbursed (the start of the first period, for interest accrued pro rata)."""

    currency: str
    start: date
    instalments: tuple[InstalmentState, ...]

    def instalment(self, no: int) -> InstalmentState:
        for inst in self.instalments:
            if inst.no == no:
                return inst
        raise KeyError(no)


@dataclass(frozen=True, slots=True)
class Components:
    """An amount split by component."""

    principal: int = 0
    interest: int = 0
    fees: int = 0
    penalties: int = 0

    @property
    def total(self) -> int:
        """The MAP: principal + interest + penalties (+ fees)."""
        return self.principal + self.interest + self.fees + self.penalties

    def __add__(self, other: Components) -> Components:
        return Components(self.principal + other.principal, self.interest + other.interest,
                          self.fees + other.fees, self.penalties + other.penalties)

    def get(self, component: str) -> int:
        return getattr(self, component)


def state_from_schedule(schedule: Any) -> LoanState:
    """The state of a freshly disbursed loan from a `services.schedule.Schedule`: every
    instalment due in full, nothing paid."""
    terms = schedule.terms
    return LoanState(terms.currency, terms.start, tuple(
        InstalmentState(row.no, row.due_date, row.principal, row.interest, row.fees)
        for row in schedule.installments))


def _sum(instalments: Iterable[InstalmentState]) -> Components:
    p = i = f = n = 0
    for inst in instalments:
        p += inst.principal_due - inst.principal_paid
        i += inst.interest_due - inst.interest_paid
        f += inst.fees_due - inst.fees_paid
        n += inst.penalties_due - inst.penalties_paid
    return Components(p, i, f, n)


def amount_due(state: LoanState, day: date) -> Components:
    """What is to be paid on `day`: everything unpaid of the instalments due on or before
    it. Its `.total` is the MAP shown at the counter and taken by the automatic debit."""
    return _sum(i for i in state.instalments if i.due_date <= day)


def overdue(state: LoanState, day: date) -> Components:
    """What is unpaid of the instalments whose due date is before `day`."""
    return _sum(i for i in state.instalments if i.due_date < day)


def outstanding(state: LoanState) -> Components:
    """Everything still unpaid on the schedule (future instalments included)."""
    return _sum(state.instalments)


def days_past_due(state: LoanState, day: date) -> int:
    """Days since the due date of the oldest due instalment with anything unpaid (0 when
    none; 0 on the due date itself)."""
    for inst in state.instalments:
        if inst.due_date > day:
            break
        if inst.remaining_total > 0:
            return (day - inst.due_date).days
    return 0


class _Bucket(Protocol):
    key: str
    min_days: int
    max_days: int | None


@dataclass(frozen=True, slots=True)
class BucketAmount:
    """The overdue amounts of the instalments whose age falls in a bucket."""

    key: str
    min_days: int
    max_days: int | None
    amount: Components
    instalments: int


def arrears_by_bucket(state: LoanState, day: date, buckets: Sequence[_Bucket]
                      ) -> tuple[BucketAmount, ...]:
    """Overdue amounts aged by instalment: each overdue instalment's unpaid part goes to the
    bucket holding its days late (buckets as data, e.g. a regulator profile's
    `arrears_buckets`; one BucketAmount per bucket, in the given order, zeros included).
    An age no bucket holds raises EngineError (a profile with a gap)."""
    sums = [Components()] * len(buckets)
    counts = [0] * len(buckets)
    for inst in state.instalments:
        if inst.due_date >= day:
            break
        if inst.remaining_total == 0:
            continue
        age = (day - inst.due_date).days
        for k, b in enumerate(buckets):
            if age >= b.min_days and (b.max_days is None or age <= b.max_days):
                sums[k] = sums[k] + inst.remaining_components()
                counts[k] += 1
                break
        else:
            raise EngineError(f"no arrears bucket holds {age} days")
    return tuple(BucketAmount(b.key, b.min_days, b.max_days, sums[k], counts[k])
                 for k, b in enumerate(buckets))


@dataclass(frozen=True, slots=True)
class Payoff:
    """The amount that closes the loan on a day (early payoff)."""

    principal: int        # every unpaid principal, future instalments included
    interest: int         # unpaid interest of the instalments due so far (+ accrued)
    fees: int             # unpaid fees of the instalments due so far
    penalties: int        # every unpaid penalty
    accrued_interest: int  # the part of `interest` accrued pro rata on the current period

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.fees + self.penalties


def payoff(state: LoanState, day: date, *, accrue_current_period: bool = False) -> Payoff:
    """Outstanding principal + interest due so far + penalties + fees due so far.

    With `accrue_current_period`, the interest of the period running on `day` (the first
    instalment due after it) is added pro rata: its interest x days elapsed since the
    previous due date (or the disbursement) / days of the period, rounded half up to the
    minor unit, less what of that interest is already paid (never below zero)."""
    principal = interest = fees = penalties = accrued = 0
    previous = state.start
    current_done = False
    for inst in state.instalments:
        principal += inst.principal_due - inst.principal_paid
        penalties += inst.penalties_due - inst.penalties_paid
        if inst.due_date <= day:
            interest += inst.interest_due - inst.interest_paid
            fees += inst.fees_due - inst.fees_paid
        elif accrue_current_period and not current_done:
            current_done = True
            period = (inst.due_date - previous).days
            elapsed = min(max((day - previous).days, 0), period)
            if period > 0:
                earned = (2 * inst.interest_due * elapsed + period) // (2 * period)
                accrued = max(earned - inst.interest_paid, 0)
        previous = inst.due_date
    return Payoff(principal, interest + accrued, fees, penalties, accrued)


def remaining(state: LoanState, day: date, prepaid: int = 0) -> Remaining:
    """The three figures every document labels alike (`kernel.documents.Remaining`): the
    principal outstanding, the total still due with the future interest, and the payoff
    on `day`. `prepaid`: principal an Allocation put aside for a recomputed schedule (the
    state's future instalments still hold it); the total then counts the old future
    interest until the caller reads the new schedule."""
    left = outstanding(state)
    return Remaining(state.currency, left.principal - prepaid, left.total - prepaid,
                     payoff(state, day).total - prepaid)


def add_penalties(state: LoanState, charges: Iterable[Any]) -> LoanState:
    """The state with penalties charged: `charges` are (no, amount) pairs or objects with
    `.no` and `.amount` (`penalties.PenaltyLine`), added to each instalment's
    `penalties_due`."""
    extra: dict[int, int] = {}
    for charge in charges:
        no, amount = (charge.no, charge.amount) if hasattr(charge, "no") else charge
        if amount < 0:
            raise EngineError(f"negative penalty {amount}")
        extra[no] = extra.get(no, 0) + amount
    if not extra:
        return state
    known = {i.no for i in state.instalments}
    if not set(extra) <= known:
        raise EngineError(f"no instalment {sorted(set(extra) - known)}")
    return LoanState(state.currency, state.start, tuple(
        InstalmentState(i.no, i.due_date, i.principal_due, i.interest_due, i.fees_due,
                        i.penalties_due + extra[i.no], i.principal_paid, i.interest_paid,
                        i.fees_paid, i.penalties_paid) if i.no in extra else i
        for i in state.instalments))


# --- allocation ------------------------------------------------------------------------

def normalise_order(order: Sequence[str]) -> tuple[str, ...]:
    """The product's allocation order with every component in it: "penalty"/"fee" read as
    "penalties"/"fees", components it leaves out follow at the end. EngineError for an
    unknown or repeated component, or interest after principal (interest is always paid
    before principal)."""
    parts = tuple(_ALIASES.get(p, p) for p in order)
    unknown = [p for p in parts if p not in COMPONENTS]
    if unknown or len(set(parts)) != len(parts):
        raise EngineError(f"bad allocation order {tuple(order)!r}")
    full = parts + tuple(c for c in COMPONENTS if c not in parts)
    if full.index("interest") > full.index("principal"):
        raise EngineError(f"interest must come before principal in {tuple(order)!r}")
    return full


@functools.lru_cache(maxsize=64)
def _order_cached(order: tuple[str, ...]) -> tuple[str, ...]:
    return normalise_order(order)


@dataclass(frozen=True, slots=True)
class AllocationPolicy:
    """How a product applies a payment. `order` as on the product (see normalise_order);
    `excess` one of EXCESS_MODES; `sweep` SWEEP_INSTALMENT (oldest instalment paid in full
    first, the COOPEC's way) or SWEEP_COMPONENT (the first component of every due
    instalment, oldest first, then the next component)."""

    order: tuple[str, ...] = ("penalties", "interest", "principal")
    excess: str = EXCESS_REFUSE
    sweep: str = SWEEP_INSTALMENT


@dataclass(frozen=True, slots=True)
class InstalmentAllocation:
    no: int
    principal: int = 0
    interest: int = 0
    fees: int = 0
    penalties: int = 0

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.fees + self.penalties


@dataclass(frozen=True, slots=True)
class Allocation:
    """A payment applied: per instalment and component (instalments with something only,
    in instalment order), the state after it, and what was not applied.
    applied + refused + principal_prepaid == the amount paid."""

    lines: tuple[InstalmentAllocation, ...]
    state: LoanState
    applied: Components
    refused: int
    principal_prepaid: int

    @property
    def amount(self) -> int:
        return self.applied.total + self.refused + self.principal_prepaid


def allocate(state: LoanState, amount: int, day: date,
             policy: AllocationPolicy = AllocationPolicy()) -> Allocation:
    """Apply a payment of `amount` made on `day`: the instalments due (on or before `day`),
    oldest first, components in the product's order; then the excess per `policy.excess`:
    refused; applied to future instalments nearest first, or last first; or, up to the
    unpaid principal of the future instalments, returned as `principal_prepaid` for the
    caller to recompute the schedule (`services.schedule.build`) of a declining-balance loan
    (the state's future instalments are then left as they were). Anything above the whole
    outstanding is refused in every mode."""
    if amount < 0:
        raise EngineError(f"negative payment {amount}")
    if policy.excess not in EXCESS_MODES:
        raise EngineError(f"unknown excess mode {policy.excess!r}")
    if policy.sweep not in (SWEEP_INSTALMENT, SWEEP_COMPONENT):
        raise EngineError(f"unknown sweep {policy.sweep!r}")
    order = _order_cached(tuple(policy.order))
    insts = state.instalments
    # paid[k][c]: what this payment puts on instalment k, component c (touched ones only:
    # a 52-week loan usually has one or two).
    paid: dict[int, dict[str, int]] = {}
    left = amount
    n_due = 0
    for inst in insts:
        if inst.due_date > day:
            break
        n_due += 1

    def pay(k: int, c: str) -> None:
        nonlocal left
        put = paid.get(k)
        if put is None:
            put = paid[k] = dict.fromkeys(COMPONENTS, 0)
        take = min(insts[k].remaining(c) - put[c], left)
        if take > 0:
            put[c] += take
            left -= take

    def sweep_instalments(indexes: Iterable[int]) -> None:
        for k in indexes:
            if insts[k].remaining_total == 0:
                continue
            for c in order:
                if left == 0:
                    return
                pay(k, c)

    if policy.sweep == SWEEP_COMPONENT:
        for c in order:
            for k in range(n_due):
                if left == 0:
                    break
                pay(k, c)
    else:
        sweep_instalments(range(n_due))

    prepaid = 0
    if left > 0:
        future = range(n_due, len(insts))
        if policy.excess == EXCESS_FUTURE_IN_ORDER:
            sweep_instalments(future)
        elif policy.excess == EXCESS_FUTURE_LAST_FIRST:
            sweep_instalments(reversed(future))
        elif policy.excess == EXCESS_PRINCIPAL_PREPAID:
            prepaid = min(left, sum(insts[k].remaining("principal") for k in future))
            left -= prepaid
    refused = left

    lines = []
    new = list(insts)
    for k in sorted(paid):
        put = paid[k]
        if not any(put.values()):
            continue
        inst = insts[k]
        lines.append(InstalmentAllocation(inst.no, put["principal"], put["interest"],
                                          put["fees"], put["penalties"]))
        new[k] = InstalmentState(
            inst.no, inst.due_date, inst.principal_due, inst.interest_due,
            inst.fees_due, inst.penalties_due, inst.principal_paid + put["principal"],
            inst.interest_paid + put["interest"], inst.fees_paid + put["fees"],
            inst.penalties_paid + put["penalties"])
    applied = Components(sum(x.principal for x in lines), sum(x.interest for x in lines),
                         sum(x.fees for x in lines), sum(x.penalties for x in lines))
    return Allocation(tuple(lines), LoanState(state.currency, state.start, tuple(new)),
                      applied, refused, prepaid)


def terms_after_prepayment(terms: Any, state: LoanState, prepaid: int, day: date) -> Any:
    """The `services.schedule.ScheduleTerms` of what remains after `prepaid` principal paid
    on `day` (an Allocation's `principal_prepaid`, so every instalment due is paid): the
    future instalments' unpaid principal less `prepaid`, over as many instalments, due on
    the same dates (the next one as `first_due`, from the previous due date; by hand for a
    seasonal plan), no grace and no fees at disbursement (already taken). None when the
    prepayment repays the whole principal. `schedule.build` of it gives the new instalments,
    numbered from 1: the caller renumbers them after the ones paid."""
    future = [i for i in state.instalments if i.due_date > day]
    left = sum(i.principal_due - i.principal_paid for i in future) - prepaid
    if prepaid < 0 or left < 0:
        raise EngineError(f"prepaid {prepaid} is not within the principal left")
    if left == 0 or not future:
        return None
    past = [i.due_date for i in state.instalments if i.due_date <= day]
    start = past[-1] if past else state.start
    dates = tuple(i.due_date for i in future)
    common = dict(principal=left, installments=len(future), grace_principal=0,
                  grace_interest=0, fee_upfront=0, fee_deducted=0, insurance=0,
                  fee_per_installment=future[0].fees_due)
    if terms.due_dates:
        return replace(terms, start=start, due_dates=dates, first_due=None, **common)
    return replace(terms, start=start, first_due=dates[0], **common)


# --- automatic debit ---------------------------------------------------------------------

def available_balance(balance: int, holds: int = 0, minimum_balance: int = 0) -> int:
    """What a debit may take from an account: its balance less its holds and its minimum
    balance, never below zero."""
    return max(balance - holds - minimum_balance, 0)


@dataclass(frozen=True, slots=True)
class DebitLine:
    account_id: int
    amount: int


@dataclass(frozen=True, slots=True)
class DebitPlan:
    """How much to take from each account (accounts taken from only), and what stays
    unpaid: `taken + arrears == amount_due`."""

    lines: tuple[DebitLine, ...]
    taken: int
    arrears: int


def plan_debit(amount_due: int, accounts: Sequence[tuple[int, int]]) -> DebitPlan:
    """The automatic debit of `amount_due` from the member's accounts, given as (account id,
    available balance) in the set order (the loan's linked account first): each gives as
    much as its available balance allows until the amount is covered; a negative available
    balance gives nothing; what remains is arrears."""
    if amount_due < 0:
        raise EngineError(f"negative amount due {amount_due}")
    left = amount_due
    lines = []
    for account_id, available in accounts:
        if left == 0:
            break
        take = min(max(available, 0), left)
        if take > 0:
            lines.append(DebitLine(account_id, take))
            left -= take
    return DebitPlan(tuple(lines), amount_due - left, left)
