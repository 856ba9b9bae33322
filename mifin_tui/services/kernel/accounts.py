"""Ledger accounts: internal (cash, income, ...) and clients' (savings, loans).

Every account maps to one GL account of the chart, found by the semantic key
the regulator profile gives it ("cash_vault", "savings_free", ...), so services
never hard-code a regulator's account codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db.models import Account, Branch, GLAccount, Member
from mifin_tui.i18n import _
from mifin_tui.services.kernel import clock, numbering
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires

# Second group of an account number: what kind of account it is.
TYPE_CODES = {
    "internal": 10,
    "cash": 11,
    "savings": 21,
    "loan": 30,
    "shares": 40,  # a member's paid-up part sociale, refunded at the démission
}


# The GL key of the clearing account each non-cash channel (mobile money, bank) credits
# money to before it reaches a loan or a savings account (regulators.GL_KEYS).
# "suspense": money received that waits to be applied (paiements reçus à affecter, #20)
CLEARING_GL = {"mobile_money": "mobile_money", "bank": "bank", "suspense": "payments_suspense"}


def gl_by_key(key: str) -> GLAccount:
    gl = GLAccount.get_or_none(GLAccount.key == key)
    if gl is None:
        raise NotFound(_("No GL account is mapped to '{key}' in the chart.").format(key=key))
    return gl


def internal_account(branch_id: int, gl_key: str, currency: str) -> Account:
    """The branch's internal account for a GL key and currency, created on first use.

    Call inside a write transaction.
    """
    if gl_key == "cash_till":
        raise ValueError("till cash accounts belong to a till: use tills.cash_account")
    gl = gl_by_key(gl_key)
    kind = "cash" if gl_key.startswith("cash_") else "internal"
    found = (
        Account.select()
        .where(
            (Account.gl_account == gl)
            & (Account.branch == branch_id)
            & (Account.currency == currency)
            & (Account.kind == kind)
            & (Account.member.is_null())
        )
        .first()
    )
    if found:
        return found
    return new_internal_account(branch_id, gl_key, currency)


def new_internal_account(branch_id: int, gl_key: str, currency: str) -> Account:
    """A further internal account on a GL key (e.g. each till's own cash account)."""
    gl = gl_by_key(gl_key)
    kind = "cash" if gl_key.startswith("cash_") else "internal"
    branch = Branch.get_by_id(branch_id)
    return Account.create(
        number=numbering.account_number(branch.code, TYPE_CODES[kind]),
        branch=branch_id,
        kind=kind,
        gl_account=gl,
        currency=currency,
        name=f"{gl.name} {currency}",
        normal_side=gl.normal_side,
        # Cash can never go below zero; income/expense accounts may cross it
        # through corrections.
        allow_negative=kind != "cash",
        opened_on=clock.today(),
        created_at=clock.now(),
    )


def open_member_account(
    member: Member, gl_key: str, currency: str, name: str, opened_on: date, kind: str = "savings"
) -> Account:
    """A client account for a member; inside the caller's write transaction."""
    gl = gl_by_key(gl_key)
    branch = Branch.get_by_id(member.branch_id)
    return Account.create(
        number=numbering.account_number(branch.code, TYPE_CODES[kind]),
        branch=branch,
        kind=kind,
        gl_account=gl,
        member=member,
        currency=currency,
        name=name,
        normal_side=gl.normal_side,
        allow_negative=False,
        opened_on=opened_on,
        created_at=clock.now(),
    )


@dataclass(frozen=True)
class AccountView:
    id: int
    number: str
    name: str
    kind: str
    currency: str
    balance: int
    status: str
    gl_code: str
    member_id: int | None
    member_number: str | None
    holder: str


def _view(acc: Account) -> AccountView:
    member = acc.member
    holder = ""
    if member is not None:
        holder = member.legal_name or " ".join(
            p for p in (member.surname, member.postname, member.first_name) if p
        )
    return AccountView(
        id=acc.id, number=acc.number, name=acc.name, kind=acc.kind, currency=acc.currency,
        balance=acc.balance, status=acc.status, gl_code=acc.gl_account.code,
        member_id=member.id if member else None,
        member_number=member.number if member else None, holder=holder,
    )


@requires("account.read")
def find_by_number(ctx: Context, text: str) -> AccountView:
    try:
        number = numbering.normalize_account_number(text)
    except ValueError as exc:
        raise ValidationError(
            {"account": _("This account number is not valid (check digits).")}
        ) from exc
    acc = Account.get_or_none(Account.number == number)
    if acc is None:
        raise NotFound(_("No account {number}.").format(number=number))
    return _view(acc)


@requires("account.read")
def member_accounts(ctx: Context, member_id: int) -> list[AccountView]:
    query = Account.select().where(Account.member == member_id).order_by(Account.id)
    return [_view(a) for a in query]
