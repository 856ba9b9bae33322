"""DateInput: a date typed as dd/mm/yyyy (read by `kernel.dates.parse_date`)."""

from __future__ import annotations

from datetime import date

from mifin_tui.i18n import _
from mifin_tui.services.kernel.dates import parse_date
from mifin_tui.widgets.checked_input import CheckedInput
from mifin_tui.widgets.formatting import fmt_date

__all__ = ["DateInput", "parse_date"]

class DateInput(CheckedInput[date]):
    """`.value_date` is the date, or None while the field is empty or wrong."""

    def __init__(self, value: date | None = None, *, min_date: date | None = None,
                 max_date: date | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(fmt_date(value), placeholder=_("dd/mm/yyyy"), id=id,
                         classes=classes)
        self.min_date = min_date
        self.max_date = max_date

    @property
    def value_date(self) -> date | None:
        return self.parsed

    def parse(self, text: str) -> date:
        day = parse_date(text)
        if self.min_date and day < self.min_date:
            raise ValueError(_("The date cannot be before {date}.").format(
                date=fmt_date(self.min_date)))
        if self.max_date and day > self.max_date:
            raise ValueError(_("The date cannot be after {date}.").format(
                date=fmt_date(self.max_date)))
        return day

    def show(self, value: date) -> str:
        return fmt_date(value)
