"""The institution's chart of accounts beyond its regulator's profile.

Profiles carry the accounts every institution needs; a site opens its own sub-accounts
(rent, electricity, a second bank) the way its plan numbers them: the parent is the
longest existing code that prefixes the new one, and the new account takes its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Entry, GLAccount
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.kernel.regulators import ACCOUNT_KINDS

_CODE = re.compile(r"^[0-9]{2,10}$")


@dataclass(frozen=True)
class GLAccountView:
    code: str
    name: str
    kind: str
    normal_side: str
    parent_code: str | None
    postable: bool


def _view(gl: GLAccount) -> GLAccountView:
    return GLAccountView(gl.code, gl.name, gl.kind, gl.normal_side, gl.parent_code,
                         bool(gl.postable))


@requires("chart.manage")
def add_account(ctx: Context, code: str, name: str, kind: str | None = None) -> GLAccountView:
    """Open a GL account. Under an existing parent it takes the parent's kind and side
    (the parent becomes a heading, so it must hold no entries); a new top-level
    account needs its kind."""
    code, name = code.strip(), name.strip()
    errors: dict[str, str] = {}
    if not _CODE.match(code):
        errors["code"] = _("2 to 10 digits.")
    if not name:
        errors["name"] = _("Required.")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        if GLAccount.get_or_none(GLAccount.code == code) is not None:
            raise ValidationError({"code": _("Account {code} exists.").format(code=code)})
        parent = next((p for p in (GLAccount.get_or_none(GLAccount.code == code[:n])
                                   for n in range(len(code) - 1, 0, -1)) if p), None)
        if parent is not None:
            if Entry.select().where(Entry.gl_account == parent).exists():
                raise ValidationError({"code": _(
                    "{parent} already holds entries: it cannot become a heading.").format(
                    parent=parent.code)})
            kind, side = parent.kind, parent.normal_side
        else:
            if kind not in ACCOUNT_KINDS:
                raise ValidationError({"kind": _("One of: {kinds}.").format(
                    kinds=", ".join(sorted(ACCOUNT_KINDS)))})
            side = "debit" if kind in ("asset", "expense", "off_balance") else "credit"
        gl = GLAccount.create(code=code, name=name, kind=kind, normal_side=side,
                              parent_code=parent.code if parent else None, postable=True)
        if parent is not None and parent.postable:
            GLAccount.update(postable=False).where(GLAccount.id == parent.id).execute()
        audit.record(ctx, "chart.add", "gl_account", code,
                     after={"name": name, "kind": kind, "parent": gl.parent_code})
        return _view(gl)


@requires("report.accounting")
def postable_accounts(ctx: Context) -> list[GLAccountView]:
    """The accounts an entry may name, in code order."""
    return [_view(g) for g in GLAccount.select().where(GLAccount.postable == True)  # noqa: E712
            .order_by(GLAccount.code)]
