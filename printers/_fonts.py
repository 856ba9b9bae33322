"""The fonts every document uses: DejaVu Sans (regular, bold), shipped in printers/fonts.

fpdf2's core fonts are latin-1 only; DejaVu prints é è ç « » ’ – and the no-break
spaces of French number formatting on any machine, without system fonts.

Speed: loading the full 750 kB DejaVu face costs fpdf2 ~14 ms per style per document
and subsetting it at output another ~8 ms. So, once per process, the shipped faces are
cut down in memory (fontTools, ~0.1 s per style) to the scripts a branch prints: Latin
with every extension (West African and Congolese names, Vietnamese), punctuation,
currency and a few symbols. Documents then load those small faces (~2.5 ms each).
A document with a character outside that set gets the full faces instead: slower,
never a missing glyph.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterable
from importlib import resources

from fontTools import subset as ft_subset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import TTFFont

__all__ = ["FAMILY", "FONT_FILES", "font_file_bytes", "new_pdf", "covered"]

FAMILY = "dejavu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

# What the in-memory faces keep (fontTools/CSS "U+" syntax).
_COMMON_UNICODES = (
    "U+0020-007E, U+00A0-036F, U+1E00-1EFF, U+2000-206F, U+20A0-20CF, U+2100-214F,"
    " U+2190-2199, U+2212, U+2260-2265, U+25A0-25CF, U+FFFD"
)

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_full: dict[str, bytes] = {}
_reduced: dict[str, bytes] = {}
_reduced_cmap: frozenset[int] | None = None
_direct_load_ok = True  # False once fpdf2 refused a TTFFont built from bytes


def font_file_bytes(style: str = "") -> bytes:
    """The shipped TTF file of `style` ("" or "B"), read through importlib.resources."""
    with _lock:
        data = _full.get(style)
        if data is None:
            data = (resources.files(__package__) / "fonts" / FONT_FILES[style]).read_bytes()
            _full[style] = data
    return data


def _reduce(data: bytes) -> tuple[bytes, frozenset[int]]:
    font = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False)
    options = ft_subset.Options()
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.layout_features = []  # fpdf2 does not shape our text: no GSUB/GPOS needed
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM", "hdmx", "kern"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=ft_subset.parse_unicodes(_COMMON_UNICODES))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), frozenset(font.getBestCmap())


def _reduced_bytes(style: str) -> bytes:
    global _reduced_cmap
    data = font_file_bytes(style)
    with _lock:
        if style not in _reduced:
            _reduced[style], cmap = _reduce(data)
            # Both styles cover the same characters; keep the smaller set to be safe.
            _reduced_cmap = cmap if _reduced_cmap is None else _reduced_cmap & cmap
        return _reduced[style]


def covered(texts: Iterable[str]) -> bool:
    """True when the reduced faces hold every character of `texts`."""
    for style in FONT_FILES:
        _reduced_bytes(style)
    assert _reduced_cmap is not None
    cmap = _reduced_cmap
    return all(ord(ch) in cmap for text in texts for ch in text if ch not in "\n\r\t")


def _register(pdf: FPDF, style: str, data: bytes) -> None:
    global _direct_load_ok
    fontkey = f"{FAMILY}{style}"
    if _direct_load_ok:
        try:
            # What FPDF.add_font() does, minus its "must be a file path" check.
            pdf.fonts[fontkey] = TTFFont(pdf, io.BytesIO(data), fontkey, style)  # type: ignore[arg-type]
            return
        except Exception:  # pragma: no cover - a future fpdf2 changed TTFFont
            _log.warning("fpdf2 refused an in-memory font; loading the font file instead",
                         exc_info=True)
            _direct_load_ok = False
    with resources.as_file(resources.files(__package__) / "fonts" / FONT_FILES[style]) as path:
        pdf.add_font(FAMILY, style, str(path))


def new_pdf(
    texts: Iterable[str] = (),
    *,
    orientation: str = "portrait",
    format: str | tuple[float, float] = "A4",
    title: str = "",
    language: str = "fr",
) -> FPDF:
    """An FPDF in millimetres with the DejaVu family registered; no page yet, no auto break.

    `texts` are the document's variable strings: when one holds a character outside the
    reduced faces, the full faces are embedded instead.
    """
    pdf = FPDF(orientation=orientation, unit="mm", format=format)
    full = not covered(texts)
    for style in FONT_FILES:
        _register(pdf, style, font_file_bytes(style) if full else _reduced_bytes(style))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.set_creator("Mifin")
    pdf.set_producer("Mifin (fpdf2)")
    if title:
        pdf.set_title(title)
    pdf.set_lang(language)
    pdf.set_font(FAMILY, "", 9)
    return pdf
