"""The institution's working calendar: weekend days (a setting) and public holidays.

`WorkingCalendar` is plain data with pure rules, so the schedule engine can move
due dates past holidays without touching the database; `load()` reads the
current calendar. Holidays are configuration, not books: they may be removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Holiday
from mifin_tui.i18n import _
from mifin_tui.services import audit, clock, settings
from mifin_tui.services.context import Context
from mifin_tui.services.errors import Conflict, NotFound, ValidationError
from mifin_tui.services.permissions import requires

# A calendar with every day a holiday would loop forever: no institution closes for a year.
_MAX_CLOSED_RUN = 366


@dataclass(frozen=True)
class WorkingCalendar:
    weekend: frozenset[int] = frozenset({5, 6})  # date.weekday(): 0 = Monday
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def on_or_after(self, day: date) -> date:
        """`day` itself if it is a working day, else the next working day."""
        for _i in range(_MAX_CLOSED_RUN):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day within a year: check the weekend and holidays")

    def next_after(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.on_or_after(day + timedelta(days=1))


def make(weekend: Iterable[int], holidays: Iterable[date] = ()) -> WorkingCalendar:
    return WorkingCalendar(frozenset(weekend), frozenset(holidays))


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
        query = query.where((Holiday.date >= date(year, 1, 1)) & (Holiday.date <= date(year, 12, 31)))
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
