"""The journal de caisse: every voucher through a till (or the branch) on one day."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from mifin_tui.db.models import (
    Account,
    Branch,
    Entry,
    Institution,
    JournalTransaction,
    Till,
    TillBalance,
    TillSession,
    User,
)
from mifin_tui.i18n import N_, _, translator
from mifin_tui.services.kernel import clock, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.documents import CashJournalDoc, CashJournalLine
from mifin_tui.services.kernel.errors import NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires

COPIES = (N_("Accounting copy"), N_("Manager copy"))
BRANCH_SCOPE = N_("All tills and the vault of {branch}")
SIGNATURES = (N_("Cashier"), N_("Accountant"), N_("Manager"))


def _opening(account_ids: list[int], day: date) -> int:
    """Cash in these accounts before the first entry of `day`."""
    total = 0
    for acc_id in account_ids:
        last = (Entry.select(Entry.balance_after).join(JournalTransaction)
                .where((Entry.account == acc_id) & (JournalTransaction.business_date < day))
                .order_by(Entry.id.desc()).first())
        total += last.balance_after if last else 0
    return total


@requires("cashjournal.read")
def cash_journal(ctx: Context, day: date, currency: str, till_code: str | None = None
                 ) -> CashJournalDoc:
    """The day's cash vouchers of one till, or of every till and the vault of the branch."""
    branch = Branch.get_by_id(ctx.branch_id)
    tills_q = Till.select().where(Till.branch == branch)
    if till_code:
        tills_q = tills_q.where(Till.code == till_code.strip().upper())
    till_list = list(tills_q)
    if till_code and not till_list:
        raise NotFound(_("No till {code}.").format(code=till_code))
    cash_ids = [a.id for a in Account.select(Account.id).where(
        Account.till.in_([t.id for t in till_list]) & (Account.currency == currency))]
    if not cash_ids:
        raise ValidationError({"currency": _("No till holds {currency}.").format(
            currency=currency)})
    zone = ZoneInfo(settings.get("timezone"))
    opening = _opening(cash_ids, day)
    running = opening
    lines = []
    total_in = total_out = 0
    query = (Entry.select(Entry, JournalTransaction, User)
             .join(JournalTransaction).join(User)
             .where(Entry.account.in_(cash_ids) & (JournalTransaction.business_date == day))
             .order_by(Entry.id))
    counterpart = _counterparts([e.txn_id for e in query])
    for e in query:
        running += e.debit - e.credit
        total_in += e.debit
        total_out += e.credit
        posted = e.txn.posted_at
        local = (posted if posted.tzinfo else posted.replace(tzinfo=clock.now().tzinfo)
                 ).astimezone(zone)
        lines.append(CashJournalLine(
            number=e.txn.voucher_number or f"#{e.txn_id}", time=local.strftime("%H:%M"),
            label=e.txn.label,
            account=next((n for acc_id, n in counterpart.get(e.txn_id, ())
                          if acc_id != e.account_id), ""),
            amount_in=e.debit, amount_out=e.credit, balance=running,
            cashier=e.txn.user.username))
    counted_open, counted_close, diff, notes, cashiers = _counts(till_list, day, currency)
    inst = Institution.get_by_id(branch.institution_id)
    lang = settings.get("document_language")
    t = translator(lang)
    scope = (f"{till_list[0].code} — {till_list[0].name}" if till_code
             else t(BRANCH_SCOPE).format(branch=branch.name))
    return CashJournalDoc(
        institution=inst.name, branch_code=branch.code, branch_name=branch.name, scope=scope,
        business_date=day, currency=currency, opening_balance=opening, lines=tuple(lines),
        total_in=total_in, total_out=total_out, closing_balance=running,
        counted_opening=counted_open, counted_closing=counted_close, difference=diff,
        difference_note="; ".join(notes), cashiers=tuple(cashiers),
        printed_by=ctx.full_name, printed_at=clock.now().astimezone(zone),
        copies=tuple(t(c) for c in COPIES), signatures=tuple(t(s) for s in SIGNATURES),
        language=lang,
    )


def _counterparts(txn_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """The accounts of each transaction, to show the other side of each cash line."""
    out: dict[int, list[tuple[int, str]]] = {}
    for i in range(0, len(txn_ids), 500):
        for e in (Entry.select(Entry.txn, Account.id, Account.number).join(Account)
                  .where(Entry.txn.in_(txn_ids[i:i + 500])).order_by(Entry.id)):
            out.setdefault(e.txn_id, []).append((e.account.id, e.account.number))
    return out


def _counts(till_list: list[Till], day: date, currency: str
            ) -> tuple[int | None, int | None, int | None, list[str], list[str]]:
    sessions = list(TillSession.select().where(
        TillSession.till.in_([t.id for t in till_list]) & (TillSession.business_date == day))
        .order_by(TillSession.id))
    if not sessions:
        return None, None, None, [], []
    balances = list(TillBalance.select().where(
        TillBalance.session.in_([s.id for s in sessions]) & (TillBalance.currency == currency)))
    opened = [b for b in balances if b.moment == "open"]
    closed = [b for b in balances if b.moment == "close"]
    counted_open = sum(b.counted for b in opened) if opened else None
    counted_close = sum(b.counted for b in closed) if closed else None
    diff = sum(b.difference for b in balances) if balances else None
    notes = [b.note for b in balances if b.difference and b.note]
    cashiers = sorted({User.get_by_id(s.cashier_id).full_name for s in sessions})
    return counted_open, counted_close, diff, notes, cashiers
