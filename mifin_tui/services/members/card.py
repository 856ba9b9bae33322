"""The member card (fiche du membre): the member, his accounts, his groups, his last
operations; and the démission.

His loans and the guarantees he gave belong to the loan area
(`loans.views.member_loans`, `member_guarantees`): the card screen asks for them beside
this card, so members do not depend on loans. `resign` refuses a démission while a loan
or a guarantee of his is outstanding, reading the loan rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, Entry, GroupMembership, JournalTransaction, Member
from mifin_tui.i18n import _
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash.counter import CashReceipt
from mifin_tui.services.kernel import accounts, audit, business_day
from mifin_tui.services.kernel.accounts import AccountView
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.members.register import MemberDetail


@dataclass(frozen=True)
class Operation:
    business_date: date
    account_number: str
    label: str
    voucher_number: str | None
    currency: str
    debit: int
    credit: int


@dataclass(frozen=True)
class GroupRole:
    group_id: int
    group_name: str
    kind: str
    role: str


@dataclass(frozen=True)
class MemberCard:
    member: MemberDetail
    accounts: tuple[AccountView, ...]
    operations: tuple[Operation, ...]
    groups: tuple[GroupRole, ...]


@requires("member.read")
def card(ctx: Context, member_id: int, operations: int = 10) -> MemberCard:
    """Everything the card shows, read in one go."""
    m = members.row(member_id)
    accs = accounts.member_accounts(ctx, m.id)
    ids = [a.id for a in accs]
    ops: list[Operation] = []
    if ids:
        query = (Entry.select(Entry, JournalTransaction, Account)
                 .join(JournalTransaction).switch(Entry).join(Account)
                 .where(Entry.account.in_(ids)).order_by(Entry.id.desc()).limit(operations))
        ops = [Operation(e.txn.business_date, e.account.number, e.txn.label,
                         e.txn.voucher_number, e.currency, e.debit, e.credit) for e in query]
    groups = [GroupRole(g.group.id, g.group.name, g.group.kind, g.role)
              for g in GroupMembership.select().where(GroupMembership.member == m.id)]
    return MemberCard(members._detail(m), tuple(accs), tuple(ops), tuple(groups))


@dataclass(frozen=True)
class ResignResult:
    member_number: str
    left_on: date
    refund: CashReceipt | None
    closed_accounts: tuple[str, ...]


# A loan in these states is over: it no longer holds the borrower, nor his guarantors.
_LOAN_OVER = ("rejected", "cancelled", "closed")


def _refuse_open_loans_and_guarantees(m: Member) -> None:
    """The démission waits until no loan of the member is under way (an application too)
    and no loan he guarantees is outstanding."""
    from mifin_tui.db.models import Loan, LoanGuarantor

    loans_open = [f"{loan.number} ({loan.state})" for loan in Loan.select().where(
        (Loan.member == m.id) & Loan.state.not_in(_LOAN_OVER))]
    guaranteed = [loan.number for loan in Loan.select().join(
        LoanGuarantor, on=(LoanGuarantor.loan == Loan.id)).where(
        (LoanGuarantor.member == m.id) & Loan.state.not_in(_LOAN_OVER))]
    errors = []
    if loans_open:
        errors.append(_("The member has loans under way: {loans}.").format(
            loans=", ".join(loans_open)))
    if guaranteed:
        errors.append(_("The member guarantees loans still outstanding: {loans}.").format(
            loans=", ".join(guaranteed)))
    if errors:
        raise ValidationError({"form": " ".join(errors)})


@requires("member.leave")
def resign(ctx: Context, member_id: int, reason: str) -> ResignResult:
    """The démission: every account at zero (but the shares), the part sociale refunded
    at the till with a BS voucher, the accounts closed, the member marked as left."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the member leaves.")})
    with write_transaction():
        m = members.row(member_id)
        if m.status == "left":
            raise ValidationError({"form": _("Member {number} has already left.").format(
                number=m.number)})
        rows = list(Account.select().where((Account.member == m.id)
                                           & (Account.status == "active")))
        _refuse_open_loans_and_guarantees(m)
        not_zero = [a for a in rows if a.kind != "shares" and a.balance != 0]
        if not_zero:
            raise ValidationError({"form": _(
                "Every account must be at zero first: {accounts}.").format(
                accounts=", ".join(f"{a.number} {format_amount(a.balance, a.currency)}"
                                   for a in not_zero))})
        refund = None
        for acc in rows:
            if acc.kind == "shares" and acc.balance > 0:
                refund = cash.cash_out(
                    ctx, acc.id, acc.balance, party_name=members.display_name(m),
                    purpose=_("Share capital refunded (démission) — {number}").format(
                        number=m.number), kind="share_refund")
        today = business_day.require_open(ctx.branch_id)
        Account.update(status="closed").where(Account.id.in_([a.id for a in rows])).execute()
        Member.update(status="left", left_on=today).where(Member.id == m.id).execute()
        audit.record(ctx, "member.leave", "member", m.number,
                     before={"status": m.status},
                     after={"status": "left", "left_on": today.isoformat(),
                            "reason": reason.strip(),
                            "refund": refund.voucher_number if refund else None,
                            "closed": [a.number for a in rows]})
    return ResignResult(m.number, today, refund, tuple(a.number for a in rows))
