"""The passbook (carnet d'épargne): the lines not printed yet, printed from the next free
line of the open page; the last printed entry and line are remembered per account."""

from __future__ import annotations

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Account, Entry, JournalTransaction, SavingsAccount, User
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.members import register as members
from mifin_tui.services.savings.documents import PassbookDoc
from mifin_tui.services.savings.statements import entry_lines

# Lines of one passbook page, by page format.
PAGE_LINES = {"A5": 24, "A6": 16}


def page_format() -> str:
    fmt = settings.get("passbook_format")
    return fmt if fmt in PAGE_LINES else "A6"


def _doc(acc: Account, info: SavingsAccount | None) -> PassbookDoc:
    fmt = page_format()
    per_page = PAGE_LINES[fmt]
    last_entry = info.passbook_entry_id if info else 0
    used = info.passbook_line if info else 0
    lines = entry_lines(
        Entry.select(Entry, JournalTransaction, User).join(JournalTransaction).join(User)
        .where((Entry.account == acc.id) & (Entry.id > last_entry)).order_by(Entry.id))
    first = 1 if used >= per_page else used + 1
    holder = members.display_name(acc.member) if acc.member_id else acc.name
    return PassbookDoc(acc.number, holder, acc.currency, fmt, per_page, first, tuple(lines),
                       settings.get("document_language"))


def _account(ctx: Context, account_id: int) -> Account:
    acc = Account.get_or_none(Account.id == account_id)
    if acc is None or acc.branch_id != ctx.branch_id or acc.kind != "savings":
        raise NotFound(_("No such savings account in this branch."))
    return acc


@requires("passbook.print")
def pending(ctx: Context, account_id: int) -> PassbookDoc:
    """The lines the passbook does not show yet (nothing is marked printed)."""
    acc = _account(ctx, account_id)
    return _doc(acc, SavingsAccount.get_or_none(SavingsAccount.account == acc.id))


@requires("passbook.print")
def take_for_printing(ctx: Context, account_id: int) -> PassbookDoc:
    """The new lines, marked printed: the next print starts after them."""
    from mifin_tui.services.savings.balances import ensure_info

    with write_transaction():
        acc = _account(ctx, account_id)
        info = ensure_info(acc)
        doc = _doc(acc, info)
        if not doc.lines:
            raise ValidationError({"account": _("The passbook is up to date.")})
        last_id = (Entry.select(Entry.id).where(Entry.account == acc.id)
                   .order_by(Entry.id.desc()).first().id)
        used = (doc.first_line - 1 + len(doc.lines)) % doc.lines_per_page or doc.lines_per_page
        SavingsAccount.update(passbook_entry_id=last_id, passbook_line=used).where(
            SavingsAccount.account == acc.id).execute()
        audit.record(ctx, "passbook.print", "account", acc.number,
                     before={"entry": info.passbook_entry_id, "line": info.passbook_line},
                     after={"entry": last_id, "line": used, "lines": len(doc.lines)})
    return doc


@requires("passbook.print")
def new_book(ctx: Context, account_id: int) -> None:
    """A new passbook: the next print starts on its first line (old lines are not reprinted)."""
    with write_transaction():
        from mifin_tui.services.savings.balances import ensure_info

        acc = _account(ctx, account_id)
        info = ensure_info(acc)
        SavingsAccount.update(passbook_line=0).where(SavingsAccount.account == acc.id).execute()
        audit.record(ctx, "passbook.new_book", "account", acc.number,
                     before={"line": info.passbook_line}, after={"line": 0})
