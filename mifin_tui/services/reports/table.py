"""What a report says, as plain data: columns with kinds, rows, totals.

Every report of the registry returns a `ReportTable`; the renderers (text table,
CSV, XLSX, PDF, the screen) draw any of them without knowing which report it
is. Standard library only, so printers can take it without the database.
"""

from __future__ import annotations

from collections.abc import Sequence
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
