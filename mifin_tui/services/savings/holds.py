"""Holds: part of an account's balance blocked for a reason (loan collateral, court
order...).

Who releases (#21): a loan's hold (process "loan:<number>") is released by the loan's own
process (its closing, `release_within`) while the loan is under way; once the loan is over
(closed, written off, cancelled) the gérant may release what remains. A hold placed at the
gérant's screen (a court order, a dispute) is released there by the gérant. Every release
outside a loan's process gives its reason (the court's lifting order, ...), recorded on
the hold and in the audit.
"""

from __future__ import annotations

from dataclasses import dataclass

from mifin_tui.db import write_transaction
from mifin_tui.db.connection import in_transaction as write_transaction_open
from mifin_tui.db.models import Account, AccountHold, User
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mifin_tui.services.kernel.money import positive_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.savings.balances import (
    account_info,
    money_text,
    raw_available,
    savings_account,
)

HOLD_REASONS: dict[str, str] = {
    "collateral": N_("Loan collateral"),
    "court_order": N_("Court order"),
    "dispute": N_("Dispute"),
    "other": N_("Other"),
}


@dataclass(frozen=True)
class HoldView:
    id: int
    account_id: int
    amount: int
    currency: str
    reason: str
    note: str
    process: str
    status: str
    created_by: str
    created_at: str
    release_reason: str = ""


def _hold_view(h: AccountHold) -> HoldView:
    acc = Account.get_by_id(h.account_id)
    return HoldView(h.id, acc.id, h.amount, acc.currency, h.reason, h.note, h.process,
                    h.status, User.get_by_id(h.created_by_id).full_name,
                    h.created_at.isoformat(timespec="minutes"), h.release_reason)


def hold_within(ctx: Context, account_id: int, amount: int, reason: str, process: str,
                note: str = "") -> HoldView:
    """Block part of the available balance inside the caller's write transaction: for
    another gated service (a loan's collateral at disbursement). `process` names who may
    release it (e.g. "loan:KIN-30-0000042-17")."""
    if not write_transaction_open():
        raise RuntimeError("hold_within runs inside the calling operation's transaction")
    positive_amount(amount)
    errors: dict[str, str] = {}
    if reason not in HOLD_REASONS:
        errors["reason"] = _("Choose a reason.")
    if not process.strip():
        errors["process"] = _("Required.")
    if errors:
        raise ValidationError(errors)
    acc = savings_account(account_id, ctx.branch_id)
    if acc.status != "active":
        raise ValidationError({"account": _("Account {number} is closed.").format(
            number=acc.number)})
    available = raw_available(acc, account_info(acc)[1])
    if amount > available:
        raise ValidationError({"amount": _("Only {available} is available to block.")
                               .format(available=money_text(max(0, available), acc.currency))})
    h = AccountHold.create(account=acc.id, amount=amount, reason=reason, note=note.strip(),
                           process=process.strip(), created_by=ctx.user_id,
                           created_at=clock.now())
    audit.record(ctx, "hold.place", "account_hold", h.uid,
                 after={"account": acc.number, "amount": amount, "reason": reason,
                        "process": h.process, "note": h.note})
    return _hold_view(h)


def _active_hold(hold_id: int) -> AccountHold:
    h = AccountHold.get_or_none(AccountHold.id == hold_id)
    if h is None:
        raise NotFound(_("No such hold."))
    if h.status != "active":
        raise Conflict(_("This hold was already released."))
    return h


def _release(ctx: Context, h: AccountHold, process: str, reason: str) -> HoldView:
    AccountHold.update(status="released", released_by=ctx.user_id, released_at=clock.now(),
                       release_reason=reason[:250]).where(AccountHold.id == h.id).execute()
    audit.record(ctx, "hold.release", "account_hold", h.uid,
                 before={"status": "active", "amount": h.amount, "reason": h.reason,
                         "process": h.process},
                 after={"status": "released", "by": process, "reason": reason})
    return _hold_view(AccountHold.get_by_id(h.id))


def release_within(ctx: Context, hold_id: int, process: str) -> HoldView:
    """Release a hold inside the caller's write transaction; only the process that placed
    it may (a loan's collateral is freed by the loan at its closing)."""
    if not write_transaction_open():
        raise RuntimeError("release_within runs inside the calling operation's transaction")
    h = _active_hold(hold_id)
    if h.process != process:
        raise PermissionDenied(_("This hold was placed by {process}; only it can release "
                                 "it.").format(process=h.process))
    return _release(ctx, h, process, _("released by {process}").format(process=process))


# A loan in these states no longer needs its collateral.
_LOAN_OVER = ("closed", "written_off", "cancelled", "rejected")


@requires("account.hold")
def place_hold(ctx: Context, account_id: int, amount: int, reason: str, *, note: str = ""
               ) -> HoldView:
    """Block part of the available balance (the gérant's holds screen: process "manual")."""
    with write_transaction():
        return hold_within(ctx, account_id, amount, reason, "manual", note)


@requires("account.hold")
def release_hold(ctx: Context, hold_id: int, reason: str) -> HoldView:
    """The gérant releases a hold, with its reason; a loan's hold only once the loan is
    over (before that, the loan's own closing releases it)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the release (e.g. the "
                                           "court's lifting order).")})
    with write_transaction():
        h = _active_hold(hold_id)
        savings_account(h.account_id, ctx.branch_id)
        if h.process.startswith("loan:"):
            from mifin_tui.db.models import Loan

            loan = Loan.get_or_none(Loan.number == h.process.removeprefix("loan:"))
            if loan is not None and loan.state not in _LOAN_OVER:
                raise PermissionDenied(_(
                    "This hold secures loan {number}, still under way: the loan's closing "
                    "releases it.").format(number=loan.number))
        return _release(ctx, h, "manager", reason.strip())


@requires("account.read")
def list_holds(ctx: Context, account_id: int, *, active_only: bool = True) -> list[HoldView]:
    query = AccountHold.select().where(AccountHold.account == account_id).order_by(
        AccountHold.id)
    if active_only:
        query = query.where(AccountHold.status == "active")
    return [_hold_view(h) for h in query]
