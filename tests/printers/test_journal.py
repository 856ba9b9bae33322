"""The journal de caisse on A4: a busy day of 2,000 vouchers, totals, counts, copies."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

import pytest

from mifin_tui.services.kernel.documents import CashJournalDoc, CashJournalLine
from mifin_tui.services.kernel.money import format_amount
from printers.journal import cash_journal_pdf
from tests.printers.conftest import (
    WAT,
    ink_ratio,
    page_sizes_mm,
    pdf_text,
    render_png,
    squash,
    tr,
)

LABELS = ("Dépôt épargne", "Retrait sur compte d’épargne à vue",
          "Remboursement prêt « Tontine » n° 2026-0012 – échéance 3/12 du groupement",
          "Approvisionnement de la caisse depuis le coffre")


def journal(n: int, *, currency: str = "XOF", cashiers: tuple[str, ...] = ("Agnès Lukusa",),
            **changes: object) -> CashJournalDoc:
    opening = 500_000
    balance, total_in, total_out = opening, 0, 0
    lines = []
    for i in range(n):
        amount = (i * 7919 % 500 + 1) * 500
        amount_in, amount_out = (amount, 0) if i % 3 else (0, min(amount, balance))
        balance += amount_in - amount_out
        total_in += amount_in
        total_out += amount_out
        lines.append(CashJournalLine(
            number=f"BE-KIN-2026-{i + 1:06d}",
            time=f"{8 + i * 10 // max(n, 1):02d}:{i % 60:02d}",
            label=LABELS[i % len(LABELS)], account=f"KIN-EP-{i * 37 % 99991:07d}",
            amount_in=amount_in, amount_out=amount_out, balance=balance,
            cashier=cashiers[i % len(cashiers)]))
    fields: dict[str, object] = dict(
        institution="COOPEC « Espoir » de Kalamu", branch_code="KIN", branch_name="Kalamu",
        scope="Caisse 2 (guichet)", business_date=date(2026, 11, 23), currency=currency,
        opening_balance=opening, lines=tuple(lines), total_in=total_in, total_out=total_out,
        closing_balance=balance, counted_opening=opening, counted_closing=balance - 1500,
        difference=-1500, difference_note="Manquant constaté à la fermeture : billet déchiré.",
        cashiers=cashiers, printed_by="Marie Kalala",
        printed_at=datetime(2026, 11, 23, 18, 2, tzinfo=WAT),
        copies=("Exemplaire comptabilité", "Exemplaire gérant"),
        signatures=("Le caissier", "Le comptable", "Le gérant"), language="fr")
    fields.update(changes)
    return CashJournalDoc(**fields)  # type: ignore[arg-type]


def test_two_thousand_vouchers(tmp_path):
    doc = journal(2000)
    pdf = cash_journal_pdf(doc)
    sizes = page_sizes_mm(pdf, tmp_path)
    per_copy = len(sizes) // 2
    assert len(sizes) == 2 * per_copy
    assert 2000 / 70 <= per_copy <= 2000 / 25, per_copy  # 25 to 70 rows a page
    text = pdf_text(pdf, tmp_path)
    pages = text.split("\f")
    flat = squash(text)
    page = tr("Page {page} / {pages}").format
    assert page(page=1, pages=per_copy) in pages[0] and "Exemplaire comptabilité" in pages[0]
    assert page(page=per_copy, pages=per_copy) in pages[per_copy - 1]
    assert page(page=1, pages=per_copy) in pages[per_copy]
    assert "Exemplaire gérant" in pages[per_copy]
    for n in (1, 999, 2000):  # every voucher, in both copies
        assert flat.count(f"BE-KIN-2026-{n:06d}") == 2
    last = pages[per_copy - 1]
    money = lambda v: format_amount(v, "XOF", "fr", symbol=False)  # noqa: E731
    totals = re.search(re.escape(tr("Totals")) + r"\s+(.*)", last)
    assert totals, last
    assert totals.group(1).split("   ")[0].strip() == money(doc.total_in)
    assert money(doc.total_out) in totals.group(1) and money(doc.closing_balance) in totals.group(1)
    for phrase in (tr("Opening balance"), tr("Closing balance"), tr("Counted at closing"),
                   tr("Difference"), "-1 500", "billet déchiré",
                   tr("Printed by {user} on {date} at {time}").format(
                       user="Marie Kalala", date="23/11/2026", time="18:02"),
                   "Le caissier", "Le comptable", "Le gérant", tr("Cash journal"),
                   tr("Scope: {scope}").format(scope="Caisse 2 (guichet)"),
                   tr("Business date: {date}").format(date="23/11/2026"),
                   tr("Currency: {currency}").format(currency="XOF")):
        assert phrase in squash(last), phrase
    assert re.search(re.escape(tr("Vouchers")) + r"\s+2000\b", last)
    numbered = [p for p in pages if p.strip()]
    assert len(numbered) == 2 * per_copy
    assert all(page(page=i % per_copy + 1, pages=per_copy) in p for i, p in enumerate(numbered))


def test_portrait_for_one_cashier_landscape_for_a_branch(tmp_path):
    till = page_sizes_mm(cash_journal_pdf(journal(10)), tmp_path)
    assert till[0] == (210.0, 297.0)
    branch = journal(10, currency="USD", cashiers=("Agnès Lukusa", "Jean-Pierre Mukendi"),
                     scope="Agence de Kalamu")
    pdf = cash_journal_pdf(branch)
    assert page_sizes_mm(pdf, tmp_path)[0] == (297.0, 210.0)
    flat = squash(pdf_text(pdf, tmp_path))
    assert "Jean-Pierre Mukendi" in flat and tr("Cashier") in flat


def test_long_labels_wrap_and_rows_never_overflow(tmp_path):
    label = ("Remboursement anticipé " * 12).strip()
    doc = journal(3)
    doc = replace(doc, lines=tuple(replace(line, label=label) for line in doc.lines))
    flat = squash(pdf_text(cash_journal_pdf(doc), tmp_path))
    assert flat.count("anticipé") == 3 * 12 * 2


def test_empty_day_and_single_copy(tmp_path):
    doc = journal(0, copies=(), counted_opening=None, counted_closing=None, difference=None,
                  difference_note="", printed_at=None)
    pdf = cash_journal_pdf(doc)
    assert len(page_sizes_mm(pdf, tmp_path)) == 1
    text = squash(pdf_text(pdf, tmp_path))
    assert tr("Totals") in text and "500 000" in text
    assert tr("Page {page} / {pages}").format(page=1, pages=1) in text
    assert "Marie Kalala" not in text  # printed_at unknown: no "printed by" line


def test_rendered_journal_is_not_blank(tmp_path):
    png = render_png(cash_journal_pdf(journal(50)), tmp_path, "cash-journal-page1", dpi=80)
    assert 0.01 < ink_ratio(png) < 0.5


@pytest.mark.parametrize("currency", ["USD", "CDF"])
def test_amounts_with_decimals(tmp_path, currency):
    doc = journal(5, currency=currency)
    flat = squash(pdf_text(cash_journal_pdf(doc), tmp_path))
    assert format_amount(doc.closing_balance, currency, "fr", symbol=False) in flat
    assert tr("Currency: {currency}").format(currency=currency) in flat
