"""Any registry report on A4: pages numbered x / y, header and column titles on every
page, totals and notes once at the end, landscape for a wide table."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mifin_tui.services.reports.table import (
    DATE,
    HEADING,
    MONEY,
    PLAIN,
    TEXT,
    Column,
    ReportTable,
)
from printers.report import report_pdf
from tests.printers.conftest import page_sizes_mm, pdf_text, render_png


def table(rows: int, *, wide: bool = False) -> ReportTable:
    cols = [Column("date", "Date", DATE), Column("ref", "Référence", TEXT),
            Column("label", "Libellé", TEXT), Column("debit", "Débit", MONEY, "XOF"),
            Column("credit", "Crédit", MONEY, "XOF")]
    if wide:
        cols += [Column(f"x{i}", f"Solde {i}", MONEY, "XOF") for i in range(4)]
    data = [(date(2026, 11, 24), f"OD-BKO-2026-{n:06d}",
             "Versement à la banque de l'excédent du coffre « agence de Médina Coura »",
             n * 1000, 0, *([123_456_789] * (4 if wide else 0))) for n in range(1, rows + 1)]
    return ReportTable(
        name="journal", title="Journal général", subtitle="Du 24/11/2026 au 24/11/2026",
        columns=tuple(cols), rows=data,
        totals=(None, "", "Totaux", sum(r[3] for r in data), 0, *([0] * (4 if wide else 0))),
        styles=[HEADING] + [PLAIN] * (rows - 1), notes=("Les totaux débit et crédit sont égaux.",),
        institution="Mutuelle Jigiya", branch="BKO Agence de Médina Coura",
        printed_by="Awa Traoré", printed_at=datetime(2026, 11, 24, 17, 5, tzinfo=UTC),
        language="fr")


def test_a_long_report_is_numbered_and_ends_with_its_totals(tmp_path):
    pdf = report_pdf(table(300))
    pages = pdf_text(pdf, tmp_path).split("\f")
    pages = [p for p in pages if p.strip()]
    n = len(pages)
    assert n >= 4
    for i, page in enumerate(pages, start=1):
        assert f"Page {i} / {n}" in page
        assert "Journal général" in page and "Mutuelle Jigiya" in page
        assert "Référence" in page  # the column titles repeat
        assert "Imprimé par Awa Traoré le 24/11/2026 à 17:05" in page
    assert "Totaux" in pages[-1] and "Totaux" not in pages[0]
    assert "Les totaux débit et crédit sont égaux." in pages[-1]
    assert "45 150 000" in pages[-1].replace("\u202f", " ")  # 1,000 x (1 + ... + 300)
    assert "OD-BKO-2026-000300" in pages[-1]
    assert page_sizes_mm(pdf, tmp_path)[0] == (210.0, 297.0)


def test_a_wide_report_prints_landscape(tmp_path):
    pdf = report_pdf(table(20, wide=True))
    assert set(page_sizes_mm(pdf, tmp_path)) == {(297.0, 210.0)}
    text = pdf_text(pdf, tmp_path)
    assert "123 456 789" in text.replace("\u202f", " ")
    render_png(pdf, tmp_path, "report-wide", dpi=60)
