"""CSV exports as a French spreadsheet reads them: `;` between cells, a UTF-8 byte order
mark, amounts in the currency's major unit with the decimal comma; each figure read back
with the csv module equals the ledger's. English keeps `,` and the decimal point."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from mifin_tui import db
from mifin_tui.db.models import Account, Entry, Institution, JournalTransaction, pw
from mifin_tui.services.kernel.money import get_currency
from tests.cli.helpers import run
from tests.cli.test_reports import demo  # noqa: F401  (one build per worker for both)


def export(demo: Path, tmp_path: Path, *args: str, lang: str = "fr") -> bytes:
    """The file `mifin report ... --format csv --output FILE` writes."""
    target = tmp_path / f"{args[0]}-{lang}.csv"
    proc = run("report", *args, "--format", "csv", "--output", str(target), db=demo,
               lang=lang)
    assert proc.returncode == 0, proc.stderr
    return target.read_bytes()


def french_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), data[:10]  # the BOM: Excel reads UTF-8
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert all(len(r) > 1 for r in rows), "every row split on ';'"
    return rows


def minor(cell: str, currency: str) -> int:
    """A French amount cell ("1234,50", no thousands separator) back in minor units; it
    carries exactly the currency's decimals."""
    decimals = get_currency(currency).decimals
    whole, _sep, part = cell.partition(",")
    assert whole.lstrip("-").isdigit() and "." not in cell and " " not in cell, cell
    assert len(part) == decimals, (cell, decimals)
    return int(Decimal(cell.replace(",", ".")).scaleb(decimals))


class Ledger:
    """What the demo's books say, read with the models (the reports' own code apart)."""

    def __init__(self, path: Path) -> None:
        db.open_database(path)
        try:
            self.currency = Institution.select(Institution.currency).scalar()
            self.open_day = JournalTransaction.select(
                pw.fn.MAX(JournalTransaction.business_date)).scalar()
            busiest = (Account.select(Account.id, Account.number, Account.balance)
                       .join(Entry, on=Entry.account == Account.id)
                       .where((Account.kind == "savings")
                              & (Account.currency == self.currency))
                       .group_by(Account.id).order_by(pw.fn.COUNT(Entry.id).desc(),
                                                      Account.id).first())
            self.account, self.balance = busiest.number, busiest.balance
            self.balances_after = [e.balance_after for e in Entry.select().join(
                JournalTransaction).where(Entry.account == busiest.id)
                .order_by(JournalTransaction.business_date, Entry.id)]
            self.first_day = JournalTransaction.select(
                pw.fn.MIN(JournalTransaction.business_date)).scalar()
            self.debits = (Entry.select(pw.fn.SUM(Entry.debit)).join(
                Account, on=Entry.account == Account.id)
                .where(Account.currency == self.currency).scalar())
            cash = Account.select().where(Account.till.is_null(False)
                                          & (Account.currency == self.currency))
            self.cash = sum(a.balance for a in cash)
            # the last day cash moved (the demo's working day may not have begun)
            self.cash_day = (JournalTransaction.select(
                pw.fn.MAX(JournalTransaction.business_date)).join(Entry)
                .where(Entry.account.in_([a.id for a in cash])).scalar())
        finally:
            db.close()


@pytest.fixture(scope="module")
def books(demo) -> Ledger:
    return Ledger(demo)


def _iso(day) -> str:
    return str(day)[:10]


def test_trial_balance_in_french_sums_to_the_ledger(demo, books, tmp_path):
    rows = french_rows(export(demo, tmp_path, "trial-balance", "--from",
                              _iso(books.first_day), "--to", _iso(books.open_day)))
    assert rows[0][:3] == ["Compte", "Nom", "Solde initial débit"]
    totals = rows[-1]
    cur = books.currency
    movements_debit, movements_credit = minor(totals[4], cur), minor(totals[5], cur)
    assert movements_debit == movements_credit == books.debits > 0


def test_account_sheet_and_statement_in_french_end_on_the_balance(demo, books, tmp_path):
    cur = books.currency
    sheet = french_rows(export(demo, tmp_path, "account-sheet", "--account", books.account,
                               "--from", _iso(books.first_day), "--to",
                               _iso(books.open_day)))
    assert sheet[0] == ["Date", "Référence", "Compte", "Libellé", "Débit", "Crédit", "Solde"]
    assert minor(sheet[-1][6], cur) == books.balance > 0
    statement = french_rows(export(demo, tmp_path, "statement", books.account, "--from",
                                   _iso(books.first_day), "--to", _iso(books.open_day)))
    assert statement[0][:2] == ["Compte", books.account]
    assert statement[1][0] == "Solde d'ouverture" and minor(statement[1][1], cur) == 0
    assert statement[2][3:6] == ["Retrait", "Dépôt", "Solde"]
    lines = statement[3:-1]
    assert [minor(r[5], cur) for r in lines] == books.balances_after
    assert sum(minor(r[4], cur) - minor(r[3], cur) for r in lines) == books.balance
    assert statement[-1][0] == "Solde de clôture"
    assert minor(statement[-1][1], cur) == books.balance


def test_cash_journal_in_french_ends_on_the_cash_in_the_tills_and_vault(demo, books, tmp_path):
    rows = french_rows(export(demo, tmp_path, "cash-journal", "--date",
                              _iso(books.cash_day)))
    assert rows[0] == ["Bon", "Heure", "Libellé", "Compte", "Entrée", "Sortie", "Solde"]
    assert len(rows) > 2
    assert minor(rows[-1][6], books.currency) == books.cash


def test_english_keeps_commas_and_the_decimal_point(demo, books, tmp_path):
    data = export(demo, tmp_path, "account-sheet", "--account", books.account, "--from",
                  _iso(books.first_day), "--to", _iso(books.open_day), lang="en")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Date", "Reference"]
    decimals = get_currency(books.currency).decimals
    assert Decimal(rows[-1][6]).scaleb(decimals) == books.balance


def test_a_label_that_looks_like_a_formula_is_written_as_text():
    from mifin_tui.services.reports.table import (
        MONEY,
        TEXT,
        Column,
        csv_cell,
        csv_document,
    )

    label, money = Column("label", "Label", TEXT), Column("amount", "Amount", MONEY, "USD")
    cells = [csv_cell(label, v, "fr") for v in ("=HYPERLINK(\"http://x\")", "@SUM(A1)",
                                                 "-2+3", "+33", "\tx", "Kalamu")]
    cells += [csv_cell(money, -1250, "fr"), csv_cell(money, 5, "en")]
    assert cells == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'-2+3", "'+33", "'\tx",
                     "Kalamu", "-12,50", "0.05"]
    text = csv_document([cells], "fr")
    assert text.startswith("\ufeff")
    assert next(csv.reader(io.StringIO(text[1:]), delimiter=";")) == cells
