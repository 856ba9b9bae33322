"""Wall-clock time, in one place so tests can move it.

Business operations use the open business date, never this; the wall clock is
for timestamps (audit, posted_at) and for login delays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

_source: Callable[[], datetime] | None = None


def now() -> datetime:
    """Aware UTC now."""
    return _source() if _source is not None else datetime.now(UTC)


@contextmanager
def simulated(source: Callable[[], datetime]) -> Iterator[None]:
    """Let `source` tell the time: the demo replays past business days at their hours."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous


def is_simulated() -> bool:
    """Whether a source other than the real clock tells the time (a replay, a test)."""
    return _source is not None


def today() -> date:
    return now().date()
