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

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    AuditLog,
    Loan,
    LoanInstallment,
    Member,
    Repayment,
    RepaymentAllocation,
    SavingsAccount,
    TillSession,
    Voucher,
)
from mifin_tui.i18n import _, current_language
from mifin_tui.services.cash import tills, vouchers
from mifin_tui.services.kernel import accounts, audit, business_day, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import VoucherDoc
from mifin_tui.services.kernel.errors import (
    Conflict,
    MifinError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from mifin_tui.services.kernel.money import format_amount, positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import applications as loans
from mifin_tui.services.loans import disbursement as loan_disbursement
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.engine import schedule
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import balances as savings_balances

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
    principal_prepaid: int = 0  # ahead of the schedule, which is recomputed


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
    return engine.AllocationPolicy(order=tuple(product.allocation_order),
                                   excess=product.excess_policy)


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


def _allocate(loan: Loan, amount: int, day: date, *, payoff: bool = False
              ) -> engine.Allocation:
    """The engine's split of `amount` on `day` by the product's policy. `payoff`: the
    loan repaid in full early, `amount` exactly the payoff of the day (future interest
    not charged), whatever the product does with an excess."""
    state = _state(loan)
    policy = _policy(loan)
    if payoff:
        total = engine.payoff(state, day).total
        if amount != total:
            raise ValidationError({"amount": _(
                "The payoff of loan {number} today is {payoff}.").format(
                number=loan.number, payoff=_money(total, loan.currency))})
        policy = dataclasses.replace(policy, excess=engine.EXCESS_PRINCIPAL_PREPAID)
    alloc = engine.allocate(state, amount, day, policy)
    if alloc.refused:
        due_now = engine.amount_due(state, day).total
        if policy.excess == engine.EXCESS_REFUSE:
            raise ValidationError({"amount": _(
                "Only {due} is due today on loan {number}: an amount above it is refused "
                "(the payoff today is {payoff}).").format(
                due=_money(due_now, loan.currency), number=loan.number,
                payoff=_money(engine.payoff(state, day).total, loan.currency))})
        raise ValidationError({"amount": _(
            "At most {most} can be paid on loan {number} today.").format(
            most=_money(amount - alloc.refused, loan.currency), number=loan.number)})
    return alloc


@requires("loan.read")
def max_payment(ctx: Context, loan_id: int, day: date | None = None) -> int:
    """The largest amount the product's policy accepts on `day` (without a payoff)."""
    loan = _loan(ctx, loan_id)
    day = day or loans._today(ctx)
    state = _state(loan)
    policy = _policy(loan)
    if policy.excess == engine.EXCESS_REFUSE:
        return engine.amount_due(state, day).total
    if policy.excess == engine.EXCESS_PRINCIPAL_PREPAID:
        return engine.payoff(state, day).total
    return engine.outstanding(state).total


@requires("ledger.post")
def preview(ctx: Context, loan_id: int, amount: int | str, *, payoff: bool = False,
            value_date: date | None = None) -> RepaymentPreview:
    """How `amount` would be applied today, and what would remain; nothing written. A
    prepayment that recomputes the schedule shows the principal prepaid and what the
    new schedule holds."""
    loan = _loan(ctx, loan_id)
    _require_repayable(loan)
    value = positive_amount(amount, loan.currency)
    day = loans._today(ctx)
    on = _value_date(loan, value_date, day)
    alloc = _allocate(loan, value, on, payoff=payoff)
    remaining = engine.outstanding(alloc.state).total
    if alloc.principal_prepaid:
        remaining = _rescheduled_outstanding(loan, alloc, on)
    return RepaymentPreview(loan.id, loan.number, loan.currency, value, alloc.lines,
                            alloc.applied, remaining, alloc.principal_prepaid)


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
    available = savings_balances.available_balance(acc.id)
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


@requires("ledger.post")
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
        value = positive_amount(amount, loan.currency)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return value, ref


@requires("ledger.post")
def repay(ctx: Context, loan_id: int, amount: int | str, *, party_name: str = "",
          purpose: str = "", channel: str = "cash", reference: str = "",
          source_account_id: int | None = None, value_date: date | None = None,
          kind: str = "repayment", payoff: bool = False) -> RepaymentReceipt:
    """A repayment of `amount` (minor units, or as typed) on a loan, posted with a BR
    voucher: allocated by the product's order, oldest instalment first, as of
    `value_date` (default: the business day); the loan becomes active on its first
    repayment and closed when nothing remains.

    `channel`: cash (the cashier's till; `party_name` required), savings (from
    `source_account_id`, a savings account of the borrower, within its available
    balance), mobile_money or bank (the channel's clearing account; `reference`, the
    operator's, required). A reference already used on the channel is refused. Every
    refusal is a ValidationError (or MifinError without a till) and writes nothing.
    `payoff`: the loan repaid in full early, `amount` exactly `due(...).payoff`."""
    value, ref = validate(ctx, loan_id, amount, party_name=party_name, channel=channel,
                          reference=reference, kind=kind)
    sources = [(source_account_id, value)] if source_account_id is not None else []
    with write_transaction():
        return repay_within(ctx, loan_id, value, channel=channel, reference=ref,
                            sources=sources, value_date=value_date,
                            party_name=party_name, purpose=purpose, payoff=payoff)


def repay_within(ctx: Context, loan_id: int, value: int, *, channel: str,
                 reference: str = "", sources: Sequence[tuple[int | None, int]] = (),
                 value_date: date | None = None, party_name: str = "",
                 purpose: str = "", payoff: bool = False) -> RepaymentReceipt:
    """`repay` inside the caller's write transaction, `value` already in minor units and
    `reference` normalised (see `validate`). `sources`: (savings account id, amount)
    pairs summing to `value`, one for the savings channel, the debit plan's lines for
    auto_debit (`repayment_engine.plan_debit`); the first is the row's source account."""
    positive_amount(value)
    if channel not in CHANNELS:
        raise ValidationError({"channel": _("One of: {channels}.").format(
            channels=", ".join(CHANNELS))})
    if channel in REFERENCE_REQUIRED and not reference:
        raise ValidationError({"reference": _("Enter the operator's reference of the payment.")})
    loan = _loan(ctx, loan_id)
    _require_repayable(loan)
    _reference_unused(channel, reference)
    day = _business_day(ctx)
    on = _value_date(loan, value_date, day)
    alloc = _allocate(loan, value, on, payoff=payoff)
    if alloc.principal_prepaid:
        _check_reschedulable(loan, on)
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
    for gl_key, part in ((None, parts.principal + alloc.principal_prepaid),
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
    before = _paid_of(loan.id, [line.no for line in alloc.lines])
    state_before = loan.state
    rep = record_within(ctx, loan, posted.txn_id, alloc, channel=channel,
                        reference=reference,
                        source_account_id=sources[0][0] if sources else None,
                        value_date=on)
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
                        "amount": value, "principal": rep.principal,
                        "principal_prepaid": alloc.principal_prepaid,
                        "interest": parts.interest, "fees": parts.fees,
                        "penalties": parts.penalties, "remaining": rep.balance_after,
                        "paid": _paid_of(loan.id, [line.no for line in alloc.lines])})
    doc = vouchers.build(posted.txn_id)
    return RepaymentReceipt(posted.txn_id, posted.voucher_number, state_after, parts,
                            rep.balance_after, doc, rep.id)


def _business_day(ctx: Context) -> date:
    """The open business day the repayment is booked on (refused when none is open)."""
    return business_day.require_open(ctx.branch_id)


def _receivable_part(loan_id: int, lines: Sequence[engine.InstalmentAllocation]) -> int:
    """The interest paid that settles interest already booked to the receivable by the
    accrual (`interest_accrued`): it credits the receivable, the rest the income. The
    accrued part is taken as paid first."""
    paid = {line.no: line.interest for line in lines if line.interest}
    if not paid:
        return 0
    total = 0
    for r in LoanInstallment.select().where((LoanInstallment.loan == loan_id)
                                            & LoanInstallment.no.in_(list(paid))):
        total += min(paid[r.no], max(r.interest_accrued - r.interest_paid, 0))
    return total


def record_within(ctx: Context, loan: Loan, txn_id: int, alloc: engine.Allocation, *,
                  channel: str, reference: str = "", source_account_id: int | None = None,
                  kind: str = "repayment", value_date: date | None = None) -> Repayment:
    """Write what a posted repayment paid: the instalments' paid amounts (and `paid_on`
    for those it settles), the `repayment` row and its `repayment_allocation` rows; a
    principal prepaid recomputes the schedule (see `_reschedule_within`). Inside the
    caller's write transaction, after the ledger posting `txn_id` (which credited the
    loan account with `applied.principal + principal_prepaid`)."""
    day = _business_day(ctx)
    parts = alloc.applied
    rep = Repayment.create(loan=loan.id, txn=txn_id, business_date=day, channel=channel,
                           amount=alloc.applied.total + alloc.principal_prepaid,
                           principal=parts.principal + alloc.principal_prepaid,
                           interest=parts.interest, fees=parts.fees,
                           penalties=parts.penalties, balance_after=0, kind=kind,
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
    if alloc.principal_prepaid:
        _reschedule_within(ctx, loan, rep, alloc, value_date or day)
    rep.balance_after = engine.outstanding(_state(loan)).total
    rep.save()
    return rep


def _check_reschedulable(loan: Loan, on: date) -> None:
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
    terms = engine.terms_after_prepayment(loans.frozen_terms(loan), alloc.state,
                                          alloc.principal_prepaid, on)
    return () if terms is None else schedule.build(terms, check=False).installments


def _rescheduled_outstanding(loan: Loan, alloc: engine.Allocation, on: date) -> int:
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


def _reschedule_within(ctx: Context, loan: Loan, rep: Repayment, alloc: engine.Allocation,
                       on: date) -> None:
    """A principal prepaid on a declining loan: the instalments after `on` (unpaid) are
    replaced by one settled instalment of the prepaid principal, due on `on`, then the
    schedule of what remains over as many instalments on the same dates (the interest
    falls with the principal). The replaced rows are kept in the audit row, from which
    the reversal restores them."""
    day = _business_day(ctx)
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
    RepaymentAllocation.create(repayment=rep.id, installment=prepay.id,
                               principal=alloc.principal_prepaid, interest=0, fees=0,
                               penalties=0)
    audit.record(ctx, "repayment.reschedule", "repayment", rep.id,
                 before={"loan": loan.number, "rows": replaced},
                 after={"prepaid": alloc.principal_prepaid, "rows": [
                     {"no": last + 1 + i.no, "due_date": i.due_date.isoformat(),
                      "principal_due": i.principal, "interest_due": i.interest,
                      "fees_due": i.fees} for i in new]})


def _paid_of(loan_id: int, nos: Sequence[int]) -> dict[int, dict[str, int]]:
    """What is paid of these instalments, in one query (for the audit row)."""
    return {r.no: {"principal": r.principal_paid, "interest": r.interest_paid,
                   "fees": r.fees_paid, "penalties": r.penalties_paid}
            for r in LoanInstallment.select().where((LoanInstallment.loan == loan_id)
                                                    & LoanInstallment.no.in_(list(nos)))}


@dataclass(frozen=True)
class RepaymentLine:
    """A repayment of a loan as the reversal screen lists it."""

    id: int
    business_date: date
    channel: str
    reference: str
    amount: int
    currency: str
    voucher_number: str
    reversed_on: date | None


@requires("loan.read")
def loan_repayments(ctx: Context, loan_id: int) -> list[RepaymentLine]:
    """The loan's repayments, newest first."""
    loan = _loan(ctx, loan_id)
    return [RepaymentLine(r.id, r.business_date, r.channel, r.reference, r.amount,
                          loan.currency, r.txn.voucher_number or "", r.reversed_on)
            for r in Repayment.select().where(Repayment.loan == loan.id)
            .order_by(Repayment.id.desc())]


@dataclass(frozen=True)
class ReversalReceipt:
    repayment_id: int
    txn_id: int
    voucher_number: str
    loan_state: str
    remaining: int


@requires("repayment.reverse")
def reverse(ctx: Context, repayment_id: int, reason: str, *,
            approver: Context | None = None) -> ReversalReceipt:
    """Undo a repayment made in error: the mirror transaction (OD), what it paid of each
    instalment put back (paid_on cleared), a loan it closed active again with its
    guarantees held again; audited. On the day of the repayment the cashier reverses it
    with the manager's approval (`approver`, another person, maker-checker); on a later
    day the accountant does. The latest repayment of the loan first."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    with write_transaction():
        rep = Repayment.get_or_none(Repayment.id == repayment_id)
        if rep is None:
            raise NotFound(_("No such repayment."))
        loan = _loan(ctx, rep.loan_id)
        if rep.reversal_txn_id is not None:
            raise Conflict(_("This repayment was already reversed on {day}.").format(
                day=rep.reversed_on.strftime("%d/%m/%Y") if rep.reversed_on else "?"))
        day = _business_day(ctx)
        _check_reverser(ctx, rep, day, approver)
        later = Repayment.select().where(
            (Repayment.loan == loan.id) & (Repayment.id > rep.id)
            & Repayment.reversal_txn.is_null()).exists()
        if later:
            raise Conflict(_("Loan {number} has later repayments: reverse the latest "
                             "first.").format(number=loan.number))
        if loan.state not in ("active", "in_arrears", "closed"):
            raise Conflict(_("Loan {number} is {state}: its repayments are not reversed "
                             "here.").format(number=loan.number,
                                             state=loans.state_label(loan.state).lower()))
        if AuditLog.select().where((AuditLog.action == "repayment.reschedule")
                                   & (AuditLog.entity_id == str(rep.id))).exists():
            raise Conflict(_("This prepayment recomputed the schedule: the accountant "
                             "corrects it with a rescheduling."))
        state_before = loan.state
        put_back = []
        for a in RepaymentAllocation.select().where(RepaymentAllocation.repayment == rep.id):
            row = LoanInstallment.get_by_id(a.installment_id)
            row.principal_paid -= a.principal
            row.interest_paid -= a.interest
            row.fees_paid -= a.fees
            row.penalties_paid -= a.penalties
            if min(row.principal_paid, row.interest_paid, row.fees_paid,
                   row.penalties_paid) < 0:
                raise MifinError(f"instalment {row.no} of {loan.number} paid below zero")
            row.paid_on = None
            row.save()
            put_back.append({"no": row.no, "principal": a.principal, "interest": a.interest,
                             "fees": a.fees, "penalties": a.penalties})
        label = f"{loan.number}: {reason}"
        # this service's own permission gates the reversal (ledger.reverse's is the
        # accountant's for any transaction), as for a disbursement reversed
        mirror = ledger.reverse.__wrapped__  # type: ignore[attr-defined]
        posted = mirror(ctx, rep.txn_id, label[:200])
        Repayment.update(reversal_txn=posted.txn_id, reversed_by=ctx.user_id,
                         reversed_on=day, reversal_reason=reason[:250]).where(
            Repayment.id == rep.id).execute()
        if loan.state == "closed":
            loans.move(ctx, loan, "active", label[:250])
            loan_disbursement.hold_again_within(ctx, loan.id)
        state_after = Loan.get_by_id(loan.id).state
        remaining = engine.outstanding(_state(loan)).total
        audit.record(ctx, "loan.repayment_reverse", "loan", loan.number,
                     before={"state": state_before, "repayment": rep.id,
                             "voucher": rep.txn.voucher_number},
                     after={"state": state_after, "reversal": posted.voucher_number,
                            "reason": reason, "put_back": put_back,
                            "remaining": remaining,
                            "approved_by": approver.username if approver else None})
    return ReversalReceipt(rep.id, posted.txn_id, posted.voucher_number or "", state_after,
                           remaining)


def _check_reverser(ctx: Context, rep: Repayment, day: date,
                    approver: Context | None) -> None:
    if rep.business_date == day:
        if not ctx.can("ledger.post"):
            raise PermissionDenied(_("On the day of the repayment, the cashier reverses it "
                                     "with the manager's approval."))
        if approver is None or not approver.can("repayment.reverse_approve"):
            raise PermissionDenied(_("The manager's approval is required to reverse a "
                                     "repayment."))
        if approver.user_id == ctx.user_id:
            raise PermissionDenied(_("Another person approves the reversal "
                                     "(maker-checker)."))
        return
    if not ctx.can("ledger.reverse"):
        raise PermissionDenied(_("After the day of the repayment, the accountant "
                                 "reverses it."))


@dataclass(frozen=True)
class LoanChoice:
    loan_id: int
    number: str
    currency: str
    state: str
    holder: str


@requires("loan.read")
def member_loans(ctx: Context, member_id: int) -> list[LoanChoice]:
    """The member's loans a repayment can be made on, oldest first."""
    return [LoanChoice(loan.id, loan.number, loan.currency, loan.state,
                       members.display_name(loan.member))
            for loan in Loan.select().where(
                (Loan.member == member_id) & (Loan.branch == ctx.branch_id)
                & Loan.state.in_(REPAYABLE_STATES)).order_by(Loan.id)]


@requires("loan.read")
def find_loans(ctx: Context, text: str) -> list[LoanChoice]:
    """The loans `text` names: a loan number (its account's), or the number of one of
    the member's accounts or of the member, giving the member's outstanding loans."""
    key = text.strip().upper()
    if not key:
        raise ValidationError({"loan": _("Type a loan, account or member number.")})
    loan = Loan.get_or_none((Loan.number == key) & (Loan.branch == ctx.branch_id))
    if loan is not None:
        return [LoanChoice(loan.id, loan.number, loan.currency, loan.state,
                           members.display_name(loan.member))]
    acc = Account.get_or_none((Account.number == key) & (Account.branch == ctx.branch_id))
    member_id = acc.member_id if acc is not None else None
    if member_id is None:
        m = Member.get_or_none((Member.number == key) & (Member.branch == ctx.branch_id))
        member_id = m.id if m is not None else None
    if member_id is None:
        raise NotFound(_("No loan, account or member {number}.").format(number=text.strip()))
    found = member_loans(ctx, member_id)
    if not found:
        raise NotFound(_("{number}: the member has no loan to repay.").format(
            number=text.strip()))
    return found


@dataclass(frozen=True)
class SourceAccount:
    id: int
    number: str
    name: str
    available: int


@requires("loan.read")
def source_accounts(ctx: Context, loan_id: int) -> list[SourceAccount]:
    """The borrower's savings accounts a repayment may be taken from (the loan's
    currency, open), the loan's linked account first, with what is available."""
    loan = _loan(ctx, loan_id)
    rows = Account.select().where(
        (Account.member == loan.member_id) & (Account.kind == "savings")
        & (Account.currency == loan.currency) & (Account.status == "active"))
    out = [SourceAccount(a.id, a.number, a.name, savings_balances.available_balance(a.id))
           for a in rows]
    out.sort(key=lambda a: (a.id != loan.linked_account_id, a.id))
    return out


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
