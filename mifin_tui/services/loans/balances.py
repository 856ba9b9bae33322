"""What a loan still owes, the same three labelled figures wherever they are shown: the
repayment screen, the disbursement slip (BS) and the repayment voucher (BR). One engine
function computes them (`engine.allocation.remaining`); a voucher that moves a loan keeps
them on its row (`stamp_voucher`), so a reprint says what the first print said."""

from __future__ import annotations

from datetime import date

from mifin_tui.db.models import Loan, VoucherLoanFigures
from mifin_tui.db.queries import repayments as queries
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import REMAINING_LABELS, Remaining
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import repayment_plan as plan
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.lifecycle import business_today, get_loan

__all__ = ["REMAINING_LABELS", "Remaining", "of_loan", "remaining_of", "stamp_voucher"]


def remaining_of(loan: Loan, day: date) -> Remaining:
    """The loan's remaining figures on `day`, from its instalment rows."""
    sched = plan.schedule_of(loan.currency, loan.disbursed_on, queries.instalments([loan.id]))
    return engine.remaining(sched.state, day)


@requires("loan.read")
def of_loan(ctx: Context, loan_id: int, day: date | None = None) -> Remaining:
    """The loan's remaining figures on `day` (default: the open business day)."""
    loan = get_loan(loan_id, ctx)
    return remaining_of(loan, day or business_today(ctx))


def stamp_voucher(txn_id: int, left: Remaining) -> None:
    """Keep a loan's remaining figures after the voucher of `txn_id` beside it, once, for
    its print and every reprint (inside the caller's write transaction)."""
    VoucherLoanFigures.create(txn=txn_id, principal=left.principal,
                              total_due=left.total_due, payoff=left.payoff)


def figures_rows(items: list[tuple[int, Remaining]]) -> list[dict[str, int]]:
    """The rows `stamp_voucher` writes, for a batch (`db.bulk.insert_rows`)."""
    return [{"txn": txn, "principal": r.principal, "total_due": r.total_due,
             "payoff": r.payoff} for txn, r in items]
