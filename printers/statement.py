"""The statement (relevé de compte) of a period on A4: a header, the opening balance, one
row per movement (date, voucher, label, withdrawal, deposit, balance), the totals and the
closing balance; "Page x / y" on every page. Labels in the document's language."""

from __future__ import annotations

from fpdf import FPDF

from mifin_tui.i18n import N_, translator
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.savings.documents import StatementDoc
from printers._fonts import FAMILY, new_pdf
from printers._layout import Measure, doc_texts, format_date

__all__ = ["statement_pdf"]

LABELS = {
    "title": N_("Account statement"),
    "account": N_("Account: {number} — {holder}"),
    "product": N_("Product: {product} ({currency})"),
    "period": N_("Period: {start} to {end}"),
    "date": N_("Date"),
    "voucher": N_("Voucher no."),
    "label": N_("Label"),
    "out": N_("Withdrawal"),
    "in": N_("Deposit"),
    "balance": N_("Balance"),
    "opening": N_("Opening balance"),
    "totals": N_("Totals"),
    "closing": N_("Closing balance"),
    "printed_by": N_("Printed by {user}"),
    "page": N_("Page {page} / {pages}"),
}

MARGIN = 12.0
ROW = 5.0
SIZE = 8.0
# (key, width mm, align)
COLUMNS = (("date", 20.0, "L"), ("voucher", 36.0, "L"), ("label", 64.0, "L"),
           ("out", 22.0, "R"), ("in", 22.0, "R"), ("balance", 22.0, "R"))


def _fit(m: Measure, text: str, width: float) -> str:
    if m.width(text, "", SIZE) <= width:
        return text
    while text and m.width(text + "…", "", SIZE) > width:
        text = text[:-1]
    return text + "…"


def statement_pdf(doc: StatementDoc) -> bytes:
    t = translator(doc.language)
    lab = {k: t(v) for k, v in LABELS.items()}
    pdf = new_pdf([*doc_texts(doc), *lab.values(), "…"], title=lab["title"],
                  language=doc.language)
    m = Measure(pdf)

    def money(minor: int) -> str:
        return format_amount(minor, doc.currency, doc.language, symbol=False) if minor else ""

    rows: list[tuple[list[str], bool]] = [
        (["", "", lab["opening"], "", "", money(doc.opening_balance) or "0"], True)]
    for ln in doc.lines:
        rows.append(([format_date(ln.business_date), ln.voucher, ln.label, money(ln.debit),
                      money(ln.credit), format_amount(ln.balance, doc.currency, doc.language,
                                                      symbol=False)], False))
    rows.append((["", "", lab["totals"], money(doc.total_debit), money(doc.total_credit), ""],
                 True))
    rows.append((["", "", lab["closing"], "", "", format_amount(
        doc.closing_balance, doc.currency, doc.language, symbol=False)], True))
    first_rows, next_rows = 40, 48
    pages = 1 + max(0, -(-(len(rows) - first_rows) // next_rows))
    index = 0
    for page in range(1, pages + 1):
        pdf.add_page()
        y = MARGIN
        if page == 1:
            y = _header(pdf, doc, lab, y)
        y = _column_titles(pdf, lab, y)
        count = first_rows if page == 1 else next_rows
        for cells, bold in rows[index:index + count]:
            pdf.set_font(FAMILY, "B" if bold else "", SIZE)
            x = MARGIN
            for (_key, width, align), text in zip(COLUMNS, cells, strict=True):
                text = _fit(m, text, width - 1.5)
                tx = x + width - 1 - m.width(text, "B" if bold else "", SIZE) \
                    if align == "R" else x + 0.5
                pdf.text(tx, y + ROW - 1.5, text)
                x += width
            y += ROW
        index += count
        pdf.set_font(FAMILY, "", 7)
        footer = lab["page"].format(page=page, pages=pages)
        if page == pages and doc.printed_by:
            footer = lab["printed_by"].format(user=doc.printed_by) + "   " + footer
        pdf.text(MARGIN, 297 - 8, footer)
    return bytes(pdf.output())


def _header(pdf: FPDF, doc: StatementDoc, lab: dict[str, str], y: float) -> float:
    pdf.set_font(FAMILY, "B", 12)
    pdf.text(MARGIN, y + 5, f"{doc.institution} — {doc.branch_name} ({doc.branch_code})")
    pdf.set_font(FAMILY, "B", 11)
    pdf.text(MARGIN, y + 12, lab["title"].upper())
    pdf.set_font(FAMILY, "", 9)
    pdf.text(MARGIN, y + 18, lab["account"].format(number=doc.account_number,
                                                   holder=doc.holder))
    pdf.text(MARGIN, y + 23, lab["product"].format(product=doc.product, currency=doc.currency))
    pdf.text(MARGIN, y + 28, lab["period"].format(start=format_date(doc.start),
                                                  end=format_date(doc.end)))
    return y + 33


def _column_titles(pdf: FPDF, lab: dict[str, str], y: float) -> float:
    pdf.set_font(FAMILY, "B", SIZE)
    x = MARGIN
    for key, width, _align in COLUMNS:
        pdf.text(x + 0.5, y + ROW - 1.5, lab[key])
        x += width
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, y + ROW, MARGIN + sum(c[1] for c in COLUMNS), y + ROW)
    return y + ROW + 0.5
