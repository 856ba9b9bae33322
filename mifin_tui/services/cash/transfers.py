"""Cash between the vault and a till: approvisionnement (vault -> till) and
dégagement (till -> vault). Above the approval limit a request waits for the
gérant, who may not approve his own request; the cash moves at approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Till, TransferRequest, User, Voucher
from mifin_tui.i18n import _, current_language
from mifin_tui.services.cash import tills, vouchers
from mifin_tui.services.kernel import audit, business_day, clock, ledger, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import VoucherDoc
from mifin_tui.services.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mifin_tui.services.kernel.money import format_amount, positive_amount
from mifin_tui.services.kernel.permissions import requires

SUPPLY = "supply"  # vault -> till
RETURN = "return"  # till -> vault


@dataclass(frozen=True)
class TransferView:
    id: int
    direction: str
    from_till: str
    to_till: str
    currency: str
    amount: int
    reason: str
    status: str
    requested_by: str
    business_date: date
    voucher_number: str | None
    doc: VoucherDoc | None = None


def approval_limit(currency: str) -> int | None:
    # A currency the setting does not name waits too: dual control by default.
    return settings.get("transfer_approval_limit").get(currency, 0)


def _view(r: TransferRequest, doc: VoucherDoc | None = None) -> TransferView:
    frm, to = Till.get_by_id(r.from_till_id), Till.get_by_id(r.to_till_id)
    voucher = Voucher.get_or_none(Voucher.txn == r.txn_id) if r.txn_id else None
    return TransferView(r.id, SUPPLY if frm.kind == "vault" else RETURN, frm.code, to.code,
                        r.currency, r.amount, r.reason, r.status,
                        User.get_by_id(r.requested_by_id).full_name, r.business_date,
                        voucher.number if voucher else None, doc)


def _post(ctx: Context, r: TransferRequest) -> VoucherDoc:
    frm, to = Till.get_by_id(r.from_till_id), Till.get_by_id(r.to_till_id)
    src, dst = tills.cash_account(frm, r.currency), tills.cash_account(to, r.currency)
    if src.balance < r.amount:
        raise ValidationError({"amount": _("{till} holds only {cash}.").format(
            till=frm.name, cash=format_amount(src.balance, r.currency, current_language()))})
    label = (_("Cash supply from the vault to till {till}") if frm.kind == "vault"
             else _("Cash returned from till {till} to the vault")).format(
        till=(to if frm.kind == "vault" else frm).code)
    posted = ledger.post(ctx, kind="till_transfer", label=label,
                         lines=[ledger.Line(dst.id, debit=r.amount),
                                ledger.Line(src.id, credit=r.amount)],
                         voucher_series="TC")
    cashier_till = to if frm.kind == "vault" else frm
    requester = User.get_by_id(r.requested_by_id)
    session = tills.open_session_of(cashier_till.id)
    Voucher.create(txn=posted.txn_id, number=posted.voucher_number, series="TC",
                   direction="mov", till=cashier_till, session=session,
                   currency=r.currency, amount=r.amount, party_name=requester.full_name,
                   purpose=r.reason or label)
    TransferRequest.update(status="posted", txn=posted.txn_id).where(
        TransferRequest.id == r.id).execute()
    return vouchers.build(posted.txn_id)


@requires("till.operate")
def request(ctx: Context, direction: str, currency: str, amount: int, reason: str = ""
            ) -> TransferView:
    """Move cash between the vault and the cashier's open till.

    Up to the limit it is posted at once; above, it waits for the gérant.
    """
    if direction not in (SUPPLY, RETURN):
        raise ValidationError({"direction": _("Choose supply or return.")})
    positive_amount(amount)
    with write_transaction():
        session = tills.require_session(ctx, currency)
        vault = tills.vault_of(ctx.branch_id)
        till = session.till
        frm, to = (vault, till) if direction == SUPPLY else (till, vault)
        src = tills.cash_account(frm, currency)
        if src.balance < amount:
            raise ValidationError({"amount": _("{till} holds only {cash}.").format(
                till=frm.name, cash=format_amount(src.balance, currency, current_language()))})
        r = TransferRequest.create(
            branch=ctx.branch_id, from_till=frm, to_till=to, currency=currency, amount=amount,
            reason=reason.strip(), requested_by=ctx.user_id, requested_at=clock.now(),
            business_date=business_day.require_open(ctx.branch_id))
        limit = approval_limit(currency)
        doc = None
        if limit is None or amount <= limit:
            doc = _post(ctx, r)
        audit.record(ctx, "transfer.request", "transfer", r.uid,
                     after={"direction": direction, "currency": currency, "amount": amount,
                            "status": "posted" if doc else "pending"})
        return _view(TransferRequest.get_by_id(r.id), doc)


@requires("transfer.approve")
def pending(ctx: Context) -> list[TransferView]:
    return [_view(r) for r in TransferRequest.select().where(
        (TransferRequest.branch == ctx.branch_id) & (TransferRequest.status == "pending"))
        .order_by(TransferRequest.id)]


def _pending(ctx: Context, request_id: int) -> TransferRequest:
    r = TransferRequest.get_or_none((TransferRequest.id == request_id)
                                    & (TransferRequest.branch == ctx.branch_id))
    if r is None:
        raise NotFound(_("No such transfer request."))
    if r.status != "pending":
        raise Conflict(_("This request was already decided."))
    if r.requested_by_id == ctx.user_id:
        raise PermissionDenied(_("You cannot approve your own request."))
    return r


@requires("transfer.approve")
def approve(ctx: Context, request_id: int, note: str = "") -> TransferView:
    with write_transaction():
        r = _pending(ctx, request_id)
        TransferRequest.update(decided_by=ctx.user_id, decided_at=clock.now(),
                               decision_note=note.strip()).where(
            TransferRequest.id == r.id).execute()
        doc = _post(ctx, TransferRequest.get_by_id(r.id))
        audit.record(ctx, "transfer.approve", "transfer", r.uid,
                     before={"status": "pending"}, after={"status": "posted", "note": note})
        return _view(TransferRequest.get_by_id(r.id), doc)


@requires("transfer.approve")
def reject(ctx: Context, request_id: int, note: str) -> TransferView:
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for the refusal.")})
    with write_transaction():
        r = _pending(ctx, request_id)
        TransferRequest.update(status="rejected", decided_by=ctx.user_id,
                               decided_at=clock.now(), decision_note=note.strip()).where(
            TransferRequest.id == r.id).execute()
        audit.record(ctx, "transfer.reject", "transfer", r.uid,
                     before={"status": "pending"}, after={"status": "rejected", "note": note})
        return _view(TransferRequest.get_by_id(r.id))
