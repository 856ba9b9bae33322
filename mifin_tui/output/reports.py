"""Reports for the command line and the screens: any registry report rendered as a
plain-text table, CSV, XLSX or PDF. Lives above services (it calls printers too)."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.documents import CashJournalDoc
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.reports import registry as report_registry
from mifin_tui.services.reports.registry import ReportParams
from mifin_tui.services.reports.table import (
    DATE,
    HEADING,
    MONEY,
    SUBTOTAL,
    ReportTable,
    csv_amount,
    csv_cell,
    csv_document,
    csv_text,
    format_cell,
    formula_like,
    is_figure,
)

FORMATS = ("table", "csv", "pdf", "xlsx")
EXPORT_NAME_MAX = 120


def export_path(name: str, fmt: str) -> Path:
    """Where the screens save an export: a file NAME in the user's export folder, never
    a path (members' data does not land in a shared folder by a typo). ValueError with
    the message to show for a path, '..' or a name too long."""
    from mifin_tui import paths

    name = name.strip()
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise ValueError(_("A file name only (no folder, no '/' or '..'): exports go to "
                           "{folder}.").format(folder=paths.exports_dir()))
    if len(name) > EXPORT_NAME_MAX or any(ord(ch) < 32 for ch in name):
        raise ValueError(_("A file name of at most {n} printable characters.").format(
            n=EXPORT_NAME_MAX))
    path = paths.exports_dir() / name
    return path if path.suffix.lower() == f".{fmt}" else path.with_name(f"{name}.{fmt}")


def save_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` (0600, in a 0700 folder), whole or not at all: a temporary
    file renamed into place, replacing what the user agreed to replace."""
    from mifin_tui import paths

    paths.private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, paths.FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        paths.private_file(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def render(name: str, ctx: Context, params: ReportParams | None = None, *,
           fmt: str = "table") -> bytes:
    """Any registry report in one of FORMATS. The cash journal keeps its own A4
    document (copies, counts, signatures), table and CSV; it gets XLSX like the others."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    params = params or ReportParams()
    if name == "cash-journal" and fmt != "xlsx":
        from mifin_tui.services.cash.journal_report import cash_journal_doc

        spec = report_registry.get(name)
        report_registry.check(ctx, spec.permission)
        doc = cash_journal_doc(ctx, params.date or params.date_to, params.currency,
                               params.till)
        if fmt == "pdf":
            from mifin_tui.output.renderer import build_pdf

            return build_pdf("cash_journal", doc)
        if fmt == "csv":
            return cash_journal_csv(doc).encode("utf-8")
        return cash_journal_table(doc).encode("utf-8")
    if name == "statement" and fmt != "xlsx":
        from mifin_tui.output.statement_report import render_statement

        spec = report_registry.get(name)
        report_registry.check(ctx, spec.permission)
        p = report_registry.resolve(spec, ctx, params)
        assert p.date_from is not None and p.date_to is not None
        return render_statement(ctx, p.account or "", p.date_from, p.date_to, fmt)
    return render_table(report_registry.run(name, ctx, params), fmt)


def render_table(table: ReportTable, fmt: str) -> bytes:
    if fmt == "pdf":
        from mifin_tui.output.renderer import build_pdf

        return build_pdf("report", table)
    if fmt == "csv":
        return table_csv(table).encode("utf-8")
    if fmt == "xlsx":
        return table_xlsx(table)
    return table_text(table).encode("utf-8")


def _head_lines(table: ReportTable) -> list[str]:
    return [line for line in (table.institution, table.branch, table.title, table.subtitle)
            if line]


def table_text(table: ReportTable) -> str:
    """A plain-text table (tabulate), headed by the institution and the report's title."""
    from tabulate import tabulate

    from mifin_tui.i18n import current_language

    lang = current_language()
    cols = table.columns
    rows = [[format_cell(c, v, lang) for c, v in zip(cols, row, strict=True)]
            for row in table.rows]
    if table.totals:
        rows.append([format_cell(c, v, lang) for c, v in zip(cols, table.totals, strict=True)])
    body = tabulate(rows, headers=[c.title for c in cols], disable_numparse=True,
                    colalign=tuple("right" if is_figure(c) else "left" for c in cols))
    foot = "\n".join(table.notes)
    return "\n".join(_head_lines(table)) + "\n\n" + body + "\n" + (
        "\n" + foot + "\n" if foot else "")


def table_csv(table: ReportTable, language: str | None = None) -> str:
    """One header row then the rows and the totals, for the spreadsheet of `language`
    (by default the user's): see table.csv_document."""
    lang = language or current_language()
    cols = table.columns
    rows = [[csv_text(c.title) for c in cols]]
    rows += [[csv_cell(c, v, lang) for c, v in zip(cols, row, strict=True)]
             for row in [*table.rows, *([table.totals] if table.totals else [])]]
    return csv_document(rows, lang)


def table_xlsx(table: ReportTable) -> bytes:
    """A workbook of one sheet: title lines, the column titles, the rows; amounts as
    numbers in the currency's major unit (exact decimals) with its number format, dates
    as dates."""
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from mifin_tui.services.kernel.money import get_currency

    wb = Workbook()
    ws = wb.active
    ws.title = table.name[:31]
    for line in _head_lines(table):
        ws.append([line])
    ws["A1"].font = Font(bold=True)
    ws.append([])
    head_row = ws.max_row + 1
    ws.append([c.title for c in table.columns])
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
    decimals = {i: get_currency(c.currency).decimals for i, c in enumerate(table.columns)
                if c.kind == MONEY}
    bold_styles = {HEADING, SUBTOTAL}

    def put(row: tuple, bold: bool) -> None:
        values = []
        for i, v in enumerate(row):
            if i in decimals and isinstance(v, int):
                values.append(Decimal(v).scaleb(-decimals[i]))
            else:
                values.append(v)
        ws.append(values)
        r = ws.max_row
        for i, cell in enumerate(ws[r]):
            if i in decimals:
                cell.number_format = "#,##0" + ("." + "0" * decimals[i] if decimals[i] else "")
            elif isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
            if bold:
                cell.font = Font(bold=True)

    for i, row in enumerate(table.rows):
        put(tuple(row), table.style(i) in bold_styles)
    if table.totals:
        put(tuple(table.totals), True)
    for note in table.notes:
        ws.append([note])
    for ws_row in ws.iter_rows():  # titles, headers, rows, notes: every text cell
        for cell in ws_row:
            _as_text(cell)
    for i, c in enumerate(table.columns):
        letter = ws.cell(row=head_row, column=i + 1).column_letter
        ws.column_dimensions[letter].width = 16 if is_figure(c) or c.kind == DATE else (
            40 if i else 14)
        if is_figure(c):
            ws.cell(row=head_row, column=i + 1).alignment = Alignment(horizontal="right")
    ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _as_text(cell) -> None:
    """A text that a spreadsheet would take for a formula stays text (OWASP): openpyxl
    stores a string starting with "=" as a formula unless told it is a string, and the
    quote prefix keeps Excel from turning any of them into one when the cell is edited.
    Numbers (negative amounts too) are not text and stay numbers."""
    if isinstance(cell.value, str) and formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def _rows(doc: CashJournalDoc, money) -> list[list[str]]:
    return [[ln.number, ln.time, ln.label, ln.account, money(ln.amount_in),
             money(ln.amount_out), money(ln.balance)] for ln in doc.lines]


def _headers() -> list[str]:
    return [_("Voucher"), _("Time"), _("Label"), _("Account"), _("In"), _("Out"),
            _("Balance")]


def cash_journal_csv(doc: CashJournalDoc, language: str | None = None) -> str:
    """The journal's lines for a spreadsheet (see table.csv_document)."""
    lang = language or current_language()

    def money(v: int) -> str:
        return csv_amount(v, doc.currency, lang)

    return csv_document([[csv_text(h) for h in _headers()],
                         *([csv_text(c) for c in row[:4]] + row[4:]
                           for row in _rows(doc, money))], lang)


def cash_journal_table(doc: CashJournalDoc) -> str:
    from tabulate import tabulate

    from mifin_tui.i18n import current_language

    lang = current_language()

    def money(v: int) -> str:
        return format_amount(v, doc.currency, lang, symbol=False) if v else ""

    head = [
        f"{doc.institution} — {doc.branch_code} {doc.branch_name}",
        _("Cash journal of {day}: {scope} ({currency})").format(
            day=format_date(doc.business_date, doc.language), scope=doc.scope,
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
