"""Reports for the command line and the screens: a service's data rendered as a
plain-text table, CSV or PDF. Lives above services (it calls printers too)."""

from __future__ import annotations

import csv
import io
from datetime import date

from mifin_tui.i18n import _
from mifin_tui.services import business_day, institution
from mifin_tui.services.context import Context
from mifin_tui.services.documents import CashJournalDoc
from mifin_tui.services.money import format_amount


def render(name: str, ctx: Context, *, day: date | None, till: str | None,
           currency: str | None, fmt: str) -> bytes:
    if name != "cash-journal":
        raise ValueError(name)
    from mifin_tui.services import cash_journal

    day = day or business_day.require_open(ctx.branch_id)
    currency = (currency or institution.info(ctx.branch_id).currency).upper()
    doc = cash_journal.cash_journal(ctx, day, currency, till)
    if fmt == "pdf":
        from printers.journal import cash_journal_pdf

        return cash_journal_pdf(doc)
    if fmt == "csv":
        return cash_journal_csv(doc).encode("utf-8")
    return cash_journal_table(doc).encode("utf-8")


def _rows(doc: CashJournalDoc, money) -> list[list[str]]:
    return [[ln.number, ln.time, ln.label, ln.account, money(ln.amount_in),
             money(ln.amount_out), money(ln.balance)] for ln in doc.lines]


def _headers() -> list[str]:
    return [_("Voucher"), _("Time"), _("Label"), _("Account"), _("In"), _("Out"),
            _("Balance")]


def cash_journal_csv(doc: CashJournalDoc) -> str:
    """Amounts in minor units, so a spreadsheet sums them exactly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headers())
    for row in _rows(doc, str):
        writer.writerow(row)
    return out.getvalue()


def cash_journal_table(doc: CashJournalDoc) -> str:
    from tabulate import tabulate

    from mifin_tui.i18n import current_language

    lang = current_language()

    def money(v: int) -> str:
        return format_amount(v, doc.currency, lang, symbol=False) if v else ""

    head = [
        f"{doc.institution} — {doc.branch_code} {doc.branch_name}",
        _("Cash journal of {day}: {scope} ({currency})").format(
            day=doc.business_date.strftime("%d/%m/%Y"), scope=doc.scope,
            currency=doc.currency),
        _("Opening balance: {amount}").format(amount=format_amount(
            doc.opening_balance, doc.currency, lang)),
    ]
    table = tabulate(_rows(doc, money), headers=_headers(),
                     colalign=("left", "left", "left", "left", "right", "right", "right"))
    foot = [
        _("Totals: in {i}, out {o}").format(i=format_amount(doc.total_in, doc.currency, lang),
                                            o=format_amount(doc.total_out, doc.currency, lang)),
        _("Closing balance: {amount}").format(amount=format_amount(
            doc.closing_balance, doc.currency, lang)),
    ]
    if doc.counted_closing is not None:
        foot.append(_("Counted at closing: {amount}").format(amount=format_amount(
            doc.counted_closing, doc.currency, lang)))
    if doc.difference:
        foot.append(_("Difference: {amount} ({note})").format(
            amount=format_amount(doc.difference, doc.currency, lang),
            note=doc.difference_note))
    return "\n".join(head) + "\n\n" + table + "\n\n" + "\n".join(foot) + "\n"
