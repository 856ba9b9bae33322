"""Cash vouchers (BE, BS, BR, TC): thermal roll receipts, and an A4 form.

`voucher_pdf(doc, paper_mm)` gives one page per copy ("Exemplaire client",
"Exemplaire caisse", ...) on a 58 mm or 80 mm roll, each page exactly as tall as its
content: the copy is laid out first, then its page is added at the measured height.
`voucher_a4_pdf(doc)` prints the copies as half-pages of A4 (two A5 forms with a cut
line), for branches with an office printer.

Everything prints in the document's language (doc.language), whatever the user's:
labels through mifin_tui.i18n.translator, amounts through format_amount. Nothing is
ever cut: long texts wrap, long words break. A voucher with a receipt code ends with
its QR code and the code in letters, for `mifin verify-receipt`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno

from mifin_tui.services.kernel.documents import VoucherDoc
from mifin_tui.services.kernel.money import format_amount
from printers._fonts import new_pdf, warm_up
from printers._layout import (
    Flow,
    Measure,
    capitalize_first,
    doc_texts,
    format_date,
    format_datetime,
)
from printers.voucher_labels import labels

__all__ = [
    "PAPER_WIDTHS",
    "voucher_pdf",
    "voucher_a4_pdf",
    "voucher_page_sizes",
    "warm_up",
]

# paper width (mm) -> printable width (mm) of the thermal roll printers we support
PAPER_WIDTHS = {58: 48.0, 80: 72.0}

TOP_MARGIN = 3.0
BOTTOM_MARGIN = 7.0  # paper fed past the tear bar, so the last signature line is kept
A4 = (210.0, 297.0)


@dataclass(frozen=True)
class _Style:
    x: float  # left edge of the printable column
    width: float  # printable width
    base: float  # body font size (pt)
    label_w: float  # label column of the "label  value" rows
    amount: float  # amount in figures (pt), shrunk to fit one line when needed
    title: float
    signature_cols: int
    signature_space: float  # blank height above each signature line (mm)
    two_columns: bool = False  # details beside the amount (A4 half-sheet form)


def _roll_style(paper_mm: int) -> _Style:
    try:
        printable = PAPER_WIDTHS[paper_mm]
    except KeyError:
        raise ValueError(
            f"unsupported roll width {paper_mm} mm; supported: {sorted(PAPER_WIDTHS)}"
        ) from None
    narrow = paper_mm < 70
    return _Style(
        x=(paper_mm - printable) / 2,
        width=printable,
        base=7.5 if narrow else 8.5,
        label_w=17.0 if narrow else 23.0,
        amount=13.0 if narrow else 16.0,
        title=9.5 if narrow else 11.0,
        signature_cols=2 if narrow else 3,
        signature_space=11.0,
    )


def _a4_style(base: float) -> _Style:
    return _Style(x=15.0, width=180.0, base=base, label_w=24.0, amount=base + 7,
                  title=base + 2.5, signature_cols=3, signature_space=12.0,
                  two_columns=True)


def _labels(language: str) -> dict[str, str]:
    """The labels in `language` (their characters also choose the font cut)."""
    return labels(language)


def _voucher_flow(m: Measure, doc: VoucherDoc, copy_label: str, s: _Style,
                  t: dict[str, str]) -> Flow:
    f = Flow(m, s.x, s.width)
    small = s.base - 1
    gap = 1.5

    def money(minor: int) -> str:
        return format_amount(minor, doc.currency, doc.language)

    details: list[tuple[str, str, str]] = [
        (t["business_date"], format_date(doc.business_date), ""),
        (t["posted_at"], format_datetime(doc.posted_at), ""),
    ]
    if doc.account_number:
        details.append((t["account"], doc.account_number, "B"))
    if doc.account_holder:
        details.append((t["holder"], doc.account_holder, ""))
    if doc.party_name or doc.party_label:
        details.append((doc.party_label, doc.party_name, ""))
    if doc.party_id:
        details.append((t["party_id"], doc.party_id, ""))
    if doc.purpose:
        details.append((t["purpose"], doc.purpose, ""))
    staff = [(label, value, "") for label, value in
             ((t["cashier"], doc.cashier), (t["till"], doc.till),
              (t["approved_by"], doc.approved_by)) if value]
    # The label column is as wide as the widest label, within bounds; longer labels wrap.
    all_labels = [row[0] for row in details + staff] + [t["balance"]] + [
        line.label for line in doc.remaining]
    widest = max(m.width(label, "", s.base) for label in all_labels) + 0.5

    def rows(g: Flow, items: list[tuple[str, str, str]], align: str = "L") -> None:
        label_w = min(max(widest, s.label_w), g.w * 0.45)
        value_w = g.w - label_w - gap
        for label, value, style in items:
            if not m.fits_words(value, value_w, style, s.base):
                # An account number or reference wider than the value column: the label on
                # its own line, the value under it across the whole width, kept whole.
                g.text(label, s.base)
                g.text(value, s.base, style, "R" if align == "R" else "L", x=g.x + 2,
                       w=g.w - 2)
                g.space(0.7)
                continue
            g.columns([(label, g.x, label_w, "", "L"),
                       (value, g.x + label_w + gap, value_w, style, align)],
                      s.base, gap_after=0.7)

    # ---- header
    if copy_label:
        f.text(copy_label, small, "B", "R")
        f.space(0.8)
    if doc.duplicate:
        top = f.y
        f.space(1.2)
        word = t["duplicate"]
        f.text(word, m.fit_size(word, s.width - 4, "B", s.amount, s.base), "B", "C")
        f.space(0.6)
        f.frame(top, f.y - top, 0.7)
        f.space(1.8)
    f.text(doc.institution, s.title, "B", "C")
    f.text(t["branch"].format(name=doc.branch_name, code=doc.branch_code), s.base, "", "C")
    f.rule(0.3, before=1.2, after=1.6)
    f.text(doc.title, s.title, "B", "C")
    f.text(t["number"].format(number=doc.number), s.base + 1.5, "B", "C")
    if doc.reversal_of:
        f.text(t["reversal"].format(number=doc.reversal_of), s.base, "B", "C")
    f.rule(dashed=True, before=1.2, after=1.6)

    # ---- amount block
    def amount_block(g: Flow) -> None:
        g.text(t["amount"], small, "", "C")
        figures = money(doc.amount)
        g.text(figures, m.fit_size(figures, g.w, "B", s.amount, s.base), "B", "C")
        g.space(1.0)
        if doc.amount_words:
            g.text(t["words"], small)
            g.text(capitalize_first(doc.amount_words), s.base)
        if doc.breakdown:
            g.rule(dashed=True, before=1.2, after=1.4)
            texts = [money(line.amount) for line in doc.breakdown]
            amount_w = max(m.width(text, "", s.base) for text in texts) + 1.0
            for line, text in zip(doc.breakdown, texts, strict=True):
                g.columns([(line.label, g.x, g.w - amount_w - gap, "", "L"),
                           (text, g.x + g.w - amount_w, amount_w, "", "R")],
                          s.base, gap_after=0.5)
        if doc.balance_after is not None:
            g.rule(dashed=True, before=1.0, after=1.4)
            rows(g, [(t["balance"], money(doc.balance_after), "B")], align="R")
        if doc.remaining:
            # a loan's three figures, labelled as on the repayment screen
            g.rule(dashed=True, before=1.0, after=1.4)
            g.text(t["remaining"], small, "B")
            rows(g, [(line.label, money(line.amount), "B") for line in doc.remaining],
                 align="R")

    if s.two_columns:
        # Details and staff on the left, the amount on the right: half an A4 sheet.
        col_gap = 8.0
        col_w = (s.width - col_gap) / 2
        left = Flow(m, s.x, col_w)
        rows(left, details + staff)
        right = Flow(m, s.x + col_w + col_gap, col_w)
        amount_block(right)
        top = f.y
        f.merge(left, top)
        f.merge(right, top)
        f.y = top + max(left.y, right.y)
        f.rule(0.3, before=0.8, after=0.6)
    else:
        rows(f, details)
        f.rule(0.3, before=0.8, after=1.4)
        amount_block(f)
        if staff:
            f.rule(0.3, before=0.8, after=1.4)
            rows(f, staff)

    # ---- signatures
    if doc.signatures:
        f.space(2.0)
        cols = max(1, min(s.signature_cols, len(doc.signatures)))
        col_gap = 5.0
        col_w = (s.width - col_gap * (cols - 1)) / cols
        for start in range(0, len(doc.signatures), cols):
            group = doc.signatures[start : start + cols]
            # a shorter last row is centred
            x0 = s.x + (s.width - len(group) * col_w - (len(group) - 1) * col_gap) / 2
            cells = [(label, x0 + i * (col_w + col_gap), col_w, "", "C")
                     for i, label in enumerate(group)]
            f.columns(cells, small)
            f.space(s.signature_space)
            line_y = f.y
            for i in range(len(group)):
                x = x0 + i * (col_w + col_gap)
                f.ops.append(("l", x, line_y, x + col_w, line_y, 0.25, True))
            f.space(3.0)
    if doc.receipt_code:
        _receipt_code(f, m, doc.receipt_code, s, t)
    return f


def qr_png(text: str) -> bytes:
    """A QR code of `text` (error correction M) as a PNG, its quiet zone included."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=4, border=4)
    return out.getvalue()


def _receipt_code(f: Flow, m: Measure, code: str, s: _Style, t: dict[str, str]) -> None:
    """The QR code and, under it, the code a person types to verify the slip."""
    f.rule(dashed=True, before=1.0, after=0.8)
    f.text(t["code"], s.base - 1, "", "C")
    f.image(qr_png(code), 18.0 if s.width < 60 else 22.0)
    size = m.fit_size(code, f.w, "B", s.base, s.base - 1.5)
    if m.width(code, "B", size) <= f.w:
        f.text(code, size, "B", "C")
        return
    # two lines, cut at the dash nearest the middle (a 58 mm roll)
    cuts = [i for i, ch in enumerate(code) if ch == "-"]
    cut = min(cuts, key=lambda i: abs(i - len(code) / 2))
    f.text(code[:cut + 1], size, "B", "C")
    f.text(code[cut + 1:], size, "B", "C")


def _copies(doc: VoucherDoc) -> tuple[str, ...]:
    return doc.copies or ("",)


def _title(doc: VoucherDoc) -> str:
    return f"{doc.title} {doc.number}"


def voucher_pdf(doc: VoucherDoc, paper_mm: int = 80) -> bytes:
    """The voucher on a `paper_mm` (58 or 80) thermal roll: one page per copy, each as tall
    as its content."""
    style = _roll_style(paper_mm)
    t = _labels(doc.language)
    pdf = new_pdf([*doc_texts(doc), *t.values()], format=(paper_mm, 100), title=_title(doc),
                  language=doc.language)
    m = Measure(pdf)
    for label in _copies(doc):
        flow = _voucher_flow(m, doc, label, style, t)
        height = round(TOP_MARGIN + flow.y + BOTTOM_MARGIN, 1)
        pdf.add_page(format=(paper_mm, height))
        flow.draw(pdf, TOP_MARGIN)
    return bytes(pdf.output())


def voucher_page_sizes(doc: VoucherDoc, paper_mm: int = 80) -> list[tuple[float, float]]:
    """(width, height) in mm of each page voucher_pdf() would print, without building it."""
    style = _roll_style(paper_mm)
    t = _labels(doc.language)
    pdf = new_pdf([*doc_texts(doc), *t.values()], format=(paper_mm, 100))
    m = Measure(pdf)
    return [(float(paper_mm), round(TOP_MARGIN + _voucher_flow(m, doc, label, style, t).y
                                    + BOTTOM_MARGIN, 1))
            for label in _copies(doc)]


def voucher_a4_pdf(doc: VoucherDoc) -> bytes:
    """The voucher as A5 forms on A4 paper: two copies per sheet, one above the other with a
    dashed cut line; a copy too long for half a sheet gets a sheet of its own."""
    t = _labels(doc.language)
    pdf = new_pdf([*doc_texts(doc), *t.values()], format="A4", title=_title(doc),
                  language=doc.language)
    m = Measure(pdf)
    half = A4[1] / 2
    margin = 10.0
    # The largest body size at which every copy holds in half a sheet; else a sheet each.
    for base in (10.0, 9.5, 9.0, 8.5, 8.0):
        flows = [_voucher_flow(m, doc, label, _a4_style(base), t) for label in _copies(doc)]
        fits_half = all(flow.y <= half - 2 * margin for flow in flows)
        if fits_half:
            break
    if not fits_half:
        for flow in flows:
            pdf.add_page()
            flow.draw(pdf, 15.0)
        return bytes(pdf.output())
    for i, flow in enumerate(flows):
        if i % 2 == 0:
            pdf.add_page()
            flow.draw(pdf, margin)
        else:
            pdf.set_line_width(0.2)
            pdf.set_dash_pattern(dash=2, gap=2)
            pdf.line(5, half, A4[0] - 5, half)
            pdf.set_dash_pattern()
            flow.draw(pdf, half + margin)
    return bytes(pdf.output())
