"""The kernel's raw SQL: the audit trail and the business day it is stamped with."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from mifin_tui.db.queries import rows, run


def open_business_date(branch_id: int) -> date | None:
    """The branch's open (or closing) business day, the latest if several."""
    found = rows(
        'SELECT "date" FROM "business_day" WHERE "branch_id" = ? '
        'AND "status" IN (\'open\', \'closing\') ORDER BY "date" DESC LIMIT 1',
        (branch_id,))
    return date.fromisoformat(found[0][0]) if found else None


def audit_chain(fields: Sequence[str]) -> Iterator[tuple]:
    """Every audit row in order: its seq, the `fields` named, then its hash (streamed:
    the log may be long)."""
    return iter(run(
        'SELECT "seq", ' + ", ".join(f'"{f}"' for f in fields) + ', "hash" '
        'FROM "audit_log" ORDER BY "seq"'
    ))
