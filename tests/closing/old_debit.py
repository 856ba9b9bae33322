"""The automatic debit as it was before the batch path (one `ledger.post` and one
`repayments.record_within` per loan), kept verbatim as the reference the batch path
must reproduce row for row (tests/closing/test_debit_batch.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from mifin_tui.db import database, write_transaction
from mifin_tui.db.models import Loan
from mifin_tui.i18n import _
from mifin_tui.services.closing.loans import (
    SERVICED,
    _as_date,
    _batch,
    _Cache,
    _debit_candidates,
    _holder,
    debit_reference,
    debit_sources,
)
from mifin_tui.services.kernel import audit, ledger
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.loans import repayments
from mifin_tui.services.loans.engine import allocation as engine

if TYPE_CHECKING:
    from mifin_tui.services.closing.steps import StepRun
    from mifin_tui.services.kernel.context import Context


def debit_loan(ctx: Context, loan_id: int, day: date, cache: _Cache | None = None
               ) -> tuple[int, int] | None:
    """Take what is due on `day` (due today and overdue) from the borrower's savings, as
    far as their available balances allow: one BR transaction with its reference, a
    repayment row (channel auto_debit) with its allocation rows and the instalments
    settled dated. Inside the caller's write transaction. Returns (amount taken, amount
    still due), or None when nothing was due, nothing available or the loan was already
    debited that day.

    The postings are those of `repayments.repay_within` for the auto_debit channel (the
    sources' debits; principal to the loan account, interest to the receivable up to what
    was accrued and the rest to income, penalties and fees to income), written here
    without building the printable voucher per loan (the BR prints from the books) so
    that a closing over a large portfolio stays fast."""
    from mifin_tui.db.models import Voucher
    from mifin_tui.services.loans import applications as loans
    from mifin_tui.services.loans import disbursement as loan_disbursement

    cache = cache or _Cache(ctx.branch_id)
    loan = Loan.get_by_id(loan_id)
    if loan.state not in SERVICED:
        return None
    if database.execute_sql(
            'SELECT 1 FROM "repayment" WHERE "loan_id" = ? AND "business_date" = ? '
            'AND "channel" = \'auto_debit\'', (loan.id, day.isoformat())).fetchone():
        return None
    rows = database.execute_sql(
        'SELECT "no", "due_date", "principal_due", "interest_due", "fees_due", '
        '"penalties_due", "principal_paid", "interest_paid", "fees_paid", "penalties_paid", '
        '"interest_accrued" FROM "loan_installment" WHERE "loan_id" = ? ORDER BY "no"',
        (loan.id,)).fetchall()
    state = engine.LoanState(loan.currency, loan.disbursed_on or date.min, tuple(
        engine.InstalmentState(r[0], _as_date(r[1]), *r[2:10]) for r in rows))
    # interest paid settles first what the accrual booked to the receivable
    open_accrued = {r[0]: max(r[10] - r[7], 0) for r in rows}
    due = engine.amount_due(state, day).total
    if due <= 0:
        return None
    plan = engine.plan_debit(due, debit_sources(loan))
    if plan.taken <= 0:
        return None
    product = cache.product(loan.product_id)
    alloc = engine.allocate(state, plan.taken, day, engine.AllocationPolicy(
        order=tuple(product.allocation_order.split(",")), excess=engine.EXCESS_REFUSE))
    parts = alloc.applied
    receivable = sum(min(line.interest, open_accrued[line.no]) for line in alloc.lines)
    cur = loan.currency
    lines = [ledger.Line(line.account_id, debit=line.amount) for line in plan.lines]
    for gl_key, part in ((None, parts.principal),
                         (product.gl_interest_receivable, receivable),
                         (product.gl_interest, parts.interest - receivable),
                         (product.gl_penalty, parts.penalties), (product.gl_fees, parts.fees)):
        if part:
            lines.append(ledger.Line(loan.account_id if gl_key is None
                                     else cache.account(gl_key, cur), credit=part))
    reference = debit_reference(loan.number, day)
    label = _("Automatic debit, loan {number}").format(number=loan.number)
    label = f"{label} ({reference})"[:250]
    posted = ledger.post(ctx, kind="loan_repayment", label=label, lines=lines,
                         voucher_series="BR")
    if posted.voucher_number is None:
        raise MifinError("voucher number missing")
    Voucher.create(txn=posted.txn_id, number=posted.voucher_number, series="BR",
                   direction="in", till=cache.vault_id(), session=None,
                   client_account=loan.account_id, currency=cur, amount=plan.taken,
                   party_name=_holder(loan.member_id), purpose=label)
    rep = repayments.record_within(ctx, loan, posted.txn_id, alloc, channel="auto_debit",
                                   reference=reference,
                                   source_account_id=plan.lines[0].account_id)
    if loan.state == "disbursed":
        loan_disbursement.mark_active_within(ctx, loan.id, posted.voucher_number)
    if rep.balance_after == 0:
        loans.move(ctx, Loan.get_by_id(loan.id), "closed", posted.voucher_number)
        loan_disbursement.release_within(ctx, loan.id)
    return plan.taken, plan.arrears


def auto_debit(r: StepRun) -> None:
    Batch = _batch()

    def fetch(cursor: int, limit: int) -> list[int]:
        return _debit_candidates(r.branch_id, r.day, cursor, limit)

    def process(ids: Sequence[int]) -> Batch:
        amounts: dict[str, int] = defaultdict(int)
        arrears: dict[str, int] = dict(r.detail.get("arrears", {}))
        failed = list(r.detail.get("failed", []))
        items = 0
        cache = _Cache(r.branch_id)
        debited = []
        for loan_id in ids:
            try:
                with write_transaction():  # a savepoint: a refused debit leaves nothing
                    done = debit_loan(r.ctx, loan_id, r.day, cache)
            except MifinError as exc:
                failed.append(f"{Loan.get_by_id(loan_id).number}: {exc}"[:200])
                continue
            if done:
                cur = Loan.get_by_id(loan_id).currency
                amounts[cur] += done[0]
                arrears[cur] = arrears.get(cur, 0) + done[1]
                items += 1
                debited.append([Loan.get_by_id(loan_id).number, done[0], done[1]])
        if debited:
            audit.record(r.ctx, "closing.auto_debit", "business_day", r.day.isoformat(),
                         after={"debits": debited}, business_date=r.day)
        return Batch(cursor=ids[-1], items=items, amounts=dict(amounts),
                     detail={"arrears": arrears, "failed": failed[:20]})

    r.batches(fetch, process)
