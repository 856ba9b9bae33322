"""The business day: operations post to the open day, not to the wall clock."""

from __future__ import annotations

from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import BusinessDay
from mifin_tui.i18n import _
from mifin_tui.services import audit, clock
from mifin_tui.services.context import Context
from mifin_tui.services.errors import BusinessDayClosed, Conflict
from mifin_tui.services.permissions import requires


def open_date(branch_id: int) -> date | None:
    row = (
        BusinessDay.select(BusinessDay.date)
        .where((BusinessDay.branch == branch_id) & (BusinessDay.status == "open"))
        .order_by(BusinessDay.date.desc())
        .first()
    )
    return row.date if row else None


def require_open(branch_id: int) -> date:
    """The open business date of the branch, or a clear refusal."""
    day = open_date(branch_id)
    if day is None:
        raise BusinessDayClosed(
            _("No business day is open: the day was closed and the next one not yet opened.")
        )
    return day


def next_working_day(day: date, weekend: list[int] | None = None) -> date:
    """The next working day after `day`: past the weekend and the institution's holidays."""
    from mifin_tui.services import calendar

    cal = calendar.load()
    if weekend is not None:
        cal = calendar.make(weekend, cal.holidays)
    return cal.next_after(day)


def open_first_day(branch_id: int, day: date, user_id: int | None) -> None:
    """The first day of a new branch; inside the caller's transaction."""
    BusinessDay.create(branch=branch_id, date=day, status="open",
                       opened_at=clock.now(), opened_by=user_id)


@requires("day.close")
def close_and_open_next(ctx: Context) -> date:
    """Close the open day and open the next working day; returns the new date.

    The nightly closing (its checks and batch steps) runs before this; this is
    the last step and the only one that moves the date.
    """
    with write_transaction():
        day = require_open(ctx.branch_id)
        nxt = next_working_day(day)
        if BusinessDay.select().where(
            (BusinessDay.branch == ctx.branch_id) & (BusinessDay.date == nxt)
        ).exists():
            raise Conflict(_("The day {day} already exists.").format(day=nxt.isoformat()))
        now = clock.now()
        BusinessDay.update(status="closed", closed_at=now, closed_by=ctx.user_id).where(
            (BusinessDay.branch == ctx.branch_id) & (BusinessDay.date == day)
        ).execute()
        BusinessDay.create(branch=ctx.branch_id, date=nxt, status="open",
                           opened_at=now, opened_by=ctx.user_id)
        audit.record(ctx, "day.close", "business_day", day.isoformat(),
                     before={"open": day.isoformat()}, after={"open": nxt.isoformat()},
                     business_date=day)
    return nxt
