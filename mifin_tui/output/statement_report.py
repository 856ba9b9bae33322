"""The statement report (`mifin report statement ACCOUNT --from D --to D`): the data of
services/savings/statements.py rendered as a table, CSV or PDF. Kept apart from reports.py so
that it moves into the report registry with one line."""

from __future__ import annotations

import csv
import io
from datetime import date

from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.savings.documents import StatementDoc


def _headers() -> list[str]:
    return [_("Date"), _("Voucher"), _("Label"), _("Withdrawal"), _("Deposit"), _("Balance"),
            _("Cashier")]


def statement_csv(doc: StatementDoc) -> str:
    """Amounts in minor units, so a spreadsheet sums them exactly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Account"), doc.account_number, doc.holder, doc.currency])
    writer.writerow([_("Opening balance"), doc.opening_balance])
    writer.writerow(_headers())
    for ln in doc.lines:
        writer.writerow([ln.business_date.isoformat(), ln.voucher, ln.label, ln.debit,
                         ln.credit, ln.balance, ln.cashier])
    writer.writerow([_("Closing balance"), doc.closing_balance])
    return out.getvalue()


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
        from printers.statement import statement_pdf

        return statement_pdf(doc)
    if fmt == "csv":
        return statement_csv(doc).encode("utf-8")
    return statement_table(doc).encode("utf-8")
