"""Any registry report (a `ReportTable`) on A4: institution header, title and subtitle,
the table with its column titles repeated on each page, totals and notes at the end,
"printed by / at" and "Page x / y" at the foot of every page.

Landscape when the report asks for it or its columns need the width. Rows are laid out
once from measured widths and drawn with FPDF.text(), as the cash journal is.
"""

from __future__ import annotations

from fpdf import FPDF

from mifin_tui.i18n import N_, translator
from mifin_tui.services.reports.table import (
    HEADING,
    PLAIN,
    SUBTOTAL,
    ReportTable,
    format_cell,
    is_figure,
)
from printers._fonts import FAMILY, new_pdf
from printers._layout import PT, Measure, draw_text, format_date

__all__ = ["report_pdf"]

MARGIN = 10.0
BODY = 7.5
PAD = 1.0
ROW_PAD = 0.6
FOOTER_H = 7.0
HEADER_H = 24.0
TEXT_MIN = 40.0  # narrowest wrapped text column before switching to landscape

LABELS = {
    "printed_by": N_("Printed by {user} on {date} at {time}"),
    "printed_at": N_("Printed on {date} at {time}"),
    "page": N_("Page {page} / {pages}"),
    "currency": N_("Amounts in {currency}"),
}


class _Layout:
    def __init__(self, pdf: FPDF, table: ReportTable, t: dict[str, str]) -> None:
        self.m = m = Measure(pdf)
        self.table, self.t = table, t
        lang = table.language
        self.lh = BODY * PT * 1.22
        cols = table.columns
        self.texts = [[format_cell(c, v, lang) for c, v in zip(cols, row, strict=True)]
                      for row in table.rows]
        self.total_texts = ([format_cell(c, v, lang) for c, v in zip(cols, table.totals,
                                                                      strict=True)]
                            if table.totals else None)
        sample = self.texts[:2000] + ([self.total_texts] if self.total_texts else [])
        widths = []
        for i, c in enumerate(cols):
            w = max((m.width(r[i], "B", BODY) for r in sample), default=0.0)
            # A little slack: a cell exactly as wide as its text would wrap on rounding.
            widths.append(max(w, m.width(c.title, "B", BODY)) + 2 * PAD + 0.5)
        # The widest text column takes what is left, and wraps.
        text_cols = [i for i, c in enumerate(cols) if not is_figure(c)]
        self.flex = max(text_cols, key=lambda i: widths[i]) if text_cols else None
        fixed = sum(w for i, w in enumerate(widths) if i != self.flex)
        self.landscape = table.landscape or fixed + TEXT_MIN > 210 - 2 * MARGIN
        self.page_w, self.page_h = (297.0, 210.0) if self.landscape else (210.0, 297.0)
        inner = self.page_w - 2 * MARGIN
        if self.flex is not None:
            widths[self.flex] = max(inner - fixed, TEXT_MIN)
        scale = min(1.0, inner / sum(widths))
        self.widths = [w * scale for w in widths]
        self.inner = inner
        xs, x = [], MARGIN
        for w in self.widths:
            xs.append(x)
            x += w
        self.xs = xs

    def cells(self, texts: list[str], style: str) -> tuple[list[list[str]], float]:
        out, n = [], 1
        for i, text in enumerate(texts):
            inner = self.widths[i] - 2 * PAD
            if not text:
                out.append([])
            elif self.m.width(text, style, BODY) <= inner:
                out.append([text])
            else:
                lines = self.m.wrap(text, inner, style, BODY)
                out.append(lines)
                n = max(n, len(lines))
        return out, n * self.lh + 2 * ROW_PAD

    def draw_row(self, pdf: FPDF, cells: list[list[str]], y: float, style: str) -> None:
        pdf.set_font(FAMILY, style, BODY)
        for i, lines in enumerate(cells):
            top = y + ROW_PAD
            right = is_figure(self.table.columns[i])
            for line in lines:
                x = (self.xs[i] + self.widths[i] - PAD - self.m.width(line, style, BODY)
                     if right else self.xs[i] + PAD)
                draw_text(pdf, x, top, self.lh, line, BODY)
                top += self.lh


def report_pdf(table: ReportTable) -> bytes:
    t = {k: translator(table.language)(v) for k, v in LABELS.items()}
    texts = [table.title, table.subtitle, table.institution, table.branch, table.printed_by,
             *table.notes, *(c.title for c in table.columns), *t.values()]
    for row in table.rows[:5000]:
        texts.extend(str(v) for v in row if isinstance(v, str))
    pdf = new_pdf(texts, title=table.title, language=table.language)
    lay = _Layout(pdf, table, t)
    head_cells, head_h = lay.cells([c.title for c in table.columns], "B")
    rows = []
    for i, texts_row in enumerate(lay.texts):
        style = table.style(i)
        rows.append((*lay.cells(texts_row, "B" if style in (HEADING, SUBTOTAL) else ""),
                     style))
    if lay.total_texts:
        rows.append((*lay.cells(lay.total_texts, "B"), SUBTOTAL))
    top = MARGIN + HEADER_H + head_h
    bottom = lay.page_h - MARGIN - FOOTER_H
    notes_h = len(table.notes) * 9 * PT * 1.4 + (3 if table.notes else 0)
    pages: list[list[tuple]] = [[]]
    used = 0.0
    for row in rows:
        if pages[-1] and used + row[1] > bottom - top:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += row[1]
    if notes_h and used + notes_h > bottom - top:
        pages.append([])
    orientation = "L" if lay.landscape else "P"
    for number, page_rows in enumerate(pages, start=1):
        pdf.add_page(orientation=orientation, format="A4")
        _header(pdf, lay, table)
        y = MARGIN + HEADER_H
        pdf.set_fill_color(225)
        pdf.rect(MARGIN, y, lay.inner, head_h, style="F")
        lay.draw_row(pdf, head_cells, y, "B")
        y += head_h
        pdf.set_line_width(0.3)
        pdf.line(MARGIN, y, MARGIN + lay.inner, y)
        for cells, h, style in page_rows:
            if style == HEADING:
                pdf.set_fill_color(238)
                pdf.rect(MARGIN, y, lay.inner, h, style="F")
            lay.draw_row(pdf, cells, y, "" if style == PLAIN else "B")
            if style == SUBTOTAL:
                pdf.set_line_width(0.2)
                pdf.line(MARGIN, y, MARGIN + lay.inner, y)
            y += h
        if number == len(pages) and table.notes:
            y += 3
            pdf.set_font(FAMILY, "", 9)
            for note in table.notes:
                draw_text(pdf, MARGIN, y, 9 * PT * 1.4, note, 9)
                y += 9 * PT * 1.4
        _footer(pdf, lay, table, number, len(pages))
    return bytes(pdf.output())


def _header(pdf: FPDF, lay: _Layout, table: ReportTable) -> None:
    m = lay.m
    pdf.set_font(FAMILY, "B", 10.5)
    draw_text(pdf, MARGIN, MARGIN, 10.5 * PT * 1.22, table.institution, 10.5)
    pdf.set_font(FAMILY, "", 8.5)
    draw_text(pdf, MARGIN, MARGIN + 5, 8.5 * PT * 1.22, table.branch, 8.5)
    pdf.set_font(FAMILY, "B", 13)
    title = table.title
    draw_text(pdf, MARGIN + (lay.inner - m.width(title, "B", 13)) / 2, MARGIN + 9,
              13 * PT * 1.22, title, 13)
    pdf.set_font(FAMILY, "", 9)
    sub = table.subtitle
    draw_text(pdf, MARGIN + (lay.inner - m.width(sub, "", 9)) / 2, MARGIN + 16,
              9 * PT * 1.22, sub, 9)


def _footer(pdf: FPDF, lay: _Layout, table: ReportTable, number: int, total: int) -> None:
    t = lay.t
    y = lay.page_h - MARGIN - FOOTER_H + 2.0
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, y, MARGIN + lay.inner, y)
    pdf.set_font(FAMILY, "", 7.5)
    lh = 7.5 * PT * 1.22
    if table.printed_at is not None:
        when = {"date": format_date(table.printed_at.date()),
                "time": table.printed_at.strftime("%H:%M")}
        printed = (t["printed_by"].format(user=table.printed_by, **when) if table.printed_by
                   else t["printed_at"].format(**when))
        draw_text(pdf, MARGIN, y + 0.8, lh, printed, 7.5)
    page = t["page"].format(page=number, pages=total)
    draw_text(pdf, MARGIN + lay.inner - lay.m.width(page, "", 7.5), y + 0.8, lh, page, 7.5)
