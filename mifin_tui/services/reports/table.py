"""What a report says, as plain data: columns with kinds, rows, totals.

Every report of the registry returns a `ReportTable`; the renderers (text table,
CSV, XLSX, PDF, the screen) draw any of them without knowing which report it
is. Standard library only, so printers can take it without the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

TEXT = "text"
DATE = "date"
MONEY = "money"  # int minor units of Column.currency
COUNT = "count"

KINDS = frozenset({TEXT, DATE, MONEY, COUNT})

# Row styles: a heading (class title), a subtotal, or a plain line.
PLAIN = ""
HEADING = "heading"
SUBTOTAL = "subtotal"

Value = str | int | date | None


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # already translated
    kind: str = TEXT
    currency: str | None = None  # for MONEY columns

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if self.kind == MONEY and not self.currency:
            raise ValueError(f"money column {self.key!r} needs a currency")


@dataclass(frozen=True)
class ReportTable:
    name: str
    title: str
    subtitle: str
    columns: tuple[Column, ...]
    rows: Sequence[tuple[Value, ...]]
    totals: tuple[Value, ...] | None = None
    # One style per row (PLAIN, HEADING, SUBTOTAL); empty means all plain.
    styles: Sequence[str] = ()
    # Lines printed after the table (e.g. "Debits equal credits").
    notes: tuple[str, ...] = ()
    institution: str = ""
    branch: str = ""
    printed_by: str = ""
    printed_at: datetime | None = None
    language: str = "fr"
    # Wide reports print on landscape A4.
    landscape: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def style(self, index: int) -> str:
        return self.styles[index] if index < len(self.styles) else PLAIN


def format_cell(column: Column, value: Value, language: str, blank_zero: bool = True) -> str:
    """A value as printed: amounts with the language's separators and no symbol (the
    header names the currency), dates dd/mm/yyyy, zero amounts left blank."""
    if value is None:
        return ""
    if column.kind == MONEY and isinstance(value, int):
        if value == 0 and blank_zero:
            return ""
        from mifin_tui.services.kernel.money import format_amount

        return format_amount(value, column.currency or "", language, symbol=False)
    if isinstance(value, date):
        from mifin_tui.services.kernel.dates import format_date

        return format_date(value, language)
    if column.kind == COUNT and isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f" if language == "fr" else ",")
    return str(value)


def is_figure(column: Column) -> bool:
    """Right-aligned columns."""
    return column.kind in (MONEY, COUNT)


# --- CSV for the spreadsheet the user opens it in ------------------------------------
#
# A French Excel or LibreOffice splits a CSV on ";" and reads "1234,50" as a number; an
# English one splits on "," and reads "1234.50". Every CSV export follows the language of
# the user who exports it (the same msgids translate its header): French gets ";" and the
# decimal comma, English "," and the decimal point. Both start with a UTF-8 byte order
# mark, without which Excel reads the members' accented names as Latin-1. Amounts are in
# the currency's major unit with its number of decimals and no thousands separator (a
# spreadsheet reads them as numbers and sums them exactly); dates are ISO (read as dates
# in every locale).

BOM = "\ufeff"


@dataclass(frozen=True)
class CsvStyle:
    delimiter: str
    decimal_mark: str


def csv_style(language: str) -> CsvStyle:
    return CsvStyle(";", ",") if language == "fr" else CsvStyle(",", ".")


def csv_amount(minor: int, currency: str, language: str) -> str:
    """An amount in major units for a spreadsheet: 123450 USD -> "1234,50" (French)."""
    from mifin_tui.services.kernel.money import get_currency

    decimals = get_currency(currency).decimals
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10 ** decimals)
    if not decimals:
        return f"{sign}{whole}"
    return f"{sign}{whole}{csv_style(language).decimal_mark}{part:0{decimals}d}"


# OWASP "CSV injection": a cell a spreadsheet would run as a formula is written as text.
# Only text cells: an amount or a count stays a number, negative ones too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: str) -> bool:
    """Whether a spreadsheet would read this text as a formula (or the start of one)."""
    return value.startswith(FORMULA_START)


def csv_text(value: str) -> str:
    return "'" + value if formula_like(value) else value


def csv_cell(column: Column, value: Value, language: str) -> str:
    """One value of a report as its CSV cell (zero amounts written, not left blank)."""
    if value is None:
        return ""
    if column.kind == MONEY and isinstance(value, int):
        return csv_amount(value, column.currency or "", language)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return csv_text(str(value))


def csv_document(rows: Iterable[Sequence[str]], language: str) -> str:
    """Rows of cells already written (csv_cell, csv_amount, csv_text) as the CSV text,
    byte order mark first."""
    out = io.StringIO()
    out.write(BOM)
    csv.writer(out, delimiter=csv_style(language).delimiter).writerows(rows)
    return out.getvalue()

