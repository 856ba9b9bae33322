"""Mandataires and signatories: who else may sign for an account's withdrawals."""

from __future__ import annotations

from dataclasses import dataclass

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, AccountMandate
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.savings.balances import savings_account

MANDATE_ROLES = {"mandataire": N_("Mandataire"), "signatory": N_("Signatory")}


@dataclass(frozen=True)
class MandateView:
    id: int
    full_name: str
    id_type: str
    id_number: str
    role: str
    active: bool


def active_mandates(account_id: int) -> tuple[MandateView, ...]:
    return tuple(MandateView(m.id, m.full_name, m.id_type, m.id_number, m.role, m.active)
                 for m in AccountMandate.select().where(
                     (AccountMandate.account == account_id) & AccountMandate.active)
                 .order_by(AccountMandate.id))


@requires("account.mandate")
def add_mandate(ctx: Context, account_id: int, full_name: str, *, id_type: str = "",
                id_number: str = "", role: str = "mandataire") -> MandateView:
    errors: dict[str, str] = {}
    if not full_name.strip():
        errors["full_name"] = _("Required.")
    if not id_number.strip():
        errors["id_number"] = _("The ID document number is required.")
    if role not in MANDATE_ROLES:
        errors["role"] = _("Mandataire or signatory.")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        acc = savings_account(account_id, ctx.branch_id)
        m = AccountMandate.create(account=acc.id, full_name=full_name.strip(),
                                  id_type=id_type.strip(), id_number=id_number.strip(),
                                  role=role, created_by=ctx.user_id, created_at=clock.now())
        audit.record(ctx, "mandate.add", "account", acc.number,
                     after={"name": m.full_name, "id": m.id_number, "role": role})
        return MandateView(m.id, m.full_name, m.id_type, m.id_number, m.role, True)


@requires("account.mandate")
def revoke_mandate(ctx: Context, mandate_id: int) -> None:
    with write_transaction():
        m = AccountMandate.get_or_none(AccountMandate.id == mandate_id)
        if m is None or not m.active:
            raise NotFound(_("No such mandataire."))
        AccountMandate.update(active=False).where(AccountMandate.id == m.id).execute()
        audit.record(ctx, "mandate.revoke", "account", Account.get_by_id(m.account_id).number,
                     before={"name": m.full_name, "active": True}, after={"active": False})
