"""The fonts every document uses: DejaVu Sans (regular, bold), shipped in printers/fonts.

fpdf2's core fonts are latin-1 only; DejaVu prints é è ç « » ’ – and the no-break
spaces of French number formatting on any machine, without system fonts.

Speed: loading the full 750 kB DejaVu face costs fpdf2 ~14 ms per style per document
and subsetting it at output ~8 ms more. So, once per process and on first use, the
shipped faces are cut down in memory (fontTools, ~0.1 s per style) to the characters a
branch prints (see TIERS), and each document loads the smallest cut that holds all its
characters (~1.5 ms per style for "latin"). A character outside every cut gets the
full faces: slower, never a missing glyph. fpdf2 also recomputes the bounding box of
every embedded glyph on output, decompiling and recompiling it; the glyphs are
unchanged, so that is turned off.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterable
from importlib import resources

from fontTools import subset as ft_subset  # type: ignore[import-untyped]
from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import TTFFont

__all__ = ["FAMILY", "FONT_FILES", "TIERS", "font_file_bytes", "new_pdf", "tier_for", "warm_up"]

FAMILY = "dejavu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

# What the in-memory faces keep (fontTools/CSS "U+" syntax), smallest first: a document
# gets the first that covers all its characters. "latin" serves French and English
# documents (~400 glyphs, 44 kB, fastest); "extended" adds every Latin extension (names
# written with ɛ ɔ ŋ ẹ ṣ, Vietnamese), combining accents and symbols (~1,400 glyphs).
TIERS = {
    "latin": "U+0020-007E, U+00A0-017F, U+0192, U+02C6-02C7, U+02D8-02DD, U+2010-2027,"
             " U+202F-203A, U+2044, U+20AC, U+2116, U+2122, U+2212, U+FFFD",
    "extended": "U+0020-007E, U+00A0-036F, U+1E00-1EFF, U+2000-206F, U+20A0-20CF,"
                " U+2100-214F, U+2190-2199, U+2212, U+2260-2265, U+25A0-25CF, U+FFFD",
}
FULL = "full"

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_full: dict[str, bytes] = {}
_reduced: dict[tuple[str, str], bytes] = {}
_tier_cmaps: dict[str, frozenset[int]] = {}
_direct_load_ok = True  # False once fpdf2 refused a TTFFont built from bytes
_IGNORED = frozenset("\n\r\t")


def font_file_bytes(style: str = "") -> bytes:
    """The shipped TTF file of `style` ("" or "B"), read through importlib.resources."""
    with _lock:
        data = _full.get(style)
        if data is None:
            data = (resources.files(__package__) / "fonts" / FONT_FILES[style]).read_bytes()
            _full[style] = data
    return data


def _reduce(data: bytes, unicodes: str) -> tuple[bytes, frozenset[int]]:
    font = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False)
    options = ft_subset.Options()
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.layout_features = []  # fpdf2 does not shape our text: no GSUB/GPOS needed
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM", "hdmx", "kern"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=ft_subset.parse_unicodes(unicodes))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), frozenset(font.getBestCmap())


def _tier_bytes(tier: str, style: str) -> bytes:
    if tier == FULL:
        return font_file_bytes(style)
    data = font_file_bytes(style)
    with _lock:
        key = (tier, style)
        if key not in _reduced:
            _reduced[key], cmap = _reduce(data, TIERS[tier])
            # Both styles cover the same characters; keep the common set to be safe.
            old = _tier_cmaps.get(tier)
            _tier_cmaps[tier] = cmap if old is None else old & cmap
        return _reduced[key]


def _tier_cmap(tier: str) -> frozenset[int]:
    for style in FONT_FILES:
        _tier_bytes(tier, style)
    return _tier_cmaps[tier]


def warm_up() -> None:
    """Cut the common faces now (~0.2 s, once per process), e.g. in a background worker
    after login, so that the first voucher prints as fast as the others."""
    _tier_cmap(next(iter(TIERS)))


def tier_for(texts: Iterable[str]) -> str:
    """The smallest face set ("latin", "extended" or "full") holding every character."""
    chars = {ch for text in texts for ch in text} - _IGNORED
    codes = {ord(ch) for ch in chars}
    for tier in TIERS:
        if codes <= _tier_cmap(tier):
            return tier
    return FULL


def _register(pdf: FPDF, style: str, data: bytes) -> None:
    global _direct_load_ok
    fontkey = f"{FAMILY}{style}"
    if _direct_load_ok:
        try:
            # What FPDF.add_font() does, minus its "must be a file path" check.
            font = TTFFont(pdf, io.BytesIO(data), fontkey, style)  # type: ignore[arg-type]
            # The subset fpdf2 embeds keeps the glyphs as they are: recomputing their
            # bounding boxes on save would decompile and recompile every glyph (~5 ms).
            font.ttfont.recalcBBoxes = False
            pdf.fonts[fontkey] = font
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

    `texts` are every string the document will print (data and labels): they choose the
    smallest faces that hold all their characters (see TIERS), the full faces if none does.
    """
    pdf = FPDF(orientation=orientation, unit="mm", format=format)
    tier = tier_for(texts)
    for style in FONT_FILES:
        _register(pdf, style, _tier_bytes(tier, style))
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
