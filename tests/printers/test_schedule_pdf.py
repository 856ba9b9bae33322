"""The A4 repayment schedule read back: French labels, every instalment, pages numbered,
totals, the TEG and the amounts in words on the last page."""

from __future__ import annotations

from datetime import date, datetime

from mifin_tui.services.loans.engine import schedule as engine
from mifin_tui.services.loans.engine.documents import ScheduleDoc
from printers.schedule import schedule_pdf
from tests.printers.conftest import need, page_sizes_mm, pdf_text


def test_a_year_of_weekly_instalments_in_french(tmp_path):
    need("pdftotext", "pdfinfo")
    s = engine.build(engine.ScheduleTerms(
        150_000, "XOF", 2400, 52, "weekly", engine.DECLINING, date(2026, 1, 5),
        fee_deducted=3000, round_to=25))
    pdf = schedule_pdf(ScheduleDoc(
        "Mutuelle Jigiya", "BKO", "Agence de Médina Coura", s, product="Crédit hebdomadaire",
        borrower="Aminata Traoré", printed_by="Moussa Keïta",
        printed_at=datetime(2026, 1, 5, 10, 30), language="fr",
        signatures=("Le membre", "L'agent de crédit")))
    assert page_sizes_mm(pdf, tmp_path) == [(210.0, 297.0)] * 2
    text = pdf_text(pdf, tmp_path)
    assert "Tableau d'amortissement" in text and "SIMULATION" in text
    assert "Membre : Aminata Traoré" in text and "Produit : Crédit hebdomadaire" in text
    assert "Page 1 / 2" in text and "Page 2 / 2" in text
    for row in (s.installments[0], s.installments[25], s.installments[-1]):
        assert row.due_date.strftime("%d/%m/%Y") in text
    assert "3 275" in text and "150 000" in text
    assert "28,19 % (proportionnel)" in text
    assert "Montant versé" in text and "147 000 FCFA" in text
    words = text.replace("\n", " ")
    assert "cent soixante-huit mille neuf cent six francs CFA" in words
    assert text.index("Totaux") > text.index("Page 1 / 2")  # the totals on the last page
    assert "Imprimé par Moussa Keïta le 05/01/2026 à 10:30" in text


def test_amounts_in_words_for_the_contract():
    from mifin_tui.services.loans.engine.documents import schedule_words

    s = engine.build(engine.ScheduleTerms(120_000, "USD", 1200, 4, "monthly",
                                          engine.EQUAL_PRINCIPAL, date(2026, 3, 10),
                                          fee_deducted=1_250))
    words = schedule_words(s, "fr")
    assert words.principal == "mille deux cents dollars américains"
    assert words.total_to_repay == "mille deux cent trente dollars américains"
    # 30.00 of interest and 12.50 of fees
    assert words.cost_of_credit == "quarante-deux dollars américains et cinquante cents"
    assert schedule_words(s, "en").principal == "one thousand, two hundred US dollars"
