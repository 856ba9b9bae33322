"""The fiche d'adhésion on A4, for the member's and the institution's signatures.

Sections of label/value pairs as the service filled them (already in the document's
language), the fees and shares paid with their vouchers, the signature boxes. A reprint
says DUPLICATA under the title.
"""

from __future__ import annotations

from mifin_tui.i18n import N_, translator
from mifin_tui.services.members.documents import MemberFormDoc
from printers._fonts import FAMILY, new_pdf
from printers._layout import doc_texts, format_date, format_datetime

__all__ = ["member_form_pdf"]

MARGIN = 15.0
LABELS = {
    "number": N_("Member no. {number}"),
    "joined": N_("Date of adhésion: {date}"),
    "payments": N_("Paid at the till"),
    "printed": N_("Printed by {user} on {at}"),
    "duplicate": N_("DUPLICATA"),
    "page": N_("Page {page}"),
}


def member_form_pdf(doc: MemberFormDoc) -> bytes:
    t = translator(doc.language)
    label = {k: t(v) for k, v in LABELS.items()}
    pdf = new_pdf([*doc_texts(doc), *label.values()], title=doc.title, language=doc.language)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = pdf.w - 2 * MARGIN
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(width, 6, doc.institution, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    pdf.cell(width, 5, f"{doc.branch_name} ({doc.branch_code})", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 15)
    pdf.cell(width, 8, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    if doc.duplicate:
        pdf.set_font(FAMILY, "B", 12)
        pdf.cell(width, 7, label["duplicate"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.cell(width / 2, 6, label["number"].format(number=doc.number))
    pdf.cell(width / 2, 6, label["joined"].format(date=format_date(doc.joined_on)), align="R",
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width, 6, f"{doc.kind_label} — {doc.status_label}", new_x="LMARGIN",
             new_y="NEXT")
    label_w = 58.0
    for heading, rows in doc.sections:
        pdf.ln(2)
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(width, 7, heading, border="B", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 9.5)
        for name, value in rows:
            pdf.set_font(FAMILY, "", 9.5)
            pdf.cell(label_w, 5.5, name)
            pdf.set_font(FAMILY, "B", 9.5)
            pdf.multi_cell(width - label_w, 5.5, value or "—", new_x="LMARGIN", new_y="NEXT")
    if doc.payments:
        pdf.ln(2)
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(width, 7, label["payments"], border="B", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 9.5)
        for name, amount, voucher in doc.payments:
            pdf.cell(label_w + 20, 5.5, name)
            pdf.cell(40, 5.5, amount, align="R")
            pdf.cell(width - label_w - 60, 5.5, voucher, align="R", new_x="LMARGIN",
                     new_y="NEXT")
    pdf.ln(6)
    if doc.signatures:
        box = width / len(doc.signatures)
        if pdf.get_y() + 30 > pdf.h - 18:
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_font(FAMILY, "", 9)
        for i, who in enumerate(doc.signatures):
            pdf.rect(MARGIN + i * box + 1, top, box - 2, 28)
            pdf.set_xy(MARGIN + i * box + 2, top + 1)
            pdf.cell(box - 4, 5, who)
        pdf.set_y(top + 31)
    pdf.set_font(FAMILY, "", 7.5)
    pdf.cell(width, 4, label["printed"].format(user=doc.printed_by,
                                               at=format_datetime(doc.printed_at)))
    return bytes(pdf.output())
