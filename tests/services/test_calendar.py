"""The working calendar: weekends and holidays move dates; the closing opens the next
working day after a holiday."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mifin_tui.db.models import AuditLog
from mifin_tui.services.kernel import business_day, calendar
from mifin_tui.services.kernel.errors import Conflict, PermissionDenied, ValidationError


def test_weekend_and_holidays_are_no_working_days():
    cal = calendar.make([5, 6], [date(2026, 6, 30)])  # Independence Day (DRC), a Tuesday
    assert cal.is_working_day(date(2026, 6, 29))
    assert not cal.is_working_day(date(2026, 6, 30))
    assert not cal.is_working_day(date(2026, 6, 27))  # Saturday
    assert cal.next_after(date(2026, 6, 29)) == date(2026, 7, 1)
    assert cal.on_or_after(date(2026, 6, 27)) == date(2026, 6, 29)  # Sat -> Mon
    assert cal.on_or_after(date(2026, 6, 29)) == date(2026, 6, 29)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
       st.sets(st.integers(0, 6), max_size=6),
       st.sets(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 3, 1)), max_size=40))
def test_next_working_day_is_the_first_open_day_after(day, weekend, holidays):
    cal = calendar.make(weekend, holidays)
    nxt = cal.next_after(day)
    assert nxt > day and cal.is_working_day(nxt)
    assert all(not cal.is_working_day(day + timedelta(days=n))
               for n in range(1, (nxt - day).days))


def test_closing_skips_a_holiday(admin, make_user):
    manager = make_user("manager")
    # FIRST_DAY is Monday 23 November 2026; make Tuesday a holiday.
    calendar.add_holiday(admin, date(2026, 11, 24), "Jour férié de test")
    assert business_day.close_and_open_next(manager) == date(2026, 11, 25)
    assert AuditLog.select().where(AuditLog.action == "holiday.add").count() == 1


def test_holidays_are_managed_by_the_administrator_only(admin, make_user):
    cashier = make_user("cashier")
    with pytest.raises(PermissionDenied):
        calendar.add_holiday(cashier, date(2026, 12, 25), "Noël")
    calendar.add_holiday(admin, date(2026, 12, 25), "Noël")
    with pytest.raises(Conflict):
        calendar.add_holiday(admin, date(2026, 12, 25), "Noël")
    with pytest.raises(ValidationError):
        calendar.add_holiday(admin, date(2026, 1, 1), "  ")
    assert [h.label for h in calendar.list_holidays(2026)] == ["Noël"]
    calendar.remove_holiday(admin, date(2026, 12, 25))
    assert calendar.list_holidays() == []
    assert calendar.load().holidays == frozenset()
