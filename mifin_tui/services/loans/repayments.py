"""Loan repayments (#9): what is due, the allocation preview, and the repayment itself
with its BR voucher, whatever the channel.

The split comes from the pure engine (`engine.allocation`) over the `loan_installment`
rows, the BR's lines from the repayments' planner (`repayment_plan`); the posting credits
the loan account (principal) and the income accounts (interest, penalties, fees) against
what the money came from, in one BR transaction: the till's cash (cash), the member's
savings account (savings), or the clearing account of the channel (mobile money operator
float, bank). The split is kept in a `repayment` row and per instalment in
`repayment_allocation`, so the BR rebuilt from the books prints it the same way and a
reversal puts back exactly what was paid.

`repay` is the one entry point of the counter and the payment import; `repay_within`
is the same inside the caller's write transaction (the payment import). The rows are
written by the one writer of repayments (`repayment_writer`), which the closing's
automatic debit (`closing.debit`) shares; the reversal is `repayment_reversal`'s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    Loan,
    LoanInstallment,
    Member,
    Repayment,
    SavingsAccount,
    TillSession,
)
from mifin_tui.i18n import _, current_language
from mifin_tui.services.cash import tills, vouchers
from mifin_tui.services.kernel import accounts, audit, business_day, ledger
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.documents import Remaining, VoucherDoc
from mifin_tui.services.kernel.errors import (
    NotFound,
    ValidationError,
)
from mifin_tui.services.kernel.money import format_amount, positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans import lifecycle, states
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import repayment_writer as writer
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.repayment_reversal import (  # the names callers know
    RepaymentLine as RepaymentLine,
)
from mifin_tui.services.loans.repayment_reversal import (
    ReversalReceipt as ReversalReceipt,
)
from mifin_tui.services.loans.repayment_reversal import loan_repayments as loan_repayments
from mifin_tui.services.loans.repayment_reversal import reverse as reverse
from mifin_tui.services.loans.risk import classification, loan_ledger
from mifin_tui.services.loans.states import SERVICED
from mifin_tui.services.members import register as members
from mifin_tui.services.savings import balances as savings_balances

# What the money comes from. auto_debit is the closing's (one per loan and day).
# suspense: money received earlier and held in "paiements reçus à affecter", applied now
CHANNELS = ("cash", "savings", "mobile_money", "bank", "auto_debit", "suspense")
COUNTER_CHANNELS = ("cash", "savings", "mobile_money", "bank")
# The operator's or the bank's reference identifies the payment: posted once only.
REFERENCE_REQUIRED = ("mobile_money", "bank", "suspense")
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
    after: Remaining | None = None  # the loan's three remaining figures after it


@dataclass(frozen=True)
class RepaymentReceipt:
    txn_id: int
    voucher_number: str
    loan_state: str
    applied: engine.Components
    remaining: int
    doc: VoucherDoc
    repayment_id: int = 0


_loan = writer.loan_of


def _state(loan: Loan) -> engine.LoanState:
    return writer.schedule_of_loan(loan).state


def _policy(loan: Loan) -> engine.AllocationPolicy:
    return loan_products.allocation_policy(loan_products.get(loan.product_id))


def _money(amount: int, currency: str) -> str:
    return format_amount(amount, currency, current_language())


def _require_repayable(loan: Loan) -> None:
    if loan.state not in SERVICED:
        raise ValidationError({"loan": _("Loan {number} is {state}: no repayment.").format(
            number=loan.number, state=states.state_label(loan.state).lower())})


@requires("loan.read")
def due(ctx: Context, loan_id: int, day: date | None = None) -> Due:
    """What is due on `day` (default: the open business day) and how it splits."""
    loan = _loan(ctx, loan_id)
    day = day or lifecycle.business_today(ctx)
    state = _state(loan)
    return Due(loan.id, loan.number, loan.currency, day, loan.state,
               engine.amount_due(state, day), engine.overdue(state, day),
               classification.days_past_due(state, day,
                                            classification.penalties_age_loans()),
               engine.outstanding(state).total,
               engine.payoff(state, day).total)


def _allocate(loan: Loan, amount: int, day: date, *, payoff: bool = False,
              state: engine.LoanState | None = None) -> engine.Allocation:
    """The engine's split of `amount` on `day` by the product's policy. `payoff`: the
    loan repaid in full early, `amount` exactly the payoff of the day (future interest
    not charged), whatever the product does with an excess."""
    state = state or _state(loan)
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
    day = day or lifecycle.business_today(ctx)
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
    day = lifecycle.business_today(ctx)
    on = _value_date(loan, value_date, day)
    alloc = _allocate(loan, value, on, payoff=payoff)
    after = engine.remaining(alloc.state, on, alloc.principal_prepaid)
    remaining = engine.outstanding(alloc.state).total
    if alloc.principal_prepaid:
        remaining = writer.rescheduled_outstanding(loan, alloc, on)
        after = dataclasses.replace(after, total_due=remaining)
    return RepaymentPreview(loan.id, loan.number, loan.currency, value, alloc.lines,
                            alloc.applied, remaining, alloc.principal_prepaid, after)


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
                                      day=format_date(used.business_date),
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
            number=loan.number, day=format_date(loan.disbursed_on))})
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
    pairs summing to `value`, one for the savings channel; the first is the row's source
    account. The rows are those of the one repayment writer (`repayment_writer`), which
    the closing's automatic debit shares."""
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
    sched = writer.schedule_of_loan(loan)
    alloc = _allocate(loan, value, on, payoff=payoff, state=sched.state)
    if alloc.principal_prepaid:
        writer.check_reschedulable(loan, on)
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
        clearing = accounts.internal_account(ctx.branch_id, accounts.CLEARING_GL[channel],
                                             loan.currency)
        debits.append(ledger.Line(clearing.id, debit=value))
    if till_id is None:
        # A BR is printed for every repayment; one made away from a till (a transfer, an
        # operator's payment, the closing) names the cashier's till if open, else the vault.
        mine = TillSession.get_or_none((TillSession.cashier == ctx.user_id)
                                       & (TillSession.status == "open"))
        till_id = mine.till_id if mine is not None else tills.vault_of(ctx.branch_id).id
    keys = writer.gl_keys(loan_products.get(loan.product_id))
    lines = debits + writer.credit_lines(
        alloc, sched, loan_ledger.principal_account(loan.id), keys,
        lambda key: accounts.internal_account(ctx.branch_id, key, loan.currency).id)
    label = purpose.strip() or _("Repayment of loan {number}").format(number=loan.number)
    if reference:
        label = f"{label} ({reference})"
    before = _paid_of(loan.id, [line.no for line in alloc.lines])
    state_before = loan.state
    item = writer.Planned(
        loan.id, loan.state, loan.account_id, loan.currency, sched, alloc, lines, value,
        label[:250], channel, reference, sources[0][0] if sources else None,
        party_name.strip() or holder(loan.id), till_id, session_id)
    written = writer.write_within(ctx, [item])[0]
    voucher = written.posted.voucher_number or ""
    balance_after = item.balance_after
    if alloc.principal_prepaid:
        writer.reschedule_within(ctx, loan, written.repayment_id, alloc, on)
        balance_after = engine.outstanding(_state(loan)).total
        Repayment.update(balance_after=balance_after).where(
            Repayment.id == written.repayment_id).execute()
    writer.move_states_within(ctx, loan.id, state_before, balance_after, voucher)
    state_after = Loan.get_by_id(loan.id).state
    parts = alloc.applied
    audit.record(ctx, "loan.repay", "loan", loan.number,
                 before={"state": state_before, "paid": before},
                 after={"state": state_after, "voucher": voucher,
                        "channel": channel, "reference": reference,
                        "source_account": item.source_account_id,
                        "value_date": on.isoformat(),
                        "amount": value, "principal": parts.principal
                        + alloc.principal_prepaid,
                        "principal_prepaid": alloc.principal_prepaid,
                        "interest": parts.interest, "fees": parts.fees,
                        "penalties": parts.penalties, "remaining": balance_after,
                        "paid": _paid_of(loan.id, [line.no for line in alloc.lines])})
    doc = vouchers.build(written.posted.txn_id)
    return RepaymentReceipt(written.posted.txn_id, voucher, state_after, parts,
                            balance_after, doc, written.repayment_id)


def _business_day(ctx: Context) -> date:
    """The open business day the repayment is booked on (refused when none is open)."""
    return business_day.require_open(ctx.branch_id)


def _paid_of(loan_id: int, nos: Sequence[int]) -> dict[int, dict[str, int]]:
    """What is paid of these instalments, in one query (for the audit row)."""
    return {r.no: {"principal": r.principal_paid, "interest": r.interest_paid,
                   "fees": r.fees_paid, "penalties": r.penalties_paid}
            for r in LoanInstallment.select().where((LoanInstallment.loan == loan_id)
                                                    & LoanInstallment.no.in_(list(nos)))}


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
                & Loan.state.in_(SERVICED)).order_by(Loan.id)]


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
