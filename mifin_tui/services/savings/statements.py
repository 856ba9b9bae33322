"""An account's statement (relevé) for a period: opening balance, the lines, closing."""

from __future__ import annotations

from datetime import date

from mifin_tui.db.models import Account, Branch, Entry, Institution, JournalTransaction, User
from mifin_tui.i18n import _
from mifin_tui.services.kernel import settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.savings.documents import StatementDoc, StatementLine


def _holder(acc: Account) -> str:
    return members.display_name(acc.member) if acc.member_id else acc.name


def entry_lines(query) -> list[StatementLine]:
    """Statement lines from a query over Entry joined to its transaction and user."""
    return [StatementLine(e.txn.business_date, e.txn.voucher_number or "",
                          e.label or e.txn.label, e.debit, e.credit, e.balance_after,
                          e.txn.user.username)
            for e in query]


def balance_before(account_id: int, day: date) -> int:
    last = (Entry.select(Entry.balance_after).join(JournalTransaction)
            .where((Entry.account == account_id) & (JournalTransaction.business_date < day))
            .order_by(Entry.id.desc()).first())
    return last.balance_after if last else 0


@requires("account.read")
def statement(ctx: Context, account_id: int, start: date, end: date) -> StatementDoc:
    if end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    acc = Account.get_or_none(Account.id == account_id)
    if acc is None or acc.branch_id != ctx.branch_id:
        raise NotFound(_("No such account in this branch."))
    opening = balance_before(acc.id, start)
    lines = entry_lines(
        Entry.select(Entry, JournalTransaction, User).join(JournalTransaction).join(User)
        .where((Entry.account == acc.id) & (JournalTransaction.business_date >= start)
               & (JournalTransaction.business_date <= end))
        .order_by(Entry.id))
    branch = Branch.get_by_id(acc.branch_id)
    inst = Institution.get_by_id(branch.institution_id)
    return StatementDoc(
        institution=inst.name, branch_code=branch.code, branch_name=branch.name,
        account_number=acc.number, holder=_holder(acc), product=acc.name,
        currency=acc.currency, start=start, end=end, opening_balance=opening,
        lines=tuple(lines), total_debit=sum(ln.debit for ln in lines),
        total_credit=sum(ln.credit for ln in lines),
        closing_balance=lines[-1].balance if lines else opening,
        printed_by=ctx.full_name, language=settings.get("document_language"))


@requires("account.read")
def statement_by_number(ctx: Context, number: str, start: date, end: date) -> StatementDoc:
    from mifin_tui.services.kernel import accounts

    return statement(ctx, accounts.find_by_number(ctx, number).id, start, end)
