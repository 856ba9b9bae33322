"""Loan repayments (#9): what is due, the allocation preview, and the repayment itself
with its BR voucher, whatever the channel.

The split comes from the pure engine (`repayment_engine`) over the `loan_installment`
rows; the posting credits the loan account (principal) and the income accounts
(interest, penalties, fees) against what the money came from, in one BR transaction:
the till's cash (cash), the member's savings account (savings), or the clearing account
of the channel (mobile money operator float, bank). The split is kept in a `repayment`
row and per instalment in `repayment_allocation`, so the BR rebuilt from the books
prints it the same way and a reversal puts back exactly what was paid.

`repay` is the one entry point of the counter and the payment import; `repay_within`
is the same inside the caller's write transaction (the closing's automatic debit);
`record_within` writes the rows of an allocation already posted (recoveries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    Loan,
    LoanInstallment,
    Repayment,
    RepaymentAllocation,
    SavingsAccount,
    TillSession,
    Voucher,
)
from mifin_tui.i18n import _, current_language
from mifin_tui.services import accounts, audit, business_day, ledger, loan_disbursement, loans, members
from mifin_tui.services import loan_products, savings, tills, vouchers
from mifin_tui.services import repayment_engine as engine
from mifin_tui.services.context import Context
from mifin_tui.services.documents import VoucherDoc
from mifin_tui.services.errors import MifinError, NotFound, ValidationError
from mifin_tui.services.money import AmountError, format_amount, parse_amount
from mifin_tui.services.permissions import requires

REPAYABLE_STATES = ("disbursed", "active", "in_arrears")
# What the money comes from. auto_debit is the closing's (one per loan and day).
CHANNELS = ("cash", "savings", "mobile_money", "bank", "auto_debit")
COUNTER_CHANNELS = ("cash", "savings", "mobile_money", "bank")
# The GL key of the clearing account a non-cash channel debits (regulators.GL_KEYS).
CLEARING_GL = {"mobile_money": "mobile_money", "bank": "bank"}
# The operator's or the bank's reference identifies the payment: posted once only.
REFERENCE_REQUIRED = ("mobile_money", "bank")
# Channels debiting the member's own savings accounts.
FROM_SAVINGS = ("savings", "auto_debit")
KINDS = ("repayment", "recovery")
REFERENCE_MAX = 64


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
    repayment_id: int = 0


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
                               r.fees_due, r.penalties_due, r.principal_paid,
                               r.interest_paid, r.fees_paid, r.penalties_paid)
        for r in rows))


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


def _reference(channel: str, reference: str, errors: dict[str, str]) -> str:
    ref = reference.strip().upper()
    if channel in REFERENCE_REQUIRED and not ref:
        errors["reference"] = _("Enter the operator's reference of the payment.")
    elif len(ref) > REFERENCE_MAX:
        errors["reference"] = _("At most {n} characters.").format(n=REFERENCE_MAX)
    return ref


def _reference_unused(channel: str, ref: str) -> None:
    """A reference already posted on this channel is refused, reversed or not: the same
    operator's payment imported twice must never be applied twice."""
    if not ref:
        return
    used = Repayment.get_or_none((Repayment.channel == channel) & (Repayment.reference == ref))
    if used is not None:
        raise ValidationError({"reference": _(
            "Reference {reference} was already used on {day} for loan {number}: "
            "nothing posted.").format(reference=ref,
                                      day=used.business_date.strftime("%d/%m/%Y"),
                                      number=Loan.get_by_id(used.loan_id).number)})


def _source(ctx: Context, loan: Loan, account_id: int | None, amount: int,
            channel: str) -> Account:
    """The member's savings account a repayment is taken from, with enough available."""
    acc = Account.get_or_none(Account.id == account_id) if account_id else None
    if acc is None or acc.branch_id != ctx.branch_id or acc.kind != "savings":
        raise ValidationError({"source_account": _("Choose a savings account of the member.")})
    if acc.member_id != loan.member_id:
        raise ValidationError({"source_account": _(
            "Account {number} is not the borrower's.").format(number=acc.number)})
    if acc.currency != loan.currency:
        raise ValidationError({"source_account": _(
            "Account {number} keeps {currency}; loan {loan} is in {loan_currency}.").format(
            number=acc.number, currency=acc.currency, loan=loan.number,
            loan_currency=loan.currency)})
    if acc.status != "active":
        raise ValidationError({"source_account": _("Account {number} is closed.").format(
            number=acc.number)})
    info = SavingsAccount.get_or_none(SavingsAccount.account == acc.id)
    if channel == "savings" and info is not None and info.dormant:
        raise ValidationError({"source_account": _(
            "Account {number} is dormant: a withdrawal with the manager's approval wakes "
            "it.").format(number=acc.number)})
    available = savings.available_balance(acc.id)
    if available < amount:
        raise ValidationError({"source_account": _(
            "Account {number} has {available} available: not enough for {amount}.").format(
            number=acc.number, available=_money(available, acc.currency),
            amount=_money(amount, acc.currency))})
    return acc


def _value_date(loan: Loan, value_date: date | None, day: date) -> date:
    if value_date is None:
        return day
    if value_date > day:
        raise ValidationError({"value_date": _("A payment cannot be dated after today.")})
    if loan.disbursed_on and value_date < loan.disbursed_on:
        raise ValidationError({"value_date": _(
            "Loan {number} was disbursed on {day}: a payment cannot be dated before.").format(
            number=loan.number, day=loan.disbursed_on.strftime("%d/%m/%Y"))})
    return value_date


def validate(ctx: Context, loan_id: int, amount: int | str, *, party_name: str = "",
             channel: str = "cash", reference: str = "", kind: str = "repayment"
             ) -> tuple[int, str]:
    """The checks that need no lock: the amount in minor units and the normalised
    reference, or one ValidationError naming every bad field."""
    errors: dict[str, str] = {}
    if channel not in CHANNELS:
        errors["channel"] = _("One of: {channels}.").format(channels=", ".join(CHANNELS))
    elif channel == "cash" and not party_name.strip():
        errors["party_name"] = _("Who brings the cash? Required.")
    if kind not in KINDS:
        errors["kind"] = _("One of: {kinds}.").format(kinds=", ".join(KINDS))
    elif kind == "recovery":
        errors["kind"] = _("A recovery on a written-off loan is entered with the arrears.")
    ref = _reference(channel, reference, errors)
    loan = _loan(ctx, loan_id)
    try:
        value = _amount(amount, loan.currency)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return value, ref


@requires("ledger.post")
def repay(ctx: Context, loan_id: int, amount: int | str, *, party_name: str = "",
          purpose: str = "", channel: str = "cash", reference: str = "",
          source_account_id: int | None = None, value_date: date | None = None,
          kind: str = "repayment") -> RepaymentReceipt:
    """A repayment of `amount` (minor units, or as typed) on a loan, posted with a BR
    voucher: allocated by the product's order, oldest instalment first, as of
    `value_date` (default: the business day); the loan becomes active on its first
    repayment and closed when nothing remains.

    `channel`: cash (the cashier's till; `party_name` required), savings (from
    `source_account_id`, a savings account of the borrower, within its available
    balance), mobile_money or bank (the channel's clearing account; `reference`, the
    operator's, required). A reference already used on the channel is refused. Every
    refusal is a ValidationError (or MifinError without a till) and writes nothing."""
    value, ref = validate(ctx, loan_id, amount, party_name=party_name, channel=channel,
                          reference=reference, kind=kind)
    sources = [(source_account_id, value)] if source_account_id is not None else []
    with write_transaction():
        return repay_within(ctx, loan_id, value, channel=channel, reference=ref,
                            sources=sources, value_date=value_date,
                            party_name=party_name, purpose=purpose)


def repay_within(ctx: Context, loan_id: int, value: int, *, channel: str,
                 reference: str = "", sources: Sequence[tuple[int | None, int]] = (),
                 value_date: date | None = None, party_name: str = "",
                 purpose: str = "") -> RepaymentReceipt:
    """`repay` inside the caller's write transaction, `value` already in minor units and
    `reference` normalised (see `validate`). `sources`: (savings account id, amount)
    pairs summing to `value`, one for the savings channel, the debit plan's lines for
    auto_debit (`repayment_engine.plan_debit`); the first is the row's source account."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if channel not in CHANNELS:
        raise ValidationError({"channel": _("One of: {channels}.").format(
            channels=", ".join(CHANNELS))})
    if channel in REFERENCE_REQUIRED and not reference:
        raise ValidationError({"reference": _("Enter the operator's reference of the payment.")})
    loan = _loan(ctx, loan_id)
    _require_repayable(loan)
    _reference_unused(channel, reference)
    day = business_day_of(ctx)
    on = _value_date(loan, value_date, day)
    alloc = _allocate(loan, value, on)
    till_id = session_id = None
    debits: list[ledger.Line] = []
    if channel == "cash":
        session = tills.require_session(ctx, loan.currency)
        till_id, session_id = session.till_id, session.id
        debits.append(ledger.Line(tills.cash_account(session.till, loan.currency).id,
                                  debit=value))
    elif channel in FROM_SAVINGS:
        if not sources or sum(a for _i, a in sources) != value:
            raise ValidationError({"source_account": _(
                "Choose a savings account of the member.")})
        for account_id, part in sources:
            acc = _source(ctx, loan, account_id, part, channel)
            debits.append(ledger.Line(acc.id, debit=part))
    else:
        clearing = accounts.internal_account(ctx.branch_id, CLEARING_GL[channel],
                                             loan.currency)
        debits.append(ledger.Line(clearing.id, debit=value))
    if till_id is None:
        # A BR is printed for every repayment; one made away from a till (a transfer, an
        # operator's payment, the closing) names the cashier's till if open, else the vault.
        mine = TillSession.get_or_none((TillSession.cashier == ctx.user_id)
                                       & (TillSession.status == "open"))
        till_id = mine.till_id if mine is not None else tills.vault_of(ctx.branch_id).id
    product = loan_products.get(loan.product_id)
    parts = alloc.applied
    lines = list(debits)
    receivable = _receivable_part(loan.id, alloc.lines)
    for gl_key, part in ((None, parts.principal),
                         (product.gl_interest_receivable, receivable),
                         (product.gl_interest, parts.interest - receivable),
                         (product.gl_penalty, parts.penalties),
                         (product.gl_fees, parts.fees)):
        if part:
            acc_id = (loan.account_id if gl_key is None else
                      accounts.internal_account(ctx.branch_id, gl_key, loan.currency).id)
            lines.append(ledger.Line(acc_id, credit=part))
    label = purpose.strip() or _("Repayment of loan {number}").format(number=loan.number)
    if reference:
        label = f"{label} ({reference})"
    posted = ledger.post(ctx, kind="loan_repayment", label=label[:250], lines=lines,
                         voucher_series="BR")
    if posted.voucher_number is None:
        raise MifinError("voucher number missing")
    party = party_name.strip() or holder(loan.id)
    Voucher.create(txn=posted.txn_id, number=posted.voucher_number, series="BR",
                   direction="in", till=till_id, session=session_id,
                   client_account=loan.account_id, currency=loan.currency,
                   amount=value, party_name=party, purpose=label[:250])
    before = {line.no: _paid(loan.id, line.no) for line in alloc.lines}
    state_before = loan.state
    rep = record_within(ctx, loan, posted.txn_id, alloc, channel=channel,
                        reference=reference,
                        source_account_id=sources[0][0] if sources else None)
    if loan.state == "disbursed":
        loan_disbursement.mark_active_within(ctx, loan.id, posted.voucher_number)
    if rep.balance_after == 0:
        loans.move(ctx, Loan.get_by_id(loan.id), "closed", posted.voucher_number)
        loan_disbursement.release_within(ctx, loan.id)
    state_after = Loan.get_by_id(loan.id).state
    audit.record(ctx, "loan.repay", "loan", loan.number,
                 before={"state": state_before, "paid": before},
                 after={"state": state_after, "voucher": posted.voucher_number,
                        "channel": channel, "reference": reference,
                        "source_account": rep.source_account_id,
                        "value_date": on.isoformat(),
                        "amount": value, "principal": parts.principal,
                        "interest": parts.interest, "fees": parts.fees,
                        "penalties": parts.penalties, "remaining": rep.balance_after,
                        "paid": {line.no: _paid(loan.id, line.no)
                                 for line in alloc.lines}})
    doc = vouchers.build(posted.txn_id)
    return RepaymentReceipt(posted.txn_id, posted.voucher_number, state_after, parts,
                            rep.balance_after, doc, rep.id)


def business_day_of(ctx: Context) -> date:
    """The open business day the repayment is booked on (refused when none is open)."""
    return business_day.require_open(ctx.branch_id)


def _receivable_part(loan_id: int, lines: Sequence[engine.InstalmentAllocation]) -> int:
    """The interest paid that settles interest already booked to the receivable by the
    accrual (`interest_accrued`): it credits the receivable, the rest the income. The
    accrued part is taken as paid first."""
    total = 0
    for line in lines:
        if not line.interest:
            continue
        r = LoanInstallment.get((LoanInstallment.loan == loan_id)
                                & (LoanInstallment.no == line.no))
        open_accrued = max(r.interest_accrued - r.interest_paid, 0)
        total += min(line.interest, open_accrued)
    return total


def record_within(ctx: Context, loan: Loan, txn_id: int, alloc: engine.Allocation, *,
                  channel: str, reference: str = "", source_account_id: int | None = None,
                  kind: str = "repayment") -> Repayment:
    """Write what a posted repayment paid: the instalments' paid amounts (and `paid_on`
    for those it settles), the `repayment` row and its `repayment_allocation` rows.
    Inside the caller's write transaction, after the ledger posting `txn_id`."""
    day = business_day_of(ctx)
    parts = alloc.applied
    remaining = engine.outstanding(alloc.state).total
    rep = Repayment.create(loan=loan.id, txn=txn_id, business_date=day, channel=channel,
                           amount=alloc.amount, principal=parts.principal,
                           interest=parts.interest, fees=parts.fees,
                           penalties=parts.penalties, balance_after=remaining, kind=kind,
                           reference=reference, source_account=source_account_id,
                           created_by=ctx.user_id)
    settled = {i.no for i in alloc.state.instalments if i.settled}
    rows = {r.no: r for r in LoanInstallment.select().where(
        (LoanInstallment.loan == loan.id)
        & LoanInstallment.no.in_([line.no for line in alloc.lines]))}
    for line in alloc.lines:
        row = rows[line.no]
        changes = dict(principal_paid=LoanInstallment.principal_paid + line.principal,
                       interest_paid=LoanInstallment.interest_paid + line.interest,
                       fees_paid=LoanInstallment.fees_paid + line.fees,
                       penalties_paid=LoanInstallment.penalties_paid + line.penalties)
        if line.no in settled and row.paid_on is None:
            changes["paid_on"] = day
        LoanInstallment.update(**changes).where(LoanInstallment.id == row.id).execute()
        RepaymentAllocation.create(repayment=rep.id, installment=row.id,
                                   principal=line.principal, interest=line.interest,
                                   fees=line.fees, penalties=line.penalties)
    return rep


def _paid(loan_id: int, no: int) -> dict[str, int]:
    r = LoanInstallment.get((LoanInstallment.loan == loan_id) & (LoanInstallment.no == no))
    return {"principal": r.principal_paid, "interest": r.interest_paid, "fees": r.fees_paid,
            "penalties": r.penalties_paid}


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
