"""The pure planner of a repayment, whatever brings the money (the counter, a payment
import, the closing's automatic debit): the loan's state from its instalment rows, how
the allocation splits into the BR's credits, and the automatic debit's plan.

No database and no clock here: the rows come from `db.queries.repayments`, the writing
goes to `repayment_writer`; the rules themselves are the engine's (`engine.allocation`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mifin_tui.services.kernel.dates import stored_date
from mifin_tui.services.loans.engine import allocation as engine

# The BR's credits, in the order of its lines: the loan account (principal, with any
# principal prepaid), the accrued interest receivable, interest income, penalty and fee
# income.
PRINCIPAL, RECEIVABLE, INTEREST, PENALTIES, FEES = (
    "principal", "interest_receivable", "interest", "penalties", "fees")


@dataclass(frozen=True)
class Schedule:
    """A loan's instalment rows as planning needs them: the engine's state, and per
    instalment number its row id, its `paid_on` as stored and the interest the accrual
    booked to the receivable and no payment settled yet."""

    state: engine.LoanState
    ids: Mapping[int, int]
    paid_on: Mapping[int, Any]
    open_accrued: Mapping[int, int]


def loan_state(currency: str, disbursed_on: Any, rows: Sequence[Sequence[Any]]
               ) -> engine.LoanState:
    """The engine's state of a loan from its instalment rows, which begin as
    `queries.repayments.INSTALMENT_COLUMNS` (one loan's, by number)."""
    return engine.LoanState(currency, stored_date(disbursed_on) or date.min, tuple(
        engine.InstalmentState(r[2], stored_date(r[3]), *r[4:12]) for r in rows))


def schedule_of(currency: str, disbursed_on: Any, rows: Sequence[Sequence[Any]]
                ) -> Schedule:
    """The schedule from rows of `queries.repayments.INSTALMENT_COLUMNS` (one loan's,
    by number)."""
    state = loan_state(currency, disbursed_on, rows)
    # interest paid settles first what the accrual booked to the receivable
    return Schedule(state, {r[2]: r[1] for r in rows}, {r[2]: r[13] for r in rows},
                    {r[2]: max(r[12] - r[9], 0) for r in rows})


def credits(alloc: engine.Allocation, open_accrued: Mapping[int, int]
            ) -> list[tuple[str, int]]:
    """(part, amount) the BR credits for `alloc`, in line order, zero parts left out: the
    interest paid goes to the receivable up to what was accrued, the rest to income."""
    parts = alloc.applied
    receivable = sum(min(line.interest, open_accrued.get(line.no, 0))
                     for line in alloc.lines)
    out = ((PRINCIPAL, parts.principal + alloc.principal_prepaid), (RECEIVABLE, receivable),
           (INTEREST, parts.interest - receivable), (PENALTIES, parts.penalties),
           (FEES, parts.fees))
    return [(part, amount) for part, amount in out if amount]


@dataclass(frozen=True)
class AutoDebit:
    """What the automatic debit takes from which account, and how it is applied."""

    debit: engine.DebitPlan
    alloc: engine.Allocation


def plan_auto_debit(schedule: Schedule, accounts: Sequence[tuple[int, int]], day: date,
                    order: Sequence[str], sweep: str = engine.SWEEP_INSTALMENT
                    ) -> AutoDebit | None:
    """The automatic debit of `day`: what is due (today and overdue) taken from the
    member's `accounts` ((id, available), in the set order) as far as they allow, applied
    by the product's `order` and `sweep` (nothing beyond what is due). None when nothing
    is due or nothing available."""
    due = engine.amount_due(schedule.state, day).total
    if due <= 0:
        return None
    debit = engine.plan_debit(due, accounts)
    if debit.taken <= 0:
        return None
    alloc = engine.allocate(schedule.state, debit.taken, day, engine.AllocationPolicy(
        order=tuple(order), excess=engine.EXCESS_REFUSE, sweep=sweep))
    return AutoDebit(debit, alloc)
