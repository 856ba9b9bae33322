"""Wall-clock time, in one place so tests can move it.

Business operations use the open business date, never this; the wall clock is
for timestamps (audit, posted_at) and for login delays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """Aware UTC now."""
    return datetime.now(UTC)


def today() -> date:
    return now().date()
