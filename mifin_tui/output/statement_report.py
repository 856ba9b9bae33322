"""The statement report (`mifin report statement ACCOUNT --from D --to D`): the data of
services/savings/statements.py rendered as a table, CSV or PDF. Kept apart from reports.py so
that it moves into the report registry with one line."""

from __future__ import annotations

from datetime import date

from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.reports.table import csv_amount, csv_document, csv_text
from mifin_tui.services.savings.documents import StatementDoc


def _headers() -> list[str]:
    return [_("Date"), _("Voucher"), _("Label"), _("Withdrawal"), _("Deposit"), _("Balance"),
            _("Cashier")]


def statement_csv(doc: StatementDoc, language: str | None = None) -> str:
    """The statement for a spreadsheet in `language` (by default the user's): ";" and
    the decimal comma in French, amounts in major units (see table.csv_document)."""
    lang = language or current_language()

    def money(v: int) -> str:
        return csv_amount(v, doc.currency, lang)

    rows = [[csv_text(_("Account")), csv_text(doc.account_number), csv_text(doc.holder),
             doc.currency],
            [csv_text(_("Opening balance")), money(doc.opening_balance)],
            [csv_text(h) for h in _headers()]]
    rows += [[ln.business_date.isoformat(), csv_text(ln.voucher), csv_text(ln.label),
              money(ln.debit), money(ln.credit), money(ln.balance), csv_text(ln.cashier)]
             for ln in doc.lines]
    rows.append([csv_text(_("Closing balance")), money(doc.closing_balance)])
    return csv_document(rows, lang)


def statement_table(doc: StatementDoc) -> str:
    from tabulate import tabulate

    lang = current_language()

    def money(v: int) -> str:
        return format_amount(v, doc.currency, lang, symbol=False) if v else ""

    head = [f"{doc.institution} — {doc.branch_code} {doc.branch_name}",
            _("Statement of {number} ({holder}), {start} to {end}").format(
                number=doc.account_number, holder=doc.holder,
                start=format_date(doc.start, doc.language), end=format_date(doc.end, doc.language)),
            _("Opening balance: {amount}").format(
                amount=format_amount(doc.opening_balance, doc.currency, lang))]
    rows = [[format_date(ln.business_date, doc.language), ln.voucher, ln.label[:40],
             money(ln.debit), money(ln.credit),
             format_amount(ln.balance, doc.currency, lang, symbol=False), ln.cashier]
            for ln in doc.lines]
    table = tabulate(rows, headers=_headers(),
                     colalign=("left", "left", "left", "right", "right", "right", "left"))
    foot = _("Closing balance: {amount}").format(
        amount=format_amount(doc.closing_balance, doc.currency, lang))
    return "\n".join(head) + "\n\n" + table + "\n\n" + foot + "\n"


def render_statement(ctx: Context, account: str, start: date, end: date, fmt: str) -> bytes:
    from mifin_tui.services.savings import statements

    doc = statements.statement_by_number(ctx, account, start, end)
    if fmt == "pdf":
        from mifin_tui.output.renderer import build_pdf

        return build_pdf("statement", doc)
    if fmt == "csv":
        return statement_csv(doc).encode("utf-8")  # its byte order mark first
    return statement_table(doc).encode("utf-8")
