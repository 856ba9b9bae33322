"""Write-off (passage en perte) and recoveries after it (#9), with two keys (#21).

Two keys: the gérant or the loan officer proposes (`propose`, `loan.write_off_propose`)
with a reason; someone else decides (`decide`): a gérant (`loan.write_off`) up to his
delegation limit (`loan_delegation_limit`, the outstanding principal in the loan's
currency), never the proposer and never the gérant who approved the loan (the approver
does not judge the loss on his own decision); the board at any amount, its decision
recorded by an administrator (`loan.board`) with its minutes' reference and date
(`record_board_decision`), and only the board above the limit or when no other gérant
may decide. The decision approved posts the write-off below; each step is audited.

What can be written off: only a loan in
arrears: outstanding (disbursed, active or in arrears) with an instalment unpaid past its
due date on the open business day, computed live from the instalments (the closing may
not have aged it yet; an active loan found late is moved to in arrears first, both steps
recorded). The institution may ask for a minimum age (`loan_write_off_min_days`, 0 by
default; the BCEAO profile's "over 24 months" is the regulator's expectation, not a lock).

The ledger, through the regulator profile's GL keys (never a hard-coded number): one OD
transaction crediting the loan account (GL loans_outstanding) with the outstanding
principal, debiting the loan-loss provisions (GL loan_loss_provisions) with the provision
the closing booked for the loan (`loan.provision`, at most what that account holds) and
the loss (GL write_off_expense) with the rest; the principal is credited where it sits
(the loan's own account or its class account, `loan_ledger`). The interest accrued and
unpaid is reversed in the same OD (#20): its receivable credited, what the closing
reserved debited to the reserve, what it had taken to income debited back to income, so
no receivable outlives the loan. Fees and penalties were never booked before they were
paid; like the unpaid interest they stay on the instalments as the member's debt, off
the books.
The loan becomes `written_off` with its day, amount and reason; the guarantees and
collateral holds stay in place (they may serve the recovery).

A recovery is cash brought to the till for a written-off loan: debit the till, credit
the recoveries income (GL recoveries_income), a BR voucher, a `repayment` row of kind
"recovery" (no instalment is touched: the claim left the books). Recoveries are limited to
what was written off with the interest, fees and penalties left unpaid, as the profile
says (`recoverable`, #20).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import (
    Account,
    Loan,
    LoanInstallment,
    LoanWriteOff,
    Repayment,
    User,
    Voucher,
)
from mifin_tui.db.queries import loan_ledger as loan_queries
from mifin_tui.i18n import _, current_language
from mifin_tui.services.cash import tills, vouchers
from mifin_tui.services.kernel import accounts, audit, clock, ledger, settings
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
from mifin_tui.services.loans import products as loan_products
from mifin_tui.services.loans import states
from mifin_tui.services.loans.arrears import loan_state
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.lifecycle import business_today, get_loan, move
from mifin_tui.services.loans.risk import classification, loan_ledger

__all__ = ["RecoveryReceipt", "WriteOffPreview", "WriteOffProposal", "WriteOffResult",
           "decide", "pending", "pending_for_board", "preview", "propose",
           "record_board_decision", "recover", "recovered"]


@dataclass(frozen=True)
class WriteOffPreview:
    loan_id: int
    number: str
    currency: str
    state: str
    days_past_due: int
    principal: int          # credited to the loan account
    provision_used: int     # debited to the loan-loss provisions
    loss: int               # debited to the write-off expense
    unpaid_other: int       # interest, fees, penalties due, left off the books
    accrued: int = 0        # interest accrued and unpaid: its receivable credited
    reserved: int = 0       # ... of which reserved (debited), the rest debited to income


@dataclass(frozen=True)
class WriteOffResult:
    txn_id: int
    voucher_number: str
    preview: WriteOffPreview


@dataclass(frozen=True)
class RecoveryReceipt:
    txn_id: int
    voucher_number: str
    amount: int
    recovered: int          # all recoveries so far, this one included
    left: int               # written off and not yet recovered
    doc: VoucherDoc


def _min_days() -> int:
    return int(settings.get("loan_write_off_min_days"))


def _provision_account(loan: Loan) -> Account:
    return accounts.internal_account(loan.branch_id, "loan_loss_provisions", loan.currency)


def _preview(ctx: Context, loan: Loan) -> WriteOffPreview:
    if loan.state not in states.SERVICED:
        raise Conflict(_("Loan {number} is not outstanding: nothing to write off.").format(
            number=loan.number))
    day = business_today(ctx)
    state = loan_state(loan)
    dpd = classification.days_past_due(state, day, classification.penalties_age_loans())
    minimum = max(_min_days(), 1)
    if dpd < minimum:
        raise Conflict(_("Loan {number} is {days} days past due: only a loan at least "
                         "{minimum} days in arrears can be written off.").format(
            number=loan.number, days=dpd, minimum=minimum))
    left = engine.outstanding(state)
    principal = left.principal
    provision_acc = Account.get_or_none(
        (Account.branch == loan.branch_id) & (Account.currency == loan.currency)
        & (Account.kind == "internal")
        & (Account.gl_account == accounts.gl_by_key("loan_loss_provisions").id))
    booked = provision_acc.balance if provision_acc is not None else 0
    used = max(min(loan.provision, principal, booked), 0)
    due = engine.amount_due(state, day)
    accrued = loan_queries.open_receivable([loan.id]).get(loan.id, 0)
    reserved = loan_ledger.positions([loan.id])[loan.id].reserved_balance
    return WriteOffPreview(loan.id, loan.number, loan.currency, loan.state, dpd, principal,
                           used, principal - used, due.interest + due.fees + due.penalties,
                           accrued, reserved)


@requires("loan.write_off_propose")
def preview(ctx: Context, loan_id: int) -> WriteOffPreview:
    """What a write-off today would post; nothing written. Conflict when refused."""
    return _preview(ctx, get_loan(loan_id, ctx))


@dataclass(frozen=True)
class WriteOffProposal:
    id: int
    loan_id: int
    number: str
    currency: str
    principal: int          # the outstanding principal when proposed
    reason: str
    proposed_by: str
    proposed_at: str
    state: str
    above_limit: bool       # above the gérant's delegation limit: the board decides


def _user(user_id: int | None) -> str:
    u = User.get_or_none(User.id == user_id) if user_id else None
    return f"{u.full_name} ({u.username})" if u else ""


def _above_limit(currency: str, principal: int) -> bool:
    from mifin_tui.services.loans.decision import delegation_limit

    limit = delegation_limit(currency)
    return limit is None or principal > limit


def _proposal_view(w: LoanWriteOff) -> WriteOffProposal:
    loan = Loan.get_by_id(w.loan_id)
    return WriteOffProposal(w.id, loan.id, loan.number, loan.currency, w.principal, w.reason,
                            _user(w.proposed_by_id), w.proposed_at.isoformat(timespec="minutes"),
                            w.state, _above_limit(loan.currency, w.principal))


@requires("loan.write_off_propose")
def propose(ctx: Context, loan_id: int, reason: str) -> WriteOffProposal:
    """The first key: a write-off proposed with its reason; it waits for the decision."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the write-off.")})
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        p = _preview(ctx, loan)
        if p.principal == 0:
            raise Conflict(_("Loan {number} has no principal left to write off.").format(
                number=loan.number))
        if LoanWriteOff.select().where((LoanWriteOff.loan == loan.id)
                                       & (LoanWriteOff.state == "pending")).exists():
            raise Conflict(_("A write-off of loan {number} is already waiting for its "
                             "decision.").format(number=loan.number))
        w = LoanWriteOff.create(loan=loan.id, state="pending", reason=reason.strip()[:250],
                                principal=p.principal, proposed_by=ctx.user_id,
                                proposed_at=clock.now(), business_date=business_today(ctx))
        audit.record(ctx, "loan.write_off_proposed", "loan", loan.number,
                     after={"proposal": w.id, "principal": p.principal,
                            "days_past_due": p.days_past_due, "reason": w.reason})
        return _proposal_view(w)


def _pending(ctx: Context) -> list[WriteOffProposal]:
    return [_proposal_view(w) for w in LoanWriteOff.select().join(Loan).where(
        (LoanWriteOff.state == "pending") & (Loan.branch == ctx.branch_id)).order_by(
        LoanWriteOff.id)]


@requires("loan.write_off")
def pending(ctx: Context) -> list[WriteOffProposal]:
    """The proposals waiting for a gérant's decision (the board's too: he sees them)."""
    return _pending(ctx)


@requires("loan.board")
def pending_for_board(ctx: Context) -> list[WriteOffProposal]:
    """The proposals an administrator may record the board's decision on."""
    return _pending(ctx)


def _pending_proposal(ctx: Context, proposal_id: int) -> tuple[LoanWriteOff, Loan]:
    w = LoanWriteOff.get_or_none(LoanWriteOff.id == proposal_id)
    if w is None:
        raise NotFound(_("No such write-off proposal."))
    loan = get_loan(w.loan_id, ctx)
    if w.state != "pending":
        raise Conflict(_("This write-off proposal was already decided."))
    if w.proposed_by_id == ctx.user_id:
        raise PermissionDenied(_("You proposed this write-off: another person must decide "
                                 "on it."))
    return w, loan


def _close(ctx: Context, w: LoanWriteOff, loan: Loan, approve: bool, note: str,
           board_reference: str = "", board_date: date | None = None) -> WriteOffResult | None:
    result = None
    if approve:
        result = _post(ctx, loan, w.reason, proposed_by=w.proposed_by_id,
                       board_reference=board_reference)
    elif not note.strip():
        raise ValidationError({"note": _("Say why the write-off is refused.")})
    LoanWriteOff.update(
        state="approved" if approve else "rejected", decided_by=ctx.user_id,
        decided_at=clock.now(), decision_note=note.strip()[:250],
        board_reference=board_reference, board_date=board_date,
        txn=result.txn_id if result else None).where(LoanWriteOff.id == w.id).execute()
    audit.record(ctx, "loan.write_off_" + ("approved" if approve else "rejected"), "loan",
                 loan.number, before={"proposal": w.id, "state": "pending"},
                 after={"state": "approved" if approve else "rejected",
                        "proposed_by": _user(w.proposed_by_id), "note": note.strip(),
                        "board_reference": board_reference,
                        "board_date": board_date.isoformat() if board_date else None,
                        "voucher": result.voucher_number if result else None})
    return result


@requires("loan.write_off")
def decide(ctx: Context, proposal_id: int, approve: bool, note: str = ""
           ) -> WriteOffResult | None:
    """The second key, a gérant's: approved, the write-off is posted (its result
    returned); refused (a note required), the loan stays as it is."""
    with write_transaction():
        w, loan = _pending_proposal(ctx, proposal_id)
        if loan.decided_by_id == ctx.user_id:
            raise PermissionDenied(_("You approved loan {number}: another gérant or the "
                                     "board decides on its write-off.").format(
                number=loan.number))
        if approve:
            p = _preview(ctx, loan)
            if _above_limit(loan.currency, p.principal):
                raise PermissionDenied(_(
                    "{amount} is above your delegation limit: the board decides, its "
                    "decision recorded by an administrator.").format(
                    amount=format_amount(p.principal, loan.currency, current_language())))
        return _close(ctx, w, loan, approve, note)


@requires("loan.board")
def record_board_decision(ctx: Context, proposal_id: int, approve: bool, reference: str,
                          board_date: date, note: str = "") -> WriteOffResult | None:
    """The board's decision on a proposed write-off (any amount, and the only one above
    the gérant's limit), recorded by an administrator with its minutes' reference."""
    errors: dict[str, str] = {}
    if not reference.strip():
        errors["reference"] = _("Give the reference of the board's minutes.")
    if board_date is None:
        errors["board_date"] = _("Give the date of the board's meeting.")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        w, loan = _pending_proposal(ctx, proposal_id)
        if board_date > business_today(ctx):
            raise ValidationError({"board_date": _("The board's meeting cannot be in the "
                                                   "future.")})
        return _close(ctx, w, loan, approve, note, reference.strip()[:120], board_date)


def _post(ctx: Context, loan: Loan, reason: str, *, proposed_by: int,
          board_reference: str = "") -> WriteOffResult:
    """Write the loan off on the open business day (see the module's text); inside the
    decision's transaction."""
    p = _preview(ctx, loan)
    held = loan_ledger.positions([loan.id])[loan.id]
    lines = _principal_lines(loan, held, p.principal) + _interest_lines(loan, held, p)
    if p.provision_used:
        lines.append(ledger.Line(_provision_account(loan).id, debit=p.provision_used))
    if p.loss:
        lines.append(ledger.Line(accounts.internal_account(
            loan.branch_id, "write_off_expense", loan.currency).id, debit=p.loss))
    label = _("Write-off of loan {number}").format(number=loan.number)
    if p.principal == 0:
        raise Conflict(_("Loan {number} has no principal left to write off.").format(
            number=loan.number))
    posted = ledger.post(ctx, kind="loan_write_off", label=label, lines=lines,
                         voucher_series="OD")
    if posted.voucher_number is None:
        raise MifinError("voucher number missing")
    # the receivable left the books: no instalment holds accrued interest any more
    LoanInstallment.update(interest_accrued=LoanInstallment.interest_paid).where(
        (LoanInstallment.loan == loan.id)
        & (LoanInstallment.interest_accrued > LoanInstallment.interest_paid)).execute()
    if loan.state == "disbursed":
        loan = move(ctx, loan, "active", _("Arrears found at the write-off"))
    if loan.state == "active":
        loan = move(ctx, loan, "in_arrears", _("Arrears found at the write-off"))
    move(ctx, loan, "written_off", reason.strip(), written_off_on=posted.business_date,
         written_off_amount=p.principal, write_off_reason=reason.strip()[:250],
         provision=0, days_past_due=p.days_past_due)
    audit.record(ctx, "loan.write_off", "loan", loan.number,
                 before={"state": p.state, "days_past_due": p.days_past_due},
                 after={"voucher": posted.voucher_number, "principal": p.principal,
                        "provision_used": p.provision_used, "loss": p.loss,
                        "accrued_reversed": p.accrued, "reserved_reversed": p.reserved,
                        "unpaid_other": p.unpaid_other, "reason": reason.strip(),
                        "proposed_by": _user(proposed_by),
                        "board_reference": board_reference})
    return WriteOffResult(posted.txn_id, posted.voucher_number, p)


def _owed_at_write_off(loan: Loan) -> dict[str, int]:
    """What the member still owed when the loan was written off, per part: the principal
    written off and, as the profile says (`recovery_covers`), the interest, fees and
    penalties left unpaid on the instalments due that day."""
    covers = classification.profile().recovery_covers
    due = engine.amount_due(loan_state(loan), loan.written_off_on)
    return {"principal": loan.written_off_amount,
            **{p: getattr(due, p) if p in covers else 0
               for p in ("interest", "fees", "penalties")}}


def recoverable(loan: Loan) -> int:
    """What recoveries on a written-off loan may bring in, in all (#20): what was owed
    at the write-off (the member's debt stays whole; the write-off only took the claim
    off the books). All of it is income (recoveries) when it comes in."""
    return sum(_owed_at_write_off(loan).values())


def recovery_split(loan: Loan, value: int) -> dict[str, int]:
    """A recovery's parts (#20): the principal written off first, then the interest,
    fees and penalties of `recoverable`, in that order, net of the recoveries before."""
    owed = _owed_at_write_off(loan)
    for r in Repayment.select().where((Repayment.loan == loan.id)
                                      & (Repayment.kind == "recovery")
                                      & Repayment.reversal_txn.is_null()):
        for part in owed:
            owed[part] -= getattr(r, part)
    out = {}
    for part in ("principal", "interest", "fees", "penalties"):
        out[part] = min(value, max(owed[part], 0))
        value -= out[part]
    out["principal"] += value  # nothing is left over when the amount was checked
    return out


def _principal_lines(loan: Loan, position: loan_ledger.Position,
                     principal: int) -> list[ledger.Line]:
    """The principal credited where it sits (the loan's own account or the class account
    the closing moved it to: `loan_ledger`), the largest balance first."""
    lines, left = [], principal
    held = sorted(position.principal_accounts, key=lambda a: -a[1])
    for acc, balance in held:
        part = min(left, balance)
        if part > 0:
            lines.append(ledger.Line(acc, credit=part))
            left -= part
    if left:  # the ledger holds less than the schedule: the loan's own account
        lines.append(ledger.Line(held[0][0] if held else loan.account_id, credit=left))
    return lines


def _interest_lines(loan: Loan, position: loan_ledger.Position,
                    p: WriteOffPreview) -> list[ledger.Line]:
    """The accrued interest reversed: its receivable credited; what was reserved debited
    to the reserve, what had been taken to income debited back to income."""
    if not p.accrued and not p.reserved:
        return []
    product = loan_products.get(loan.product_id)
    lines = []
    if p.accrued:
        lines.append(ledger.Line(accounts.internal_account(
            loan.branch_id, product.gl_interest_receivable, loan.currency).id,
            credit=p.accrued))
    if p.reserved:
        lines.append(ledger.Line(position.reserved[0], debit=p.reserved))
    income = accounts.internal_account(loan.branch_id, product.gl_interest, loan.currency).id
    if p.accrued > p.reserved:
        lines.append(ledger.Line(income, debit=p.accrued - p.reserved))
    elif p.reserved > p.accrued:
        lines.append(ledger.Line(income, credit=p.reserved - p.accrued))
    return lines


def _recovered(loan_id: int) -> int:
    return sum(r.amount for r in Repayment.select().where(
        (Repayment.loan == loan_id) & (Repayment.kind == "recovery")
        & Repayment.reversal_txn.is_null()))


@requires("loan.read")
def recovered(ctx: Context, loan_id: int) -> tuple[int, int]:
    """(recovered so far, written off and not yet recovered) of a written-off loan."""
    loan = get_loan(loan_id, ctx)
    done = _recovered(loan.id)
    return done, max(recoverable(loan) - done, 0)


@requires("ledger.post")
def recover(ctx: Context, loan_id: int, amount: int | str, *, party_name: str,
            purpose: str = "") -> RecoveryReceipt:
    """Cash recovered on a written-off loan, at the till, with a BR voucher."""
    errors: dict[str, str] = {}
    if not party_name.strip():
        errors["party_name"] = _("Who brings the cash? Required.")
    loan = get_loan(loan_id, ctx)
    try:
        value = positive_amount(amount, loan.currency)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        loan = get_loan(loan_id, ctx)
        if loan.state != "written_off":
            raise Conflict(_("Loan {number} is not written off: take a repayment "
                             "instead.").format(number=loan.number))
        done = _recovered(loan.id)
        left = recoverable(loan) - done
        if value > left:
            raise ValidationError({"amount": _(
                "Only {left} of loan {number} remains to recover.").format(
                left=format_amount(max(left, 0), loan.currency, current_language()),
                number=loan.number)})
        session = tills.require_session(ctx, loan.currency)
        cash_acc = tills.cash_account(session.till, loan.currency)
        income = accounts.internal_account(loan.branch_id, "recoveries_income", loan.currency)
        label = purpose.strip() or _("Recovery on written-off loan {number}").format(
            number=loan.number)
        posted = ledger.post(ctx, kind="loan_recovery", label=label,
                             lines=[ledger.Line(cash_acc.id, debit=value),
                                    ledger.Line(income.id, credit=value)],
                             voucher_series="BR")
        if posted.voucher_number is None:
            raise MifinError("voucher number missing")
        Voucher.create(txn=posted.txn_id, number=posted.voucher_number, series="BR",
                       direction="in", till=session.till_id, session=session.id,
                       client_account=loan.account_id, currency=loan.currency,
                       amount=value, party_name=party_name.strip(), purpose=label)
        Repayment.create(loan=loan.id, txn=posted.txn_id, business_date=session.business_date,
                         channel="cash", kind="recovery", amount=value,
                         **recovery_split(loan, value), balance_after=left - value,
                         created_by=ctx.user_id)
        audit.record(ctx, "loan.recovery", "loan", loan.number,
                     before={"recovered": done},
                     after={"voucher": posted.voucher_number, "amount": value,
                            "recovered": done + value, "left": left - value})
        doc = vouchers.build(posted.txn_id)
    return RecoveryReceipt(posted.txn_id, posted.voucher_number, value, done + value,
                           left - value, doc)


def currency_of(loan_id: int) -> str:
    """The currency of a loan (for the amount field of the recovery screen)."""
    return Loan.get_by_id(loan_id).currency
