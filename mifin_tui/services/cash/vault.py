"""The vault (coffre) counted by two people before the closing.

One person counts the notes and coins (a billetage), a second one, the gérant or
another user allowed to, confirms the same count: with his password on the counter's
screen, or from his own session. Only a confirmed count is a count: its difference
then goes to suspense on the counter's name (cash.differences), and the closing
refuses to start without the day's confirmed count, or when the vault moved after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Till, User, VaultCount, VaultCountBalance, VaultCountLine
from mifin_tui.i18n import _
from mifin_tui.services.cash import differences, tills
from mifin_tui.services.kernel import audit, business_day, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import (
    Conflict,
    MifinError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from mifin_tui.services.kernel.permissions import check, requires

PENDING = "pending"
CONFIRMED = "confirmed"
REJECTED = "rejected"
SUPERSEDED = "superseded"


@dataclass(frozen=True)
class VaultCountView:
    id: int
    business_date: date
    status: str
    counted_by_id: int
    counted_by: str
    confirmed_by: str
    counted: dict[str, int]
    book: dict[str, int]
    difference: dict[str, int]
    note: str
    difference_vouchers: tuple[str, ...] = ()


def _view(c: VaultCount, vouchers: tuple[str, ...] = ()) -> VaultCountView:
    rows = list(VaultCountBalance.select().where(VaultCountBalance.count == c.id)
                .order_by(VaultCountBalance.currency))
    return VaultCountView(
        c.id, c.business_date, c.status, c.counted_by_id,
        User.get_by_id(c.counted_by_id).full_name,
        User.get_by_id(c.confirmed_by_id).full_name if c.confirmed_by_id else "",
        {r.currency: r.counted for r in rows}, {r.currency: r.book for r in rows},
        {r.currency: r.difference for r in rows}, c.note, vouchers)


@requires("vault.count")
def record_count(ctx: Context, counts: tills.Counts, note: str = "") -> VaultCountView:
    """The vault's billetage by the user: it waits for a second person's confirmation.
    A new count replaces the day's count still waiting (a recount)."""
    with write_transaction():
        day = business_day.require_open(ctx.branch_id)
        vault = tills.vault_of(ctx.branch_id)
        totals = tills.count_totals(vault, counts)
        book = tills.till_balances(vault)
        diffs = {cur: totals[cur] - book.get(cur, 0) for cur in totals}
        if any(diffs.values()) and not note.strip():
            raise ValidationError({"note": _("Explain the difference between the count and "
                                             "the books.")})
        VaultCount.update(status=SUPERSEDED).where(
            (VaultCount.branch == ctx.branch_id) & (VaultCount.business_date == day)
            & (VaultCount.status == PENDING)).execute()
        c = VaultCount.create(branch=ctx.branch_id, till=vault.id, business_date=day,
                              counted_by=ctx.user_id, counted_at=clock.now(),
                              note=note.strip()[:255])
        for cur in totals:
            for denom, qty in sorted((counts.get(cur) or {}).items(), reverse=True):
                if qty:
                    VaultCountLine.create(count=c.id, currency=cur, denomination=denom,
                                          quantity=qty)
            VaultCountBalance.create(count=c.id, currency=cur, counted=totals[cur],
                                     book=book.get(cur, 0), difference=diffs[cur])
        audit.record(ctx, "vault.count", "vault_count", c.uid,
                     after={"counted": totals, "difference": diffs, "note": note.strip()})
        return _view(c)


def _pending(ctx: Context, count_id: int) -> VaultCount:
    c = VaultCount.get_or_none((VaultCount.id == count_id)
                               & (VaultCount.branch == ctx.branch_id))
    if c is None:
        raise NotFound(_("No such vault count."))
    if c.status != PENDING:
        raise Conflict(_("This vault count was already confirmed, refused or replaced."))
    if c.counted_by_id == ctx.user_id:
        raise PermissionDenied(_("The second person cannot be the one who counted."))
    return c


@requires("vault.confirm")
def confirm(ctx: Context, count_id: int, note: str = "") -> VaultCountView:
    """The second person confirms the count; its differences go to suspense on the
    counter's name. Refused if the vault moved since the count (count it again)."""
    with write_transaction():
        c = _pending(ctx, count_id)
        vault = Till.get_by_id(c.till_id)
        book = tills.till_balances(vault)
        rows = list(VaultCountBalance.select().where(VaultCountBalance.count == c.id))
        if any(book.get(r.currency, 0) != r.book for r in rows):
            raise Conflict(_("The vault moved since this count: count it again."))
        VaultCount.update(status=CONFIRMED, confirmed_by=ctx.user_id,
                          confirmed_at=clock.now(), decision_note=note.strip()[:255]).where(
            VaultCount.id == c.id).execute()
        vouchers = []
        for r in rows:
            if r.difference:
                label = (_("Vault surplus at the count: {note}") if r.difference > 0
                         else _("Vault shortage at the count: {note}")).format(note=c.note)
                held = differences.hold(ctx, till=vault,
                                        cash=tills.cash_account(vault, r.currency),
                                        amount=r.difference, cashier_id=c.counted_by_id,
                                        note=c.note, label=label, vault_count_id=c.id)
                vouchers.append(held.txn.voucher_number or "")
        audit.record(ctx, "vault.count.confirm", "vault_count", c.uid,
                     before={"status": PENDING},
                     after={"status": CONFIRMED, "counted_by":
                            User.get_by_id(c.counted_by_id).username, "note": note.strip()})
        return _view(VaultCount.get_by_id(c.id), tuple(vouchers))


@requires("vault.confirm")
def reject(ctx: Context, count_id: int, note: str) -> VaultCountView:
    """The second person does not find what the counter counted: the vault is counted
    again."""
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for the refusal.")})
    with write_transaction():
        c = _pending(ctx, count_id)
        VaultCount.update(status=REJECTED, confirmed_by=ctx.user_id,
                          confirmed_at=clock.now(), decision_note=note.strip()[:255]).where(
            VaultCount.id == c.id).execute()
        audit.record(ctx, "vault.count.reject", "vault_count", c.uid,
                     before={"status": PENDING}, after={"status": REJECTED,
                                                        "note": note.strip()})
        return _view(VaultCount.get_by_id(c.id))


@requires("vault.count")
def confirm_with_password(ctx: Context, count_id: int, username: str, password: str,
                          note: str = "") -> VaultCountView:
    """The second person confirms on the counter's screen, with his own password."""
    from mifin_tui.services.kernel import auth

    if not username.strip():
        raise ValidationError({"username": _("Required.")})
    if username.strip().lower() == ctx.username:
        raise ValidationError({"username": _("The second person cannot be the one who "
                                             "counted.")})
    try:
        witness = auth.login(username, password)
    except MifinError as exc:
        raise ValidationError({"password": str(exc)}) from None
    if witness.branch_id != ctx.branch_id:
        raise ValidationError({"username": _("This user works in another branch.")})
    check(witness, "vault.confirm")
    return confirm(witness, count_id, note)


@requires("vault.count")
def vault_view(ctx: Context) -> tills.TillView:
    """The branch's vault with its book balances, for the count."""
    return tills.views([tills.vault_of(ctx.branch_id)])[0]


@requires("vault.count")
def today(ctx: Context) -> VaultCountView | None:
    """The day's latest vault count (waiting, confirmed or refused), if any."""
    day = business_day.require_open(ctx.branch_id)
    c = (VaultCount.select().where((VaultCount.branch == ctx.branch_id)
                                   & (VaultCount.business_date == day)
                                   & (VaultCount.status != SUPERSEDED))
         .order_by(VaultCount.id.desc()).first())
    return _view(c) if c else None


@requires("vault.confirm")
def waiting(ctx: Context) -> list[VaultCountView]:
    """Counts waiting for a second person (the gérant's approvals)."""
    return [_view(c) for c in VaultCount.select().where(
        (VaultCount.branch == ctx.branch_id) & (VaultCount.status == PENDING)
        & (VaultCount.counted_by != ctx.user_id)).order_by(VaultCount.id)]


def closing_state(branch_id: int, day: date) -> tuple[str, dict[str, tuple[int, int]]]:
    """What the closing needs to know of the day's vault count: "missing", "pending",
    or "confirmed" with the currencies where the vault no longer holds what was counted
    ({currency: (counted, books now)}). A branch without a vault has nothing to count."""
    vault = Till.get_or_none((Till.branch == branch_id) & (Till.kind == "vault"))
    if vault is None:
        return "confirmed", {}
    counts = (VaultCount.select().where((VaultCount.branch == branch_id)
                                        & (VaultCount.business_date == day))
              .order_by(VaultCount.id.desc()))
    done = counts.where(VaultCount.status == CONFIRMED).first()
    if done is None:
        return ("pending" if counts.where(VaultCount.status == PENDING).exists()
                else "missing"), {}
    book = tills.till_balances(vault)
    moved = {}
    for r in VaultCountBalance.select().where(VaultCountBalance.count == done.id):
        if book.get(r.currency, 0) != r.counted:
            moved[r.currency] = (r.counted, book.get(r.currency, 0))
    return "confirmed", moved
