"""The institution's working calendar: weekend days (a setting) and public holidays.

`WorkingCalendar` is plain data with pure rules, so the schedule engine can move
due dates past holidays without touching the database; `load()` reads the
current calendar. Holidays are configuration, not books: they may be removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Holiday
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit, clock, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, ValidationError
from mifin_tui.services.kernel.permissions import requires

# The pure rules live apart so that the schedule engine needs no database.
from mifin_tui.services.kernel.working_days import WorkingCalendar, make

__all__ = ["HolidayView", "WorkingCalendar", "add_holiday", "list_holidays", "load", "make",
           "remove_holiday"]


def load() -> WorkingCalendar:
    """The calendar in force: the weekend setting and every holiday."""
    return make(settings.get("weekend_days"), (h.date for h in Holiday.select(Holiday.date)))


@dataclass(frozen=True)
class HolidayView:
    id: int
    date: date
    label: str


def list_holidays(year: int | None = None) -> list[HolidayView]:
    query = Holiday.select().order_by(Holiday.date)
    if year is not None:
        query = query.where((Holiday.date >= date(year, 1, 1))
                            & (Holiday.date <= date(year, 12, 31)))
    return [HolidayView(h.id, h.date, h.label) for h in query]


@requires("settings.manage")
def add_holiday(ctx: Context, day: date, label: str) -> HolidayView:
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("Required.")})
    with write_transaction():
        if Holiday.select().where(Holiday.date == day).exists():
            raise Conflict(_("{day} is already a holiday.").format(day=day.isoformat()))
        row = Holiday.create(date=day, label=label, created_by=ctx.user_id or None,
                             created_at=clock.now())
        audit.record(ctx, "holiday.add", "holiday", day.isoformat(), after={"label": label})
    return HolidayView(row.id, row.date, row.label)


@requires("settings.manage")
def remove_holiday(ctx: Context, day: date) -> None:
    with write_transaction():
        row = Holiday.get_or_none(Holiday.date == day)
        if row is None:
            raise NotFound(_("{day} is not a holiday.").format(day=day.isoformat()))
        audit.record(ctx, "holiday.remove", "holiday", day.isoformat(),
                     before={"label": row.label})
        row.delete_instance()
