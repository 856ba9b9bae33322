"""Mandataires and signatories: who else may sign for an account's withdrawals.

Two keys (#21): the counter records the person with the holder's signed consent (the
procuration: its date and document reference); the mandate waits (`pending`) until a
gérant other than the one who recorded it approves it, and only then may the person
withdraw (`active`). A mandate is revoked from the same screen, with a reason. Every step
is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, AccountMandate, User
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit, business_day, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.savings.balances import savings_account

MANDATE_ROLES = {"mandataire": N_("Mandataire"), "signatory": N_("Signatory")}
MANDATE_STATUSES = {"pending": N_("waiting for the manager"), "active": N_("in force"),
                    "rejected": N_("refused"), "revoked": N_("revoked")}


@dataclass(frozen=True)
class MandateView:
    id: int
    full_name: str
    id_type: str
    id_number: str
    role: str
    active: bool
    status: str = "active"
    account_number: str = ""
    consent_on: date | None = None
    consent_reference: str = ""
    created_by: str = ""


def _view(m: AccountMandate) -> MandateView:
    u = User.get_or_none(User.id == m.created_by_id)
    return MandateView(m.id, m.full_name, m.id_type, m.id_number, m.role, m.active, m.status,
                       Account.get_by_id(m.account_id).number, m.consent_on,
                       m.consent_reference, u.full_name if u else "")


def active_mandates(account_id: int) -> tuple[MandateView, ...]:
    """The mandates in force: the only ones a withdrawal accepts."""
    return tuple(_view(m) for m in AccountMandate.select().where(
        (AccountMandate.account == account_id) & AccountMandate.active)
        .order_by(AccountMandate.id))


@requires("account.read")
def account_mandates(ctx: Context, account_id: int) -> list[MandateView]:
    """The mandates in force and those waiting for the gérant (the holds screen's list)."""
    savings_account(account_id, ctx.branch_id)
    return [_view(m) for m in AccountMandate.select().where(
        (AccountMandate.account == account_id)
        & AccountMandate.status.in_(("pending", "active"))).order_by(AccountMandate.id)]


@requires("account.mandate")
def add_mandate(ctx: Context, account_id: int, full_name: str, *, id_type: str = "",
                id_number: str = "", role: str = "mandataire", consent_signed: bool = False,
                consent_on: date | None = None, consent_reference: str = "") -> MandateView:
    """Record a mandataire with the holder's signed consent; he waits for the gérant."""
    errors: dict[str, str] = {}
    if not full_name.strip():
        errors["full_name"] = _("Required.")
    if not id_number.strip():
        errors["id_number"] = _("The ID document number is required.")
    if role not in MANDATE_ROLES:
        errors["role"] = _("Mandataire or signatory.")
    if not consent_signed:
        errors["consent_signed"] = _("The holder must sign the procuration first.")
    if consent_on is None:
        errors["consent_on"] = _("Give the date the holder signed.")
    if not consent_reference.strip():
        errors["consent_reference"] = _("Give the reference of the signed procuration.")
    if errors:
        raise ValidationError(errors)
    assert consent_on is not None
    with write_transaction():
        if consent_on > (business_day.open_date(ctx.branch_id) or clock.today()):
            raise ValidationError({"consent_on": _("The holder cannot have signed in the "
                                                   "future.")})
        acc = savings_account(account_id, ctx.branch_id)
        m = AccountMandate.create(account=acc.id, full_name=full_name.strip(),
                                  id_type=id_type.strip(), id_number=id_number.strip(),
                                  role=role, active=False, status="pending",
                                  consent_on=consent_on,
                                  consent_reference=consent_reference.strip()[:120],
                                  created_by=ctx.user_id, created_at=clock.now())
        audit.record(ctx, "mandate.add", "account", acc.number,
                     after={"mandate": m.id, "name": m.full_name, "id": m.id_number,
                            "role": role, "status": "pending",
                            "consent_on": consent_on.isoformat(),
                            "consent_reference": m.consent_reference})
        return _view(m)


@requires("mandate.approve")
def pending_mandates(ctx: Context) -> list[MandateView]:
    """The mandataires of the branch waiting for the gérant's decision."""
    return [_view(m) for m in AccountMandate.select().join(Account).where(
        (AccountMandate.status == "pending") & (Account.branch == ctx.branch_id))
        .order_by(AccountMandate.id)]


def _mandate(ctx: Context, mandate_id: int) -> AccountMandate:
    m = AccountMandate.get_or_none(AccountMandate.id == mandate_id)
    if m is None or Account.get_by_id(m.account_id).branch_id != ctx.branch_id:
        raise NotFound(_("No such mandataire."))
    return m


@requires("mandate.approve")
def decide_mandate(ctx: Context, mandate_id: int, approve: bool, note: str = ""
                   ) -> MandateView:
    """The gérant's decision: approved, the mandataire may withdraw from now on."""
    with write_transaction():
        m = _mandate(ctx, mandate_id)
        if m.status != "pending":
            raise Conflict(_("This mandataire was already decided."))
        if m.created_by_id == ctx.user_id:
            raise PermissionDenied(_("You recorded this mandataire: another person must "
                                     "approve it."))
        if not approve and not note.strip():
            raise ValidationError({"note": _("Say why the mandataire is refused.")})
        status = "active" if approve else "rejected"
        AccountMandate.update(status=status, active=approve, decided_by=ctx.user_id,
                              decided_at=clock.now()).where(
            AccountMandate.id == m.id).execute()
        audit.record(ctx, "mandate." + ("approve" if approve else "reject"), "account",
                     Account.get_by_id(m.account_id).number,
                     before={"mandate": m.id, "name": m.full_name, "status": "pending"},
                     after={"status": status, "note": note.strip()})
        return _view(AccountMandate.get_by_id(m.id))


@requires("account.mandate")
def revoke_mandate(ctx: Context, mandate_id: int, reason: str = "") -> MandateView:
    """End a mandate (in force or still waiting), with the reason (the holder's letter,
    the mandataire's death...)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the mandate ends.")})
    with write_transaction():
        m = _mandate(ctx, mandate_id)
        if m.status not in ("pending", "active"):
            raise NotFound(_("No such mandataire."))
        AccountMandate.update(active=False, status="revoked", revoked_by=ctx.user_id,
                              revoked_at=clock.now(), revoke_reason=reason.strip()[:250]
                              ).where(AccountMandate.id == m.id).execute()
        audit.record(ctx, "mandate.revoke", "account", Account.get_by_id(m.account_id).number,
                     before={"mandate": m.id, "name": m.full_name, "status": m.status},
                     after={"status": "revoked", "reason": reason.strip()})
        return _view(AccountMandate.get_by_id(m.id))
