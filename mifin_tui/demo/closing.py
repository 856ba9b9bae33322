"""The demo's past days end with the real nightly closing: its checks, backup and report.

The backups land in the closing folder beside the demo database, so the demo shows
the closings of the days it replayed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from mifin_tui.services.closing import nightly as closing
from mifin_tui.services.kernel.context import Context


def close_day(manager: Context, on_day_closed: Callable[[Context, date], None] | None
              ) -> date:
    """Close the replayed day as the gérant would; returns the next business day."""
    doc = closing.run(manager)
    if on_day_closed is not None:
        on_day_closed(manager, doc.business_date)
    return doc.next_date
