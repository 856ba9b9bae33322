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


def first_audit_hash() -> str | None:
    """The hash of the audit log's first row: what names these books in a key file."""
    found = rows('SELECT "hash" FROM "audit_log" ORDER BY "seq" LIMIT 1')
    return found[0][0] if found else None


def audit_head() -> tuple[int, str] | None:
    """(seq, hash) of the newest audit row."""
    found = rows('SELECT "seq", "hash" FROM "audit_log" ORDER BY "seq" DESC LIMIT 1')
    return (found[0][0], found[0][1]) if found else None


def audit_row_hash(seq: int) -> str | None:
    found = rows('SELECT "hash" FROM "audit_log" WHERE "seq" = ?', (seq,))
    return found[0][0] if found else None
