"""Loan repayments at the counter (#9): what is due, the allocation preview, and the
repayment itself with its BR voucher.

The split comes from the pure engine (`repayment_engine`) over the `loan_installment`
rows; the posting credits the loan account (principal) and the income accounts
(interest, penalties, fees) against the till's cash in one BR transaction. The split is
kept in a `repayment` row so the BR rebuilt from the books prints it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Loan, LoanInstallment, Repayment, Voucher
from mifin_tui.i18n import _, current_language
from mifin_tui.services import accounts, audit, ledger, loan_disbursement, loans, members
from mifin_tui.services import loan_products, tills, vouchers
from mifin_tui.services import repayment_engine as engine
from mifin_tui.services.context import Context
from mifin_tui.services.documents import VoucherDoc
from mifin_tui.services.errors import MifinError, NotFound, ValidationError
from mifin_tui.services.money import AmountError, format_amount, parse_amount
from mifin_tui.services.permissions import requires

REPAYABLE_STATES = ("disbursed", "active", "in_arrears")
CHANNELS = ("cash",)


@dataclass(frozen=True)
class Due:
    loan_id: int
    number: str
    currency: str
    day: date
    state: str
    due_today: engine.Components  # everything due on or before `day` (the MAP split)
    overdue: engine.Components    # the part of it due before `day`
    days_past_due: int
    outstanding: int              # everything still unpaid on the schedule
    payoff: int                   # the amount that closes the loan on `day`

    @property
    def map_total(self) -> int:
        return self.due_today.total


@dataclass(frozen=True)
class RepaymentPreview:
    loan_id: int
    number: str
    currency: str
    amount: int
    lines: tuple[engine.InstalmentAllocation, ...]
    applied: engine.Components
    remaining: int  # what the schedule still holds after this payment


@dataclass(frozen=True)
class RepaymentReceipt:
    txn_id: int
    voucher_number: str
    loan_state: str
    applied: engine.Components
    remaining: int
    doc: VoucherDoc


def _loan(ctx: Context, loan_id: int) -> Loan:
    loan = Loan.get_or_none(Loan.id == loan_id)
    if loan is None or loan.branch_id != ctx.branch_id:
        raise NotFound(_("No such loan."))
    return loan


def _state(loan: Loan) -> engine.LoanState:
    rows = (LoanInstallment.select().where(LoanInstallment.loan == loan.id)
            .order_by(LoanInstallment.no))
    return engine.LoanState(loan.currency, loan.disbursed_on or date.min, tuple(
        engine.InstalmentState(r.no, r.due_date, r.principal_due, r.interest_due,
                               r.fees_due, 0, r.principal_paid, r.interest_paid,
                               r.fees_paid) for r in rows))


def _policy(loan: Loan) -> engine.AllocationPolicy:
    product = loan_products.get(loan.product_id)
    order = tuple(product.allocation_order)
    # no product setting for prepayment yet: an amount above what is due is refused
    return engine.AllocationPolicy(order=order, excess=engine.EXCESS_REFUSE)


def _amount(value: int | str, currency: str) -> int:
    if isinstance(value, str):
        try:
            value = parse_amount(value, currency)
        except AmountError as exc:
            raise ValidationError({"amount": str(exc)}) from None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    return value


def _money(amount: int, currency: str) -> str:
    return format_amount(amount, currency, current_language())


def _require_repayable(loan: Loan) -> None:
    if loan.state not in REPAYABLE_STATES:
        raise ValidationError({"loan": _("Loan {number} is {state}: no repayment.").format(
            number=loan.number, state=loans.state_label(loan.state).lower())})


@requires("loan.read")
def due(ctx: Context, loan_id: int, day: date | None = None) -> Due:
    """What is due on `day` (default: the open business day) and how it splits."""
    loan = _loan(ctx, loan_id)
    day = day or loans._today(ctx)
    state = _state(loan)
    return Due(loan.id, loan.number, loan.currency, day, loan.state,
               engine.amount_due(state, day), engine.overdue(state, day),
               engine.days_past_due(state, day), engine.outstanding(state).total,
               engine.payoff(state, day).total)


def _allocate(loan: Loan, amount: int, day: date) -> engine.Allocation:
    alloc = engine.allocate(_state(loan), amount, day, _policy(loan))
    if alloc.refused or alloc.principal_prepaid:
        due_now = engine.amount_due(_state(loan), day).total
        raise ValidationError({"amount": _(
            "Only {due} is due today on loan {number}: an amount above it is refused."
        ).format(due=_money(due_now, loan.currency), number=loan.number)})
    return alloc


@requires("ledger.post")
def preview(ctx: Context, loan_id: int, amount: int | str) -> RepaymentPreview:
    """How `amount` would be applied today, and what would remain; nothing written."""
    loan = _loan(ctx, loan_id)
    _require_repayable(loan)
    value = _amount(amount, loan.currency)
    alloc = _allocate(loan, value, loans._today(ctx))
    return RepaymentPreview(loan.id, loan.number, loan.currency, value, alloc.lines,
                            alloc.applied, engine.outstanding(alloc.state).total)


@requires("ledger.post")
def repay(ctx: Context, loan_id: int, amount: int | str, *, party_name: str,
          purpose: str = "", channel: str = "cash") -> RepaymentReceipt:
    """Cash brought to the till for a loan: allocated by the product's order, oldest
    instalment first, posted with a BR voucher; the loan becomes active on its first
    repayment and closed when nothing remains."""
    errors: dict[str, str] = {}
    if not party_name.strip():
        errors["party_name"] = _("Who brings the cash? Required.")
    if channel not in CHANNELS:
        errors["channel"] = _("Only cash at the till for now.")
    loan = _loan(ctx, loan_id)
    try:
        value = _amount(amount, loan.currency)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        loan = _loan(ctx, loan_id)
        _require_repayable(loan)
        session = tills.require_session(ctx, loan.currency)
        day = session.business_date
        alloc = _allocate(loan, value, day)
        product = loan_products.get(loan.product_id)
        cash_acc = tills.cash_account(session.till, loan.currency)
        parts = alloc.applied
        lines = [ledger.Line(cash_acc.id, debit=value)]
        for gl_key, part in ((None, parts.principal), (product.gl_interest, parts.interest),
                             (product.gl_penalty, parts.penalties),
                             (product.gl_fees, parts.fees)):
            if part:
                acc_id = (loan.account_id if gl_key is None else
                          accounts.internal_account(ctx.branch_id, gl_key, loan.currency).id)
                lines.append(ledger.Line(acc_id, credit=part))
        label = purpose.strip() or _("Repayment of loan {number}").format(number=loan.number)
        posted = ledger.post(ctx, kind="loan_repayment", label=label, lines=lines,
                             voucher_series="BR")
        if posted.voucher_number is None:
            raise MifinError("voucher number missing")
        Voucher.create(txn=posted.txn_id, number=posted.voucher_number, series="BR",
                       direction="in", till=session.till_id, session=session.id,
                       client_account=loan.account_id, currency=loan.currency,
                       amount=value, party_name=party_name.strip(), purpose=label)
        before = {line.no: _paid(loan.id, line.no) for line in alloc.lines}
        for line in alloc.lines:
            LoanInstallment.update(
                principal_paid=LoanInstallment.principal_paid + line.principal,
                interest_paid=LoanInstallment.interest_paid + line.interest,
                fees_paid=LoanInstallment.fees_paid + line.fees,
            ).where((LoanInstallment.loan == loan.id) & (LoanInstallment.no == line.no)
                    ).execute()
        remaining = engine.outstanding(alloc.state).total
        Repayment.create(loan=loan.id, txn=posted.txn_id, business_date=day,
                         channel=channel, amount=value, principal=parts.principal,
                         interest=parts.interest, fees=parts.fees,
                         penalties=parts.penalties, balance_after=remaining)
        state_before = loan.state
        if loan.state == "disbursed":
            loan_disbursement.mark_active_within(ctx, loan.id, posted.voucher_number)
        if remaining == 0:
            loan = Loan.get_by_id(loan.id)
            loans.move(ctx, loan, "closed", posted.voucher_number)
            loan_disbursement.release_within(ctx, loan.id)
        state_after = Loan.get_by_id(loan.id).state
        audit.record(ctx, "loan.repay", "loan", loan.number,
                     before={"state": state_before, "paid": before},
                     after={"state": state_after, "voucher": posted.voucher_number,
                            "amount": value, "principal": parts.principal,
                            "interest": parts.interest, "fees": parts.fees,
                            "penalties": parts.penalties, "remaining": remaining,
                            "paid": {line.no: _paid(loan.id, line.no)
                                     for line in alloc.lines}})
        doc = vouchers.build(posted.txn_id)
    return RepaymentReceipt(posted.txn_id, posted.voucher_number, state_after, parts,
                            remaining, doc)


def _paid(loan_id: int, no: int) -> dict[str, int]:
    r = LoanInstallment.get((LoanInstallment.loan == loan_id) & (LoanInstallment.no == no))
    return {"principal": r.principal_paid, "interest": r.interest_paid, "fees": r.fees_paid}


@requires("loan.read")
def find_loan(ctx: Context, text: str) -> int:
    """The id of the loan of this branch whose number is `text` (as typed)."""
    loan = Loan.get_or_none((Loan.number == text.strip().upper())
                            & (Loan.branch == ctx.branch_id))
    if loan is None:
        raise NotFound(_("No loan {number}.").format(number=text.strip()))
    return loan.id


def holder(loan_id: int) -> str:
    return members.display_name(Loan.get_by_id(loan_id).member)
