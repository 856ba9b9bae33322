"""The one writer of a loan repayment, whatever brings the money: the counter and the
payment import (`repayments.repay_within`, one at a time) and the closing's automatic
debit (`closing.debit`, thousands per batch) hand it repayments planned by
`repayment_plan`, and it writes their rows with a few multi-row statements: the BR
transactions (`ledger.post_many`) and their voucher rows, the `repayment` rows with
their `repayment_allocation` rows, the instalments' paid amounts and `paid_on`; then the
state moves of the loan that ends the batch (`move_states_within`). A principal prepaid
recomputes the schedule (`reschedule_within`, the counter's only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from mifin_tui.db.bulk import insert_rows, next_id
from mifin_tui.db.models import (
    Loan,
    LoanInstallment,
    Repayment,
    RepaymentAllocation,
    Voucher,
    VoucherLoanFigures,
)
from mifin_tui.db.queries import repayments as queries
from mifin_tui.i18n import _
from mifin_tui.services.cash import vouchers as cash_vouchers
from mifin_tui.services.kernel import audit, business_day, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import Remaining
from mifin_tui.services.kernel.errors import MifinError, NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import lifecycle, terms
from mifin_tui.services.loans import repayment_plan as plan
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.engine import schedule


@dataclass(frozen=True)
class Planned:
    """One repayment planned and ready to write: its loan, its allocation on the loan's
    schedule, the BR's lines and label, and the voucher's particulars."""

    loan_id: int
    loan_state: str  # before the repayment
    loan_account_id: int
    currency: str
    schedule: plan.Schedule
    alloc: engine.Allocation
    lines: Sequence[ledger.Line]
    amount: int
    label: str
    channel: str
    reference: str
    source_account_id: int | None
    party_name: str
    till_id: int
    session_id: int | None = None
    kind: str = "repayment"

    @cached_property
    def balance_after(self) -> int:
        return engine.outstanding(self.alloc.state).total

    @property
    def moves_state(self) -> bool:
        # the loan becomes active or closed: its moves and audit rows follow its rows
        return self.loan_state == "disbursed" or self.balance_after == 0


def loan_of(ctx: Context, loan_id: int) -> Loan:
    """The loan of the caller's branch, or NotFound."""
    loan = Loan.get_or_none(Loan.id == loan_id)
    if loan is None or loan.branch_id != ctx.branch_id:
        raise NotFound(_("No such loan."))
    return loan


def schedule_of_loan(loan: Loan) -> plan.Schedule:
    """The loan's instalments as the planner reads them (one query)."""
    return plan.schedule_of(loan.currency, loan.disbursed_on,
                            queries.instalments([loan.id]))


@requires("loan.read")
def remaining(ctx: Context, loan_id: int, day: date | None = None) -> Remaining:
    """What the loan still owes on `day` (default: the open business day): the three
    figures the repayment screen, the BS of its disbursement and every BR label alike
    (`engine.remaining` of its schedule; a voucher keeps them beside it for reprints)."""
    loan = loan_of(ctx, loan_id)
    return engine.remaining(schedule_of_loan(loan).state,
                            day or lifecycle.business_today(ctx))


def gl_keys(product: Any) -> dict[str, str]:
    """The GL keys a product (its row or its view) credits each part of a repayment to;
    the principal goes to the loan's own account."""
    return {plan.RECEIVABLE: product.gl_interest_receivable, plan.INTEREST: product.gl_interest,
            plan.PENALTIES: product.gl_penalty, plan.FEES: product.gl_fees}


def credit_lines(alloc: engine.Allocation, sched: plan.Schedule, loan_account_id: int,
                 keys: Mapping[str, str], account_of: Callable[[str], int]
                 ) -> list[ledger.Line]:
    """The BR's credit lines for `alloc` (see `repayment_plan.credits`); `account_of`
    gives the internal account of a GL key in the loan's currency."""
    return [ledger.Line(loan_account_id if part == plan.PRINCIPAL else account_of(keys[part]),
                        credit=amount)
            for part, amount in plan.credits(alloc, sched.open_accrued)]


@dataclass(frozen=True)
class Written:
    posted: ledger.Posted
    repayment_id: int


def write_within(ctx: Context, items: Sequence[Planned]) -> list[Written]:
    """Write these planned repayments, in order, inside the caller's write transaction.
    A refusal of the postings (`ledger.post_many`) comes before anything is written. Only
    the last may move its loan's state (`move_states_within`, the caller's next call):
    the others would not see it."""
    posted = ledger.post_many(ctx, [ledger.Posting("loan_repayment", i.label, i.lines, "BR")
                                    for i in items])
    if any(p.voucher_number is None for p in posted):
        raise MifinError("voucher number missing")
    vouchers, reps, allocs, updates = [], [], [], []
    figures: list[tuple[int, Remaining]] = []
    first = next_id("repayment")
    for k, (i, p) in enumerate(zip(items, posted, strict=True)):
        vouchers.append({"txn": p.txn_id, "number": p.voucher_number, "series": "BR",
                         "direction": "in", "till": i.till_id, "session": i.session_id,
                         "client_account": i.loan_account_id, "currency": i.currency,
                         "amount": i.amount, "party_name": i.party_name,
                         "purpose": i.label})
        if not i.alloc.principal_prepaid:  # else once the schedule is recomputed
            figures.append((p.txn_id, engine.remaining(i.alloc.state, p.business_date)))
        parts, prepaid = i.alloc.applied, i.alloc.principal_prepaid
        reps.append({"id": first + k, "loan": i.loan_id, "txn": p.txn_id,
                     "business_date": p.business_date, "channel": i.channel,
                     "amount": parts.total + prepaid, "principal": parts.principal + prepaid,
                     "interest": parts.interest, "fees": parts.fees,
                     "penalties": parts.penalties, "balance_after": i.balance_after,
                     "kind": i.kind, "reference": i.reference,
                     "source_account": i.source_account_id, "created_by": ctx.user_id})
        settled = {s.no for s in i.alloc.state.instalments if s.settled}
        for line in i.alloc.lines:
            inst = i.schedule.ids[line.no]
            paid_on = i.schedule.paid_on[line.no]
            if line.no in settled and paid_on is None:
                paid_on = p.business_date.isoformat()
            updates.append((line.principal, line.interest, line.fees, line.penalties,
                            paid_on, inst))
            allocs.append({"repayment": first + k, "installment": inst,
                           "principal": line.principal, "interest": line.interest,
                           "fees": line.fees, "penalties": line.penalties})
    insert_rows(Voucher, vouchers)
    insert_rows(VoucherLoanFigures, cash_vouchers.loan_figures_rows(figures))
    insert_rows(Repayment, reps)
    insert_rows(RepaymentAllocation, allocs)
    queries.add_paid(updates)
    return [Written(p, first + k) for k, p in enumerate(posted)]


def move_states_within(ctx: Context, loan_id: int, state_before: str, balance_after: int,
                       voucher: str) -> None:
    """A loan's state after its repayment: active on its first, closed (its guarantees
    released) when nothing remains."""
    if state_before == "disbursed":
        loan_disbursement.mark_active_within(ctx, loan_id, voucher)
    if balance_after == 0:
        lifecycle.move(ctx, Loan.get_by_id(loan_id), "closed", voucher)
        loan_disbursement.release_within(ctx, loan_id)


# --- a principal prepaid: the schedule recomputed ------------------------------------


def check_reschedulable(loan: Loan, on: date) -> None:
    """A prepayment replaces the instalments after `on`: none may carry anything yet."""
    busy = LoanInstallment.select().where(
        (LoanInstallment.loan == loan.id) & (LoanInstallment.due_date > on)
        & ((LoanInstallment.principal_paid > 0) | (LoanInstallment.interest_paid > 0)
           | (LoanInstallment.fees_paid > 0) | (LoanInstallment.penalties_due > 0)
           | (LoanInstallment.interest_accrued > 0))).exists()
    if busy:
        raise ValidationError({"amount": _(
            "Instalments of loan {number} after today already hold payments or accrued "
            "interest: a prepayment cannot recompute them.").format(number=loan.number)})


def _new_schedule(loan: Loan, alloc: engine.Allocation, on: date
                  ) -> tuple[schedule.Installment, ...]:
    after = engine.terms_after_prepayment(terms.frozen_terms(loan), alloc.state,
                                          alloc.principal_prepaid, on)
    return () if after is None else schedule.build(after, check=False).installments


def rescheduled_outstanding(loan: Loan, alloc: engine.Allocation, on: date) -> int:
    """What the schedule holds after a prepayment: the instalments due, as paid, and the
    recomputed ones."""
    kept = engine.outstanding(_due_part(alloc.state, on)).total
    return kept + sum(i.total for i in _new_schedule(loan, alloc, on))


def _due_part(state: engine.LoanState, on: date) -> engine.LoanState:
    return engine.LoanState(state.currency, state.start,
                            tuple(i for i in state.instalments if i.due_date <= on))


def _row_dict(r: LoanInstallment) -> dict[str, object]:
    return {"no": r.no, "due_date": r.due_date.isoformat(), "principal_due": r.principal_due,
            "interest_due": r.interest_due, "fees_due": r.fees_due}


def reschedule_within(ctx: Context, loan: Loan, repayment_id: int,
                      alloc: engine.Allocation, on: date) -> None:
    """A principal prepaid on a declining loan: the instalments after `on` (unpaid) are
    replaced by one settled instalment of the prepaid principal, due on `on`, then the
    schedule of what remains over as many instalments on the same dates (the interest
    falls with the principal). The replaced rows are kept in the audit row, from which
    the reversal restores them."""
    day = business_day.require_open(ctx.branch_id)
    future = list(LoanInstallment.select().where(
        (LoanInstallment.loan == loan.id) & (LoanInstallment.due_date > on))
        .order_by(LoanInstallment.no))
    replaced = [_row_dict(r) for r in future]
    new = _new_schedule(loan, alloc, on)
    last = max((i.no for i in alloc.state.instalments if i.due_date <= on), default=0)
    # The rows are changed in place, not deleted: a reversed repayment's allocation rows
    # still point at them. Numbers move up by one (highest first: (loan, no) is unique)
    # to make room for the prepaid instalment.
    for r in reversed(future):
        LoanInstallment.update(no=r.no + 1).where(LoanInstallment.id == r.id).execute()
    prepay = LoanInstallment.create(
        loan=loan.id, no=last + 1, due_date=on, principal_due=alloc.principal_prepaid,
        interest_due=0, fees_due=0, principal_paid=alloc.principal_prepaid, paid_on=day)
    for k, i in enumerate(new):
        values = dict(due_date=i.due_date, principal_due=i.principal,
                      interest_due=i.interest, fees_due=i.fees)
        if k < len(future):
            LoanInstallment.update(no=last + 2 + k, **values).where(
                LoanInstallment.id == future[k].id).execute()
        else:
            LoanInstallment.create(loan=loan.id, no=last + 2 + k, **values)
    for k, r in enumerate(future[len(new):], start=len(new)):
        # nothing left to schedule on it (the whole principal prepaid)
        if RepaymentAllocation.select().where(RepaymentAllocation.installment == r.id
                                              ).exists():
            LoanInstallment.update(no=last + 2 + k, principal_due=0, interest_due=0,
                                   fees_due=0, paid_on=day).where(
                LoanInstallment.id == r.id).execute()
        else:
            LoanInstallment.delete().where(LoanInstallment.id == r.id).execute()
    RepaymentAllocation.create(repayment=repayment_id, installment=prepay.id,
                               principal=alloc.principal_prepaid, interest=0, fees=0,
                               penalties=0)
    # the BR says what the recomputed schedule holds, not the old future interest
    cash_vouchers.stamp_loan_figures(Repayment.get_by_id(repayment_id).txn_id,
                                engine.remaining(schedule_of_loan(loan).state, day))
    audit.record(ctx, "repayment.reschedule", "repayment", repayment_id,
                 before={"loan": loan.number, "rows": replaced},
                 after={"prepaid": alloc.principal_prepaid, "rows": [
                     {"no": last + 1 + i.no, "due_date": i.due_date.isoformat(),
                      "principal_due": i.principal, "interest_due": i.interest,
                      "fees_due": i.fees} for i in new]})
