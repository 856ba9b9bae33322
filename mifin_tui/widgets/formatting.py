"""How screens print dates, amounts and timestamps: one place, in the current language."""

from __future__ import annotations

from datetime import date, datetime

from mifin_tui.i18n import current_language
from mifin_tui.services.kernel import dates
from mifin_tui.services.kernel.money import format_amount, format_percent

# Each language named in itself: whoever cannot read the current one still finds his own.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def fmt_date(day: date | None) -> str:
    """The current language's short date (dd/mm/yyyy where Mifin is used); empty for None."""
    return dates.format_date(day, current_language()) if day else ""


def fmt_amount(minor: int, currency: str, *, symbol: bool = True) -> str:
    """An amount in minor units, grouped the way the current language writes it."""
    if not currency:
        return ""
    return format_amount(minor, currency, language=current_language(), symbol=symbol)


def fmt_percent(bp: int) -> str:
    """A rate in basis points, written the way the current language writes it."""
    return format_percent(bp, current_language())


def fmt_timestamp(iso: str) -> str:
    """An ISO timestamp (as stored, UTC) in local time: dd/mm/yyyy HH:MM:SS."""
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime(dates.date_pattern(current_language()) + " %H:%M:%S")
