"""DateInput: a date typed as dd/mm/yyyy."""

from __future__ import annotations

import re
from datetime import date

from mifin_tui.i18n import _
from mifin_tui.widgets.checked_input import CheckedInput
from mifin_tui.widgets.formatting import fmt_date

_SEPARATED = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$")


def parse_date(text: str) -> date:
    """dd/mm/yyyy (also d/m/yyyy, dd.mm.yyyy, dd-mm-yyyy, ddmmyyyy), or ValueError."""
    text = text.strip()
    match = _SEPARATED.match(text) or _COMPACT.match(text)
    if not match:
        raise ValueError(_("Write the date as dd/mm/yyyy, e.g. 24/11/2026."))
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("This date does not exist.")) from None


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
