"""The closing report (rapport de clôture journalière) on A4: what each step of the
nightly closing did, the warnings of its checks, the till differences of the day and
the backup file. Fixed labels print in the document's language (doc.language)."""

from __future__ import annotations

from fpdf import FPDF

from mifin_tui.i18n import N_, translator
from mifin_tui.services.closing.document import ClosingReportDoc, anchor_heads
from mifin_tui.services.kernel.money import format_amount
from printers._fonts import FAMILY, new_pdf
from printers._layout import doc_texts, format_date, format_datetime

__all__ = ["closing_report_pdf"]

MARGIN = 15.0

LABELS = {
    "title": N_("Closing report"),
    "branch": N_("Branch: {name} ({code})"),
    "day": N_("Business date closed: {date}"),
    "next": N_("Next business date: {date}"),
    "period": N_("Period end: {what}"),
    "month_end": N_("month end"),
    "year_end": N_("month end and year end"),
    "started": N_("Started by {user} on {at}"),
    "finished": N_("Finished on {at}"),
    "running": N_("NOT FINISHED: the closing is still in progress."),
    "steps": N_("Steps"),
    "step": N_("Step"),
    "status": N_("Status"),
    "items": N_("Items"),
    "warnings": N_("Warnings of the checks"),
    "no_warnings": N_("No warning."),
    "diffs": N_("Till differences of the day"),
    "no_diffs": N_("No till difference."),
    "till": N_("Till"),
    "cashier": N_("Cashier"),
    "moment": N_("Moment"),
    "counted": N_("Counted"),
    "book": N_("Books"),
    "difference": N_("Difference"),
    "note": N_("Explanation"),
    "opening": N_("opening"),
    "closing": N_("closing"),
    "backup": N_("Backup: {path}"),
    "no_backup": N_("Backup: none yet."),
    "printed_by": N_("Printed by {user}"),
    "signature": N_("The manager (gérant): signature"),
    "heads": N_("Chain heads of the day (keep with this signed report)"),
    "ledger_head": N_("Ledger: transaction {seq}"),
    "audit_head": N_("Audit log: row {seq}"),
    "anchor_file": N_("Appended to the anchor file {path}; `mifin check --anchors` compares "
                      "the books with it."),
}


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 11)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)


def closing_report_pdf(doc: ClosingReportDoc) -> bytes:
    t = translator(doc.language)
    labels = {k: t(v) for k, v in LABELS.items()}
    pdf = new_pdf([*doc_texts(doc), *labels.values()], title=labels["title"],
                  language=doc.language)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, f"{doc.institution} — {labels['title']}", new_x="LMARGIN",
                   new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    lines = [labels["branch"].format(name=doc.branch_name, code=doc.branch_code),
             labels["day"].format(date=format_date(doc.business_date)),
             labels["next"].format(date=format_date(doc.next_date))]
    if doc.month_end:
        lines.append(labels["period"].format(
            what=labels["year_end"] if doc.year_end else labels["month_end"]))
    lines.append(labels["started"].format(user=doc.started_by,
                                          at=format_datetime(doc.started_at)))
    lines.append(labels["finished"].format(at=format_datetime(doc.finished_at))
                 if doc.finished_at else labels["running"])
    for line in lines:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")

    _heading(pdf, labels["steps"])
    width = pdf.w - 2 * MARGIN
    for n, step in enumerate(doc.steps, start=1):
        pdf.set_font(FAMILY, "B", 9)
        pdf.cell(width - 40, 5, f"{n}. {step.label}")
        pdf.cell(40, 5, step.status_label.upper(), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 9)
        for note in step.notes:
            pdf.set_x(MARGIN + 5)
            pdf.multi_cell(width - 5, 4.5, note, new_x="LMARGIN", new_y="NEXT")

    _heading(pdf, labels["warnings"])
    if not doc.warnings:
        pdf.multi_cell(0, 5, labels["no_warnings"], new_x="LMARGIN", new_y="NEXT")
    for w in doc.warnings:
        pdf.multi_cell(0, 5, f"- {w.message} {w.todo}", new_x="LMARGIN", new_y="NEXT")

    _heading(pdf, labels["diffs"])
    if not doc.till_differences:
        pdf.multi_cell(0, 5, labels["no_diffs"], new_x="LMARGIN", new_y="NEXT")
    else:
        cols = [("till", 16), ("cashier", 40), ("moment", 20), ("counted", 28),
                ("book", 28), ("difference", 28)]
        pdf.set_font(FAMILY, "B", 8)
        for key, w in cols:
            pdf.cell(w, 5, labels[key], align="L" if key in ("till", "cashier", "moment")
                     else "R")
        pdf.ln(5)
        pdf.set_font(FAMILY, "", 8)
        for d in doc.till_differences:
            money = [format_amount(v, d.currency, doc.language)
                     for v in (d.counted, d.book, d.difference)]
            values = [d.till, d.cashier, labels["opening" if d.moment == "open" else "closing"],
                      *money]
            for (_key, w), value in zip(cols, values, strict=True):
                pdf.cell(w, 5, value[:30], align="L" if _key in ("till", "cashier", "moment")
                         else "R")
            pdf.ln(5)
            if d.note:
                pdf.set_x(MARGIN + 5)
                pdf.multi_cell(width - 5, 4.5, f"{labels['note']}: {d.note}",
                               new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 9)

    pdf.ln(3)
    pdf.multi_cell(0, 5, labels["backup"].format(path=doc.backup_path) if doc.backup_path
                   else labels["no_backup"], new_x="LMARGIN", new_y="NEXT")
    heads = anchor_heads(doc.anchor)
    if heads is not None:
        _heading(pdf, labels["heads"])
        for label, seq, digest in ((labels["ledger_head"], heads[0], heads[1]),
                                   (labels["audit_head"], heads[2], heads[3])):
            pdf.multi_cell(0, 5, label.format(seq=seq), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Courier", "B", 9)
            pdf.multi_cell(0, 5, f"  {digest}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FAMILY, "", 9)
        if doc.anchor_file:
            pdf.multi_cell(0, 5, labels["anchor_file"].format(path=doc.anchor_file),
                           new_x="LMARGIN", new_y="NEXT")
    if doc.printed_by:
        pdf.multi_cell(0, 5, labels["printed_by"].format(user=doc.printed_by),
                       new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.multi_cell(0, 5, labels["signature"], new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
