"""Vouchers on 58/80 mm rolls and A4, read back with poppler as a reader would."""

from __future__ import annotations

import logging
import re

import pytest

from mifin_tui.services.kernel.words import amount_in_words
from printers.receipt import PAPER_WIDTHS, voucher_a4_pdf, voucher_page_sizes, voucher_pdf
from tests.printers.conftest import (
    ink_ratio,
    page_sizes_mm,
    pdf_text,
    render_png,
    squash,
    tr,
)


@pytest.mark.parametrize("paper", [80, 58])
def test_voucher_prints_number_amounts_and_accents(make_voucher, tmp_path, paper):
    doc = make_voucher()
    pdf = voucher_pdf(doc, paper)
    text = pdf_text(pdf, tmp_path)
    flat = squash(pdf_text(pdf, tmp_path, layout=False))  # side-by-side cells kept apart
    assert "BE-KIN-2026-000123" in text
    assert "1 500,00 USD" in text  # figures, French grouping
    assert "12 345,50 USD" in text  # balance after
    assert "Mille cinq cents dollars américains" in flat  # words, first letter capitalised
    for phrase in ("BON D'ENTRÉE CAISSE", "COOPEC « Espoir » de Kalamu", "Françoise Mbuyi",
                   "Dépôt d’épargne", "«tontine»", "Agnès Lukusa", "Jean-Baptiste Kabasele",
                   "CNI 1-2345-678", "KIN-EP-0001234", "23/11/2026", "14:05",
                   "Signature du déposant", "Signature du caissier", "Caisse 2"):
        assert phrase in flat, phrase
    assert tr("DUPLICATE") not in text


@pytest.mark.parametrize("paper", [80, 58])
def test_one_page_per_copy_as_wide_as_the_roll(make_voucher, tmp_path, paper):
    pdf = voucher_pdf(make_voucher(), paper)
    sizes = page_sizes_mm(pdf, tmp_path)
    assert len(sizes) == 2
    assert all(w == pytest.approx(paper, abs=0.2) for w, _h in sizes)
    assert all(60 < h < 400 for _w, h in sizes), sizes
    pages = pdf_text(pdf, tmp_path).split("\f")
    assert "Exemplaire client" in pages[0] and "Exemplaire caisse" not in pages[0]
    assert "Exemplaire caisse" in pages[1]
    assert voucher_page_sizes(make_voucher(), paper) == [
        pytest.approx(s, abs=0.2) for s in sizes]


def test_xof_voucher_on_58mm(xof_voucher, tmp_path):
    text = pdf_text(voucher_pdf(xof_voucher, 58), tmp_path)
    flat = squash(text)
    assert "BS-KIN-2026-000045" in text
    assert "15 000 FCFA" in text
    assert "14 500 FCFA" in text and "500 FCFA" in text  # breakdown
    assert "Quinze mille francs CFA" in flat
    assert "Aïssatou Ndiaye" in flat and "Bénéficiaire" in flat
    assert "l’intéressée" in flat and "—" in flat


def test_words_come_from_the_document(make_voucher, tmp_path):
    words = amount_in_words(2_500_075, "CDF", "fr")
    doc = make_voucher(currency="CDF", amount=2_500_075, amount_words=words)
    flat = squash(pdf_text(voucher_pdf(doc), tmp_path))
    assert "25 000,75 FC" in flat
    assert words[:1].upper() + words[1:] in flat


def test_duplicate_is_marked(make_voucher, tmp_path):
    pdf = voucher_pdf(make_voucher(duplicate=True), 80)
    pages = pdf_text(pdf, tmp_path).split("\f")
    # "DUPLICATA" in French ("DUPLICATE" is the msgid)
    assert all(tr("DUPLICATE") in page for page in pages[:2])


def test_height_follows_the_content(make_voucher, tmp_path):
    short = make_voucher(purpose="Dépôt")
    long = make_voucher(purpose=" ".join(["Versement de la cotisation mensuelle du groupement "
                                          "des maraîchères de Kimbanseke,"] * 8))
    for paper in PAPER_WIDTHS:
        (_, h_short), _ = page_sizes_mm(voucher_pdf(short, paper), tmp_path)
        (_, h_long), _ = page_sizes_mm(voucher_pdf(long, paper), tmp_path)
        assert h_long > h_short + 20, (paper, h_short, h_long)
    # and nothing of the long purpose is lost
    flat = squash(pdf_text(voucher_pdf(long, 58), tmp_path))
    assert flat.count("maraîchères de Kimbanseke") == 2 * 8  # two copies


def test_long_words_break_instead_of_being_cut(make_voucher, tmp_path):
    reference = "REF" + "0123456789" * 7
    doc = make_voucher(party_id=reference, copies=())
    text = pdf_text(voucher_pdf(doc, 58), tmp_path, layout=False)
    assert reference in "".join(text.split())


def test_no_copy_labels_means_one_page(make_voucher, tmp_path):
    assert len(page_sizes_mm(voucher_pdf(make_voucher(copies=()), 80), tmp_path)) == 1


def test_three_copies_three_pages(make_voucher, tmp_path):
    doc = make_voucher(copies=("Exemplaire client", "Exemplaire caisse", "Exemplaire archives"))
    assert len(page_sizes_mm(voucher_pdf(doc, 80), tmp_path)) == 3


def test_english_amounts_and_reversal(make_voucher, tmp_path):
    doc = make_voucher(language="en", amount_words="one thousand five hundred US dollars",
                       reversal_of="BE-KIN-2026-000100", breakdown=())
    flat = squash(pdf_text(voucher_pdf(doc), tmp_path))
    assert "1,500.00 USD" in flat
    assert "One thousand five hundred US dollars" in flat
    assert tr("Reversal of voucher {number}", "en").format(number="BE-KIN-2026-000100") in flat


def test_no_break_spaces_and_rare_letters_print(make_voucher, tmp_path, caplog):
    """U+202F / U+00A0 (French number formatting), ŋ ɛ ẹ (extended Latin), and a script
    outside every reduced cut (Cyrillic, Greek): all printed, no missing glyph."""
    doc = make_voucher(party_name="Ŋgɔnɛ Ọlọ́run", account_holder="Жанна Ω",
                       purpose="Solde\u202f: 1\u202f500\u00a0USD")
    with caplog.at_level(logging.WARNING):
        pdf = voucher_pdf(doc, 80)
    assert not [r for r in caplog.records if "missing" in r.getMessage()]
    text = pdf_text(pdf, tmp_path)
    assert "Ŋgɔnɛ" in text and "Жанна Ω" in text
    assert re.search("Solde[\u202f ]: 1[\u202f ]500[\u00a0 ]USD", text)


def test_unsupported_roll_width(make_voucher):
    with pytest.raises(ValueError, match="57"):
        voucher_pdf(make_voucher(), 57)


def test_a4_form_puts_two_copies_on_one_sheet(make_voucher, tmp_path):
    pdf = voucher_a4_pdf(make_voucher(breakdown=()))
    sizes = page_sizes_mm(pdf, tmp_path)
    assert sizes == [(210.0, 297.0)]
    flat = squash(pdf_text(pdf, tmp_path))
    assert flat.count("BE-KIN-2026-000123") == 2
    assert "Exemplaire client" in flat and "Exemplaire caisse" in flat


def test_rendered_receipt_is_not_blank(make_voucher, tmp_path):
    png = render_png(voucher_pdf(make_voucher(duplicate=True), 80), tmp_path,
                     "voucher-80mm-direct")
    assert png.exists()
    ratio = ink_ratio(png)
    assert 0.01 < ratio < 0.5, ratio


def test_fast_widths_match_fpdf2(make_voucher):
    """printers._layout measures with the font's advance widths directly; fpdf2's own
    get_string_width must agree, or wrapped lines would overflow."""
    from printers._fonts import FAMILY, new_pdf
    from printers._layout import Measure

    samples = ["Dépôt d’épargne « tontine » – 1\u202f500,00 USD", "WWW iii 0123456789", "Ŋgɔnɛ"]
    pdf = new_pdf(samples)
    m = Measure(pdf)
    for style in ("", "B"):
        for size in (7.5, 8.5, 16):
            pdf.set_font(FAMILY, style, size)
            for text in samples:
                assert m.width(text, style, size) == pytest.approx(pdf.get_string_width(text),
                                                                   abs=1e-6)


def test_labels_follow_the_document_language_not_the_user(make_voucher, tmp_path):
    from mifin_tui.i18n import set_language

    set_language("fr")  # the user's language; the autouse fixture restores English
    flat = squash(pdf_text(voucher_pdf(make_voucher(language="en"), 80), tmp_path))
    assert tr("Business date", "en") in flat and tr("Account holder", "en") in flat
    assert "1,500.00 USD" in flat


def test_too_long_words_break_after_a_hyphen_when_they_can():
    from printers._fonts import new_pdf
    from printers._layout import Measure

    m = Measure(new_pdf())
    lines = m.wrap("Compte KIN-21-0000021-73-ÉPARGNE-BLOQUÉE-2026", 25, "B", 8)
    assert "".join(lines).replace(" ", "") == "CompteKIN-21-0000021-73-ÉPARGNE-BLOQUÉE-2026"
    assert all(m.width(line, "B", 8) <= 25 for line in lines)
    assert all(line.endswith("-") for line in lines[1:-1]), lines
