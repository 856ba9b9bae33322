"""Working days: weekend days and public holidays as plain data with pure rules.

Apart from `calendar` (which reads the holidays from the database) so that the
schedule engine can move due dates past holidays without importing peewee.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = ["WorkingCalendar", "make"]

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
