"""Passbook lines (carnet d'épargne) on its A5 or A6 page: date, label, deposit,
withdrawal, balance, cashier; the first line printed lands on the next free line of the
open page, and lines beyond the page go to the top of the next one."""

from __future__ import annotations

from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.savings.documents import PassbookDoc
from printers._fonts import FAMILY, new_pdf
from printers._layout import Measure, doc_texts

__all__ = ["PAGES", "passbook_pdf"]

# page (w, h) in mm, top and bottom of the printed zone, font size
PAGES = {"A5": ((148.0, 210.0), 30.0, 12.0, 8.0), "A6": ((105.0, 148.0), 22.0, 8.0, 6.0)}
# column shares of the printable width: date, label, deposit, withdrawal, balance, cashier
SHARES = (0.13, 0.29, 0.15, 0.15, 0.16, 0.12)
MARGIN = 6.0


def passbook_pdf(doc: PassbookDoc) -> bytes:
    (w, h), top, bottom, size = PAGES[doc.page_format]
    pdf = new_pdf([*doc_texts(doc), "…"], format=(w, h), title=doc.account_number,
                  language=doc.language)
    m = Measure(pdf)
    pitch = (h - top - bottom) / doc.lines_per_page
    widths = [(w - 2 * MARGIN) * s for s in SHARES]
    line_no = doc.first_line
    pdf.add_page()
    pdf.set_font(FAMILY, "", size)

    def fit(text: str, width: float) -> str:
        while text and m.width(text, "", size) > width - 1:
            text = text[:-1]
        return text

    for ln in doc.lines:
        if line_no > doc.lines_per_page:
            pdf.add_page()
            pdf.set_font(FAMILY, "", size)
            line_no = 1
        y = top + line_no * pitch - 1.0
        money = lambda v: format_amount(v, doc.currency, doc.language, symbol=False) \
            if v else ""  # noqa: E731
        cells = [(ln.business_date.strftime("%d/%m/%y"), "L"), (ln.label, "L"),
                 (money(ln.credit), "R"), (money(ln.debit), "R"),
                 (format_amount(ln.balance, doc.currency, doc.language, symbol=False), "R"),
                 (ln.cashier, "L")]
        x = MARGIN
        for (text, align), width in zip(cells, widths, strict=True):
            text = fit(text, width)
            tx = x + width - 1 - m.width(text, "", size) if align == "R" else x
            pdf.text(tx, y, text)
            x += width
        line_no += 1
    return bytes(pdf.output())
