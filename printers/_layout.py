"""Measure-then-draw layout shared by the document builders.

fpdf2 writes a page's content with the page height already fixed, so a receipt whose
height fits its content is laid out first (text wrapped, heights summed) into a list of
drawing operations, then the page is added at the right size and the operations drawn.
Widths come straight from the font's advance widths (what fpdf2's get_string_width
sums, without its per-call overhead), and text is drawn with FPDF.text(): the cheap
path, which matters for a journal of thousands of lines.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from datetime import date, datetime

from fpdf import FPDF

from mifin_tui.services.kernel import dates
from printers._fonts import FAMILY

PT = 25.4 / 72  # one point in millimetres
LINE = 1.22  # line height as a multiple of the font size
_SPACES = re.compile(r"[ \t]+")  # not \s: NBSP and U+202F must keep a number together


class Measure:
    """String widths in mm for the DejaVu styles of one FPDF, cached per string."""

    def __init__(self, pdf: FPDF) -> None:
        # TTFFont.cw: code point -> advance width in 1/1000 em (a defaultdict).
        self._cw: dict[str, dict[int, float]] = {
            style: pdf.fonts[f"{FAMILY}{style}"].cw  # type: ignore[misc]
            for style in ("", "B")
        }
        self._cache: dict[tuple[str, str], float] = {}

    def units(self, text: str, style: str = "") -> float:
        """Width of `text` in 1/1000 of the font size."""
        key = (style, text)
        w = self._cache.get(key)
        if w is None:
            cw = self._cw[style]
            w = float(sum(cw[ord(c)] for c in text))
            if len(self._cache) < 50_000:
                self._cache[key] = w
        return w

    def width(self, text: str, style: str, size: float) -> float:
        return self.units(text, style) * size * PT / 1000

    def wrap(self, text: str, width: float, style: str, size: float) -> list[str]:
        """Lines of `text` no wider than `width` mm; words are cut only when longer than a line."""
        limit = width * 1000 / (size * PT)  # in font units, to compare without scaling
        space = self.units(" ", style)
        lines: list[str] = []
        for paragraph in text.replace("\r\n", "\n").split("\n"):
            words = [w for w in _SPACES.split(paragraph) if w]
            if not words:
                lines.append("")
                continue
            current: list[str] = []
            current_w = 0.0
            for word in words:
                ww = self.units(word, style)
                if current and current_w + space + ww <= limit:
                    current.append(word)
                    current_w += space + ww
                    continue
                if current:
                    lines.append(" ".join(current))
                if ww <= limit:
                    current, current_w = [word], ww
                    continue
                # A word wider than the line (an account number, a URL): cut it by characters.
                pieces = self._cut(word, limit, style)
                lines.extend(pieces[:-1])
                current, current_w = [pieces[-1]], self.units(pieces[-1], style)
            lines.append(" ".join(current))
        return lines

    def _cut(self, word: str, limit: float, style: str) -> list[str]:
        """Pieces of a too-long word, each within `limit`; after a hyphen or slash when
        the piece holds one, else between any two characters."""
        cw = self._cw[style]
        pieces: list[str] = []
        start, acc = 0, 0.0
        for i, ch in enumerate(word):
            w = cw[ord(ch)]
            if acc + w > limit and i > start:
                piece = word[start:i]
                soft = max(piece.rfind("-"), piece.rfind("/"))
                end = start + soft + 1 if soft > 0 else i
                pieces.append(word[start:end])
                start = end
                acc = sum(cw[ord(c)] for c in word[start:i])
            acc += w
        pieces.append(word[start:])
        return pieces

    def fits_words(self, text: str, width: float, style: str, size: float) -> bool:
        """True when no word of `text` is wider than `width` (no word has to be cut)."""
        limit = width * 1000 / (size * PT)
        return all(self.units(w, style) <= limit for w in _SPACES.split(text) if w)

    def fit_size(self, text: str, width: float, style: str, size: float, minimum: float) -> float:
        """The largest size <= `size` (0.5 pt steps) at which `text` fits one line, or `minimum`."""
        units = self.units(text, style)
        while size > minimum and units * size * PT / 1000 > width:
            size -= 0.5
        return max(size, minimum)


def line_height(size: float) -> float:
    return size * PT * LINE


def draw_text(pdf: FPDF, x: float, top: float, lh: float, text: str, size: float) -> None:
    """Text whose line box starts at `top` (mm) with height `lh`; same baseline as fpdf2 cells."""
    pdf.text(x, top + 0.5 * lh + 0.3 * size * PT, text)


class Flow:
    """A column of content laid out top-down, then drawn at any vertical offset.

    Operations are stored with y relative to the flow's top: ("t", x, y, style, size, text)
    for a line box of text, ("l", x1, y1, x2, y2, line width, dashed) for a rule,
    ("r", x, y, w, h, line width) for a frame.
    """

    def __init__(self, measure: Measure, x: float, width: float) -> None:
        self.m = measure
        self.x = x
        self.w = width
        self.y = 0.0
        self.ops: list[tuple] = []

    # ---- building
    def space(self, h: float) -> None:
        self.y += h

    def text(self, text: str, size: float, style: str = "", align: str = "L",
             x: float | None = None, w: float | None = None, leading: float = LINE) -> float:
        """Wrapped text in the column (or in [x, x + w]); returns the height used."""
        x = self.x if x is None else x
        w = self.w if w is None else w
        lh = size * PT * leading
        lines = self.m.wrap(text, w, style, size)
        self._lines(lines, x, w, self.y, lh, style, size, align)
        h = lh * len(lines)
        self.y += h
        return h

    def _lines(self, lines: list[str], x: float, w: float, top: float, lh: float,
               style: str, size: float, align: str) -> None:
        for i, line in enumerate(lines):
            if not line:
                continue
            lx = x
            if align != "L":
                lw = self.m.width(line, style, size)
                lx = x + (w - lw) if align == "R" else x + (w - lw) / 2
            self.ops.append(("t", lx, top + i * lh, lh, style, size, line))

    def columns(self, cells: Iterable[tuple[str, float, float, str, str]], size: float,
                gap_after: float = 0.0) -> float:
        """One row of side-by-side wrapped cells (text, x, w, style, align); the row is as
        tall as its tallest cell. Returns that height."""
        lh = size * PT * LINE
        top, tallest = self.y, 0
        for text, x, w, style, align in cells:
            lines = self.m.wrap(text, w, style, size) if text else []
            self._lines(lines, x, w, top, lh, style, size, align)
            tallest = max(tallest, len(lines))
        h = tallest * lh
        self.y += h + gap_after
        return h

    def rule(self, width: float = 0.2, dashed: bool = False, before: float = 1.0,
             after: float = 1.2, x: float | None = None, w: float | None = None) -> None:
        x = self.x if x is None else x
        w = self.w if w is None else w
        self.y += before
        self.ops.append(("l", x, self.y, x + w, self.y, width, dashed))
        self.y += after

    def frame(self, top: float, height: float, width: float = 0.5) -> None:
        self.ops.append(("r", self.x, top, self.w, height, width))

    def image(self, png: bytes, size: float, align: str = "C") -> None:
        """A square image (a QR code), `size` mm wide, on its own line."""
        x = self.x + (self.w - size) / 2 if align == "C" else self.x
        self.ops.append(("i", x, self.y, size, png))
        self.y += size

    def merge(self, other: Flow, top: float) -> None:
        """Add `other`'s operations with its top at `top` in this flow (y not moved)."""
        for op in other.ops:
            if op[0] == "t":
                self.ops.append((op[0], op[1], op[2] + top, *op[3:]))
            elif op[0] == "l":
                self.ops.append((op[0], op[1], op[2] + top, op[3], op[4] + top, *op[5:]))
            else:
                self.ops.append((op[0], op[1], op[2] + top, *op[3:]))

    # ---- drawing
    def draw(self, pdf: FPDF, y0: float) -> None:
        font: tuple[str, float] | None = None
        for op in self.ops:
            kind = op[0]
            if kind == "t":
                _, x, y, lh, style, size, text = op
                if font != (style, size):
                    pdf.set_font(FAMILY, style, size)
                    font = (style, size)
                draw_text(pdf, x, y0 + y, lh, text, size)
            elif kind == "l":
                _, x1, y1, x2, y2, lw, dashed = op
                pdf.set_line_width(lw)
                if dashed:
                    pdf.set_dash_pattern(dash=0.8, gap=0.6)
                pdf.line(x1, y0 + y1, x2, y0 + y2)
                if dashed:
                    pdf.set_dash_pattern()
            elif kind == "r":
                _, x, y, w, h, lw = op
                pdf.set_line_width(lw)
                pdf.rect(x, y0 + y, w, h)
            elif kind == "i":
                _, x, y, size, png = op
                pdf.image(io.BytesIO(png), x, y0 + y, size, size)


def doc_texts(doc: object) -> list[str]:
    """Every string inside a document dataclass (to check the font covers them)."""
    out: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            out.append(value)
        elif is_dataclass(value) and not isinstance(value, type):
            for f in fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)

    walk(doc)
    return out


def format_date(d: date, language: str = dates.DEFAULT_LANGUAGE) -> str:
    return dates.format_date(d, language)


def format_datetime(dt: datetime, language: str = dates.DEFAULT_LANGUAGE) -> str:
    return dates.format_datetime(dt, language)


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
