"""A repayment schedule (tableau d'amortissement) on A4: the simulator's print-out for a
member, and the annex of the loan contract.

The header states the terms (amount, rate, method, frequency, fees, the amount paid out
and the TEG), the table lists every instalment, each page repeats the column titles and
says "Page x / y"; the last page carries the totals, the cost of the credit in words
and the signature lines. Labels print in the document's language.
"""

from __future__ import annotations

from decimal import Decimal

from fpdf import FPDF

from mifin_tui.i18n import N_, translator
from mifin_tui.services.kernel.money import format_amount
from mifin_tui.services.loans.engine.documents import ScheduleDoc, schedule_words
from printers._fonts import FAMILY, new_pdf
from printers._layout import PT, Flow, Measure, draw_text, format_date

__all__ = ["schedule_pdf", "method_label", "frequency_label", "teg_text"]

MARGIN = 12.0
BODY = 8.5
ROW_H = BODY * PT * 1.22 + 1.4
FOOTER_H = 7.0

LABELS = {
    "title": N_("Repayment schedule"),
    "simulation": N_("SIMULATION - this is not a loan contract"),
    "branch": N_("Branch: {name} ({code})"),
    "borrower": N_("Member: {name}"),
    "product": N_("Product: {name}"),
    "amount": N_("Amount of the loan"),
    "rate": N_("Nominal annual rate"),
    "method": N_("Interest method"),
    "frequency": N_("Frequency"),
    "count": N_("Number of instalments"),
    "start": N_("Disbursement date"),
    "fees": N_("Fees at disbursement"),
    "net": N_("Amount paid out"),
    "teg": N_("TEG (effective annual rate)"),
    "no": N_("No."),
    "due": N_("Due date"),
    "principal": N_("Principal"),
    "interest": N_("Interest"),
    "inst_fees": N_("Fees"),
    "total": N_("Total"),
    "balance": N_("Balance"),
    "totals": N_("Totals"),
    "cost": N_("Cost of the credit: {amount} ({words})."),
    "repay": N_("Total to repay: {amount} ({words})."),
    "printed_by": N_("Printed by {user} on {date} at {time}"),
    "page": N_("Page {page} / {pages}"),
}

_METHODS = {"declining": N_("Declining balance, equal instalments"),
            "equal_principal": N_("Declining balance, equal principal"),
            "flat": N_("Flat (on the initial amount)")}
_FREQUENCIES = {"weekly": N_("Weekly"), "biweekly": N_("Every two weeks"),
                "monthly": N_("Monthly"), "seasonal": N_("Seasonal (dates set by hand)")}
_TEG_METHODS = {"proportional": N_("proportional"), "actuarial": N_("actuarial")}


def method_label(method: str, language: str) -> str:
    return translator(language)(_METHODS.get(method, method))


def frequency_label(frequency: str, language: str) -> str:
    return translator(language)(_FREQUENCIES.get(frequency, frequency))


def teg_text(teg: Decimal, method: str, language: str) -> str:
    """"24,35 % (proportional)": two decimals, the method beside."""
    value = (teg * 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    number = f"{value:.2f}".replace(".", "," if language == "fr" else ".")
    return f"{number} % ({translator(language)(_TEG_METHODS.get(method, method))})"


def _percent(bp: int, language: str) -> str:
    text = f"{bp // 100}.{bp % 100:02d}"
    return (text.replace(".", ",") if language == "fr" else text) + " %"


def schedule_pdf(doc: ScheduleDoc) -> bytes:
    lang = doc.language
    tr = translator(lang)
    t = {key: tr(msgid) for key, msgid in LABELS.items()}
    s = doc.schedule
    terms = s.terms
    cur = terms.currency

    def money(minor: int) -> str:
        return format_amount(minor, cur, lang, symbol=False)

    def money_sym(minor: int) -> str:
        return format_amount(minor, cur, lang)

    rows = [(str(r.no), format_date(r.due_date), money(r.principal), money(r.interest),
             money(r.fees), money(r.total), money(r.balance_after)) for r in s.installments]
    totals = ("", t["totals"], money(s.totals.principal), money(s.totals.interest),
              money(s.totals.fees), money(s.totals.total), "")
    facts = [
        (t["amount"], money_sym(terms.principal)),
        (t["rate"], _percent(terms.annual_rate_bp, lang)),
        (t["method"], method_label(terms.method, lang)),
        (t["frequency"], frequency_label(terms.frequency, lang)),
        (t["count"], str(terms.installments)),
        (t["start"], format_date(terms.start)),
        (t["fees"], money_sym(s.fees_at_disbursement)),
        (t["net"], money_sym(s.net_disbursed)),
        (t["teg"], teg_text(s.teg, terms.teg_method, lang)),
    ]
    spelled = schedule_words(s, lang)
    words_cost = t["cost"].format(amount=money_sym(s.cost_of_credit),
                                  words=spelled.cost_of_credit)
    words_total = t["repay"].format(amount=money_sym(s.totals.total),
                                    words=spelled.total_to_repay)
    texts = [doc.institution, doc.branch_name, doc.product, doc.borrower, *t.values(),
             *(f for pair in facts for f in pair), words_cost, words_total, *doc.signatures,
             *(c for row in rows for c in row)]
    pdf = new_pdf(texts, title=t["title"], language=lang)
    m = Measure(pdf)
    inner = 210 - 2 * MARGIN

    # Columns: fixed widths from the widest figure.
    def widest(i: int, title: str) -> float:
        w = max([m.width(r[i], "", BODY) for r in rows] + [m.width(totals[i], "B", BODY)])
        return max(w, m.width(title, "B", BODY)) + 3.0

    titles = (t["no"], t["due"], t["principal"], t["interest"], t["inst_fees"], t["total"],
              t["balance"])
    widths = [widest(i, title) for i, title in enumerate(titles)]
    spare = inner - sum(widths)
    if spare > 0:
        widths = [w + spare / len(widths) for w in widths]
    xs = [MARGIN]
    for w in widths[:-1]:
        xs.append(xs[-1] + w)

    def header() -> Flow:
        f = Flow(m, MARGIN, inner)
        f.text(doc.institution, 11, "B")
        f.text(t["branch"].format(name=doc.branch_name, code=doc.branch_code), 8.5)
        f.space(1.5)
        f.text(t["title"], 14, "B", "C")
        if doc.simulation:
            f.text(t["simulation"], 9, "B", "C")
        f.space(1.5)
        if doc.borrower:
            f.text(t["borrower"].format(name=doc.borrower), 9)
        if doc.product:
            f.text(t["product"].format(name=doc.product), 9)
        half = inner / 2
        for i in range(0, len(facts), 2):
            cells = []
            for j, (label, value) in enumerate(facts[i:i + 2]):
                x = MARGIN + j * half
                cells += [(label, x, half * 0.46, "", "L"),
                          (value, x + half * 0.46, half * 0.52, "B", "L")]
            f.columns(cells, 8.5, gap_after=0.6)
        f.space(2.0)
        return f

    head = header()
    top = MARGIN + head.y
    bottom = 297 - MARGIN - FOOTER_H
    per_page_first = int((bottom - top - ROW_H) // ROW_H)
    tail_h = ROW_H * 2 + 40.0  # totals, the amounts in words, signatures
    pages: list[list[tuple[str, ...]]] = []
    remaining = list(rows)
    while remaining:
        pages.append(remaining[:per_page_first])
        remaining = remaining[per_page_first:]
    if not pages:
        pages = [[]]
    last_room = bottom - top - ROW_H * (len(pages[-1]) + 1)
    if last_room < tail_h:
        pages.append([])

    def row(pdf: FPDF, cells: tuple[str, ...], y: float, style: str = "") -> None:
        pdf.set_font(FAMILY, style, BODY)
        for i, text in enumerate(cells):
            if not text:
                continue
            if i >= 2:
                x = xs[i] + widths[i] - 1.5 - m.width(text, style, BODY)
            else:
                x = xs[i] + 1.5
            draw_text(pdf, x, y + 0.7, ROW_H - 1.4, text, BODY)

    for number, page_rows in enumerate(pages, start=1):
        pdf.add_page()
        head.draw(pdf, MARGIN)
        y = top
        pdf.set_fill_color(225)
        pdf.rect(MARGIN, y, inner, ROW_H, style="F")
        row(pdf, titles, y, "B")
        y += ROW_H
        pdf.set_fill_color(243)
        for i, cells in enumerate(page_rows):
            if i % 2:
                pdf.rect(MARGIN, y, inner, ROW_H, style="F")
            row(pdf, cells, y)
            y += ROW_H
        if number == len(pages):
            pdf.set_line_width(0.3)
            pdf.line(MARGIN, y, MARGIN + inner, y)
            row(pdf, totals, y, "B")
            y += ROW_H
            pdf.line(MARGIN, y, MARGIN + inner, y)
            f = Flow(m, MARGIN, inner)
            f.space(3.0)
            f.text(words_total, 9)
            f.text(words_cost, 9)
            if doc.signatures:
                f.space(4.0)
                n = len(doc.signatures)
                w = (inner - 10.0 * (n - 1)) / n
                f.columns([(label, MARGIN + i * (w + 10.0), w, "", "C")
                           for i, label in enumerate(doc.signatures)], 9)
                f.space(14.0)
                for i in range(n):
                    x = MARGIN + i * (w + 10.0)
                    f.ops.append(("l", x, f.y, x + w, f.y, 0.25, True))
            f.draw(pdf, y)
        # footer
        fy = 297 - MARGIN - FOOTER_H + 2.0
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, fy, MARGIN + inner, fy)
        pdf.set_font(FAMILY, "", 7.5)
        lh = 7.5 * PT * 1.22
        if doc.printed_at is not None:
            printed = t["printed_by"].format(user=doc.printed_by or "-",
                                             date=format_date(doc.printed_at.date()),
                                             time=doc.printed_at.strftime("%H:%M"))
            draw_text(pdf, MARGIN, fy + 0.8, lh, printed, 7.5)
        page = t["page"].format(page=number, pages=len(pages))
        draw_text(pdf, MARGIN + inner - m.width(page, "", 7.5), fy + 0.8, lh, page, 7.5)
    return bytes(pdf.output())
