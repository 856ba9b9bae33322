"""Cash vouchers as ESC/POS text for 58 and 80 mm thermal printers.

`voucher_escpos(doc, paper_mm)` gives the bytes a receipt printer prints as they are:
every copy of the voucher ("Exemplaire client", "Exemplaire caisse", ...), each begun
by `ESC @` (initialise) and `ESC t n` (the code page), its header in bold, the amount
in figures (bold, double height) and in words, and ended by a partial cut `GS V 66 0`
that feeds the copy past the cutter first. It is what the terminal pass-through
(printers.backends.TerminalPrinter) carries to a printer plugged into the cashier's PC,
and needs no PDF library, no font and no driver on that PC.

Lines are the printer's Font A columns: 32 on a 58 mm roll, 48 on an 80 mm roll; no line
is longer, long texts wrap on words and a word longer than a line is cut. Text is encoded
in a DOS code page that every ESC/POS printer carries (CP850 by default, CP858 with the
euro sign), so that French accents print; a character the code page lacks prints as its
unaccented letter, or "?".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from mifin_tui.services.kernel.dates import format_date, format_datetime
from mifin_tui.services.kernel.documents import VoucherDoc
from mifin_tui.services.kernel.money import format_amount
from printers.voucher_labels import labels

__all__ = [
    "CODE_PAGES",
    "COLUMNS",
    "CUT",
    "INIT",
    "encode",
    "voucher_escpos",
    "voucher_lines",
    "wrap",
]

ESC = b"\x1b"
GS = b"\x1d"
INIT = ESC + b"@"
CUT = GS + b"V" + bytes([66, 0])  # feed to the cutter, then a partial cut
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
TALL_ON, TALL_OFF = ESC + b"!\x10", ESC + b"!\x00"  # double height: same columns
ALIGN_LEFT = ESC + b"a\x00"
ALIGN_CENTER = ESC + b"a\x01"

# paper width (mm) -> characters per line in Font A (12 x 24 dots at 203 dpi)
COLUMNS = {58: 32, 80: 48}
# Python codec -> the `ESC t n` number of that table on Epson and its clones
CODE_PAGES = {"cp850": 2, "cp858": 19}

# Typographic characters of our texts that the DOS code pages lack, and what prints instead.
_PLAIN = str.maketrans({
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u2022": "*",
})


def printable(text: str, codec: str = "cp850") -> str:
    """`text` with every character the code page can print: typographic quotes and
    spaces made plain, letters it lacks without their accents, anything else "?"."""
    text = unicodedata.normalize("NFC", text.translate(_PLAIN))
    out = []
    for ch in text:
        if ch in "\r\n\t":
            out.append(" ")
            continue
        try:
            ch.encode(codec)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                           if not unicodedata.combining(c))
            try:
                base.encode(codec)
            except UnicodeEncodeError:
                base = "?"
            ch = base or "?"
        if unicodedata.category(ch) == "Cc":
            ch = " "  # a control character would be a printer command
        out.append(ch)
    return "".join(out)


def encode(text: str, codec: str = "cp850") -> bytes:
    return printable(text, codec).encode(codec)


def wrap(text: str, width: int) -> list[str]:
    """Lines of `text` no longer than `width`; a word longer than a line is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if current and len(current) + 1 + len(word) <= width:
            current += " " + word
        elif current:
            lines.append(current)
            current = word
        else:
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def _center(text: str, width: int) -> list[str]:
    return [line.center(width).rstrip() for line in wrap(text, width)]


def _right(text: str, width: int) -> list[str]:
    return [line.rjust(width) for line in wrap(text, width)]


def _rows(items: Iterable[tuple[str, str]], width: int, label_w: int,
          align_right: bool = False) -> list[str]:
    """ "label  value" rows: the value wraps in its own column; a label longer than its
    column gets a line of its own, the value under it."""
    out: list[str] = []
    value_w = width - label_w - 1
    for label, value in items:
        if len(label) > label_w:
            out.extend(wrap(label, width))
            values = wrap(value, width - 2)
            out.extend((v.rjust(width) if align_right else "  " + v) for v in values)
            continue
        values = wrap(value, value_w)
        for i, v in enumerate(values):
            head = label.ljust(label_w) if i == 0 else " " * label_w
            cell = v.rjust(value_w) if align_right else v
            out.append((head + " " + cell).rstrip())
    return out


# A line: (text, style) with style "" (plain), "b" (bold), "tall" (bold, double height).
Line = tuple[str, str]


def voucher_lines(doc: VoucherDoc, copy_label: str, width: int,
                  codec: str = "cp850") -> list[Line]:
    """One copy of the voucher as lines of at most `width` characters (already limited to
    what `codec` prints), each with its style."""
    t = labels(doc.language)

    def p(text: str) -> str:
        return printable(text, codec)

    def money(minor: int) -> str:
        return p(format_amount(minor, doc.currency, doc.language))

    lines: list[Line] = []

    def add(texts: Iterable[str], style: str = "") -> None:
        lines.extend((text, style) for text in texts)

    rule, thin = "=" * width, "-" * width
    if copy_label:
        add(_right(p(copy_label), width), "b")
    if doc.duplicate:
        add(_center(f"*** {p(t['duplicate'])} ***", width), "tall")
    add(_center(p(doc.institution), width), "b")
    add(_center(p(t["branch"].format(name=doc.branch_name, code=doc.branch_code)), width))
    add([rule])
    add(_center(p(doc.title), width), "b")
    add(_center(p(t["number"].format(number=doc.number)), width), "b")
    if doc.reversal_of:
        add(_center(p(t["reversal"].format(number=doc.reversal_of)), width), "b")
    add([thin])

    details = [(t["business_date"], format_date(doc.business_date, doc.language)),
               (t["posted_at"], format_datetime(doc.posted_at, doc.language))]
    if doc.account_number:
        details.append((t["account"], doc.account_number))
    if doc.account_holder:
        details.append((t["holder"], doc.account_holder))
    if doc.party_name or doc.party_label:
        details.append((doc.party_label, doc.party_name))
    if doc.party_id:
        details.append((t["party_id"], doc.party_id))
    if doc.purpose:
        details.append((t["purpose"], doc.purpose))
    staff = [(label, value) for label, value in
             ((t["cashier"], doc.cashier), (t["till"], doc.till),
              (t["approved_by"], doc.approved_by)) if value]
    figures = [(line.label, money(line.amount)) for line in doc.breakdown]
    if doc.balance_after is not None:
        figures.append((t["balance"], money(doc.balance_after)))
    remaining = [(line.label, money(line.amount)) for line in doc.remaining]
    every_label = [label for label, _v in (*details, *staff, *figures, *remaining)]
    label_w = min(max((len(p(label)) for label in every_label), default=8),
                  max(width * 2 // 5, 14))

    def rows(items: list[tuple[str, str]], align_right: bool = False) -> list[str]:
        return _rows(((p(a), p(b)) for a, b in items), width, label_w, align_right)

    add(rows(details))
    add([thin])
    add(_center(p(t["amount"]), width))
    add(_center(money(doc.amount), width), "tall")
    if doc.amount_words:
        add([p(t["words"])])
        words = p(doc.amount_words)
        add(wrap(words[:1].upper() + words[1:], width), "b")
    if figures:
        add([thin])
        add(rows(figures, align_right=True))
    if remaining:
        add([thin])
        add(wrap(p(t["remaining"]), width), "b")
        add(rows(remaining, align_right=True))
    if staff:
        add([thin])
        add(rows(staff))
    for signature in doc.signatures:
        # room to sign above a line that names who signs
        add(["", ""])
        name = p(signature)[: width - 4]
        add([name + " " + "_" * (width - len(name) - 1)])
    if doc.receipt_code:
        # the code a member or an auditor types to verify the slip (its QR code follows,
        # drawn by the printer: `qr_code`)
        add([thin])
        add(_center(p(t["code"]), width))
        add([line.center(width).rstrip() for line in _code_lines(doc.receipt_code, width)],
            "b")
    return lines


def _code_lines(code: str, width: int) -> list[str]:
    """The code whole, or cut at the dash nearest its middle when the roll is narrower
    (as the PDF slip does): it stays what the member types, dashes included."""
    if len(code) <= width:
        return [code]
    cuts = [i for i, ch in enumerate(code) if ch == "-"] or [width - 1]
    cut = min(cuts, key=lambda i: abs(i - len(code) / 2))
    return [code[:cut + 1], code[cut + 1:]]


def qr_code(text: str, module: int = 4) -> bytes:
    """The printer's own QR code of `text` (ESC/POS `GS ( k`, model 2, error correction
    M, centred): the same content as the PDF slip's QR code."""
    data = text.encode("ascii")
    size = len(data) + 3

    def fn(*args: int) -> bytes:
        return GS + b"(k" + bytes(args)

    return (ALIGN_CENTER + fn(4, 0, 49, 65, 50, 0) + fn(3, 0, 49, 67, module)
            + fn(3, 0, 49, 69, 49) + GS + b"(k" + bytes([size % 256, size // 256, 49, 80, 48])
            + data + fn(3, 0, 49, 81, 48) + b"\n" + ALIGN_LEFT)


_STYLE_ON = {"": b"", "b": BOLD_ON, "tall": BOLD_ON + TALL_ON}
_STYLE_OFF = {"": b"", "b": BOLD_OFF, "tall": TALL_OFF + BOLD_OFF}


def voucher_escpos(doc: VoucherDoc, paper_mm: int = 80, codec: str = "cp850") -> bytes:
    """Every copy of the voucher, each initialised, printed and cut, as ESC/POS bytes."""
    try:
        width = COLUMNS[paper_mm]
    except KeyError:
        raise ValueError(f"unsupported roll width {paper_mm} mm; supported: "
                         f"{sorted(COLUMNS)}") from None
    try:
        table = CODE_PAGES[codec]
    except KeyError:
        raise ValueError(f"unsupported code page {codec!r}; supported: "
                         f"{sorted(CODE_PAGES)}") from None
    out = bytearray()
    for label in doc.copies or ("",):
        out += INIT + ESC + b"t" + bytes([table]) + ALIGN_LEFT
        for text, style in voucher_lines(doc, label, width, codec):
            out += _STYLE_ON[style] + text.encode(codec) + _STYLE_OFF[style] + b"\n"
        if doc.receipt_code:
            out += qr_code(doc.receipt_code)
        out += b"\n" + CUT
    return bytes(out)
