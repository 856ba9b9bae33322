"""The business day: operations post to the open day, not to the wall clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from mifin_tui.db import write_transaction
from mifin_tui.db.models import BusinessDay
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel import audit, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import BusinessDayClosed, Conflict
from mifin_tui.services.kernel.permissions import requires

# The closing run (ClosingRun.id) whose steps are posting in this thread: a day being
# closed ('closing') takes postings from its own closing only (the trigger of schema 8
# checks the same through journal_transaction.closing_run_id).
_closing_run: ContextVar[int | None] = ContextVar("mifin_closing_run", default=None)


@contextmanager
def closing_scope(run_id: int) -> Iterator[None]:
    """Inside it, postings on the day being closed are the closing's own."""
    token = _closing_run.set(run_id)
    try:
        yield
    finally:
        _closing_run.reset(token)


def closing_run_id() -> int | None:
    return _closing_run.get()


def _current(branch_id: int) -> BusinessDay | None:
    return (
        BusinessDay.select(BusinessDay.date, BusinessDay.status)
        .where((BusinessDay.branch == branch_id)
               & (BusinessDay.status.in_(("open", "closing"))))
        .order_by(BusinessDay.date.desc())
        .first()
    )


def open_date(branch_id: int) -> date | None:
    """The branch's current business day: open, or being closed."""
    row = _current(branch_id)
    return row.date if row else None


def is_closing(branch_id: int) -> bool:
    row = _current(branch_id)
    return row is not None and row.status == "closing"


def require_open(branch_id: int) -> date:
    """The open business date of the branch, or a clear refusal.

    While the day is being closed, only the closing's own steps get it.
    """
    row = _current(branch_id)
    if row is None:
        raise BusinessDayClosed(
            _("No business day is open: the day was closed and the next one not yet opened.")
        )
    if row.status == "closing" and _closing_run.get() is None:
        raise BusinessDayClosed(
            _("Closing in progress: the day {day} is being closed. Operations resume on the "
              "next business day.").format(day=format_date(row.date, current_language())))
    return row.date


def next_working_day(day: date, weekend: list[int] | None = None) -> date:
    """The next working day after `day`: past the weekend and the institution's holidays."""
    from mifin_tui.services.kernel import calendar

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
    """Close the open day and open the next working day at once; returns the new date.

    No checks, no steps, no backup: tests use it to move the date. Real days are
    closed by `closing.run`, whose last step moves the date the same way.
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
