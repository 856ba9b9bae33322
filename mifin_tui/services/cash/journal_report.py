"""The cash journal as a registry report: its document turned into a `ReportTable`,
so that it renders like any report (XLSX, the reports screen); its own A4 document with
copies and signatures stays `printers.journal`."""

from __future__ import annotations

from datetime import date

from mifin_tui.i18n import _
from mifin_tui.services.cash import journal as cash_journal
from mifin_tui.services.kernel import business_day, institution
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.documents import CashJournalDoc
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.reports.table import MONEY, SUBTOTAL, TEXT, Column, ReportTable


@requires("cashjournal.read")
def cash_journal_doc(ctx: Context, day: date | None, currency: str | None,
                     till: str | None) -> CashJournalDoc:
    day = day or business_day.require_open(ctx.branch_id)
    currency = (currency or institution.info(ctx.branch_id).currency).upper()
    return cash_journal.cash_journal(ctx, day, currency, till)


def doc_table(doc: CashJournalDoc) -> ReportTable:
    cur = doc.currency
    cols = (Column("number", _("Voucher"), TEXT), Column("time", _("Time"), TEXT),
            Column("label", _("Label"), TEXT), Column("account", _("Account"), TEXT),
            Column("in", _("In"), MONEY, cur), Column("out", _("Out"), MONEY, cur),
            Column("balance", _("Balance"), MONEY, cur))
    rows = [("", "", _("Opening balance"), "", 0, 0, doc.opening_balance)]
    rows += [(ln.number, ln.time, ln.label, ln.account, ln.amount_in, ln.amount_out,
              ln.balance) for ln in doc.lines]
    return ReportTable(
        name="cash-journal", title=_("Cash journal"),
        subtitle=f"{doc.scope} — {format_date(doc.business_date, doc.language)} — {cur}",
        columns=cols, rows=rows,
        totals=("", "", _("Totals"), "", doc.total_in, doc.total_out, doc.closing_balance),
        styles=(SUBTOTAL,), institution=doc.institution,
        branch=f"{doc.branch_code} {doc.branch_name}", printed_by=doc.printed_by,
        printed_at=doc.printed_at, language=doc.language)


@requires("cashjournal.read")
def cash_journal_table(ctx: Context, day: date | None, currency: str | None,
                       till: str | None) -> ReportTable:
    return doc_table(cash_journal_doc(ctx, day, currency, till))
