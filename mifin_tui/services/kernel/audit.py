"""The audit log: who did what, when, with the data before and after.

Rows are hash-chained: each row's hash is sha256 of the previous row's hash and
the row's canonical JSON (an HMAC-SHA256 once the books are enrolled in a key file,
see chain.py). Editing a row breaks its own hash; removing one
breaks the link of the next; removing the newest rows leaves the table's
AUTOINCREMENT counter ahead of the last row. `verify_chain` finds all three.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mifin_tui.db import database
from mifin_tui.db.bulk import insert_rows
from mifin_tui.db.connection import autoincrement_top as _autoincrement_top
from mifin_tui.db.models import AuditLog
from mifin_tui.db.queries import kernel as kernel_queries
from mifin_tui.i18n import _
from mifin_tui.services.kernel import chain, clock
from mifin_tui.services.kernel.context import SYSTEM_USERNAME, Context
from mifin_tui.services.kernel.permissions import requires

GENESIS = chain.GENESIS
_SECRET_MARKERS = ("password", "hash", "secret")
_HASHED_FIELDS = (
    "at", "business_date", "user_id", "username", "branch_code",
    "action", "entity", "entity_id", "before", "after", "prev_hash",
)


def _redact(data: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if data is None:
        return None
    return {
        k: ("[redacted]" if any(m in k.lower() for m in _SECRET_MARKERS) else v)
        for k, v in data.items()
    }


def _to_json(data: Mapping[str, Any] | None) -> str:
    if data is None:
        return ""
    return json.dumps(_redact(data), sort_keys=True, ensure_ascii=False, default=str)


def row_hash(fields: Mapping[str, Any], key: bytes | None = None) -> str:
    canonical = json.dumps(
        {k: fields[k] for k in _HASHED_FIELDS}, sort_keys=True, ensure_ascii=False
    )
    return chain.digest(key, f"{fields['prev_hash']}\n{canonical}".encode())


def record(
    actor: Context | None,
    action: str,
    entity: str = "",
    entity_id: object = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    business_date: date | None = None,
    username: str | None = None,
) -> None:
    """Append one audit row; call inside the operation's write transaction."""
    record_many(actor, [Record(action, entity, entity_id, before, after)],
                business_date=business_date, username=username)


@dataclass(frozen=True)
class Record:
    """One row of `record_many`: what `record` takes besides the actor."""

    action: str
    entity: str = ""
    entity_id: object = ""
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


def record_many(actor: Context | None, records: Sequence[Record], *,
                business_date: date | None = None, username: str | None = None) -> int:
    """Append these audit rows in order, chained as `record` called once per row would
    chain them, in one multi-row insert (a closing audits thousands of postings); inside
    the operation's write transaction. Returns the number of rows."""
    if not database.in_transaction():
        raise RuntimeError("audit.record must run inside the operation's transaction")
    if not records:
        return 0
    last = kernel_queries.audit_head()
    prev = last[1] if last else GENESIS
    seq = last[0] if last else 0
    enrolled = chain.enrolment() if last else None
    if business_date is None and actor is not None:
        business_date = _open_day(actor.branch_id)
    rows = []
    for r in records:
        fields: dict[str, Any] = {
            "at": clock.now().isoformat(timespec="microseconds"),
            "business_date": business_date.isoformat() if business_date else None,
            "user_id": actor.user_id if actor else None,
            "username": actor.username if actor else (username or SYSTEM_USERNAME),
            "branch_code": actor.branch_code if actor else "",
            "action": r.action,
            "entity": r.entity,
            "entity_id": str(r.entity_id),
            "before": _to_json(r.before),
            "after": _to_json(r.after),
            "prev_hash": prev,
        }
        seq += 1
        fields["hash"] = prev = row_hash(fields, chain.audit_key(seq, enrolled))
        rows.append(fields)
    return insert_rows(AuditLog, rows)


def _open_day(branch_id: int) -> date | None:
    # Not business_day.open_date: that module audits through this one.
    return kernel_queries.open_business_date(branch_id)


@dataclass(frozen=True)
class ChainReport:
    rows: int
    ok: bool
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Walk the whole log; name the first row that was altered or removed."""
    prev = GENESIS
    count = 0
    last_seq = 0
    enrolled = chain.enrolment()
    for row in kernel_queries.audit_chain(_HASHED_FIELDS):
        seq = row[0]
        fields = dict(zip(_HASHED_FIELDS, row[1:-1], strict=True))
        stored_hash = row[-1]
        count += 1
        if fields["prev_hash"] != prev:
            return ChainReport(count, False, seq, _(
                "audit row {seq} does not follow the previous row: a row before it was "
                "removed or altered").format(seq=seq))
        if row_hash(fields, chain.audit_key(seq, enrolled)) != stored_hash:
            return ChainReport(count, False, seq, _(
                "audit row {seq} was altered after it was written").format(seq=seq))
        prev = stored_hash
        last_seq = seq
    top = _autoincrement_top("audit_log")
    if top is not None and top > last_seq:
        return ChainReport(count, False, last_seq + 1, _(
            "audit rows after {seq} were removed").format(seq=last_seq))
    return ChainReport(count, True)




@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    business_date: str | None
    username: str
    branch_code: str
    action: str
    entity: str
    entity_id: str
    before: str
    after: str


@requires("audit.read")
def list_rows(
    ctx: Context, *, before_seq: int | None = None, limit: int = 100, search: str = ""
) -> list[AuditRow]:
    """Newest first, a page at a time (keyset on seq, so page 1,000 is as fast as page 1)."""
    query = AuditLog.select().order_by(AuditLog.seq.desc()).limit(limit)
    if before_seq is not None:
        query = query.where(AuditLog.seq < before_seq)
    if search:
        query = query.where(
            AuditLog.action.contains(search)
            | AuditLog.username.contains(search)
            | AuditLog.entity_id.contains(search)
            | AuditLog.after.contains(search)
        )
    return [
        AuditRow(r.seq, r.at, r.business_date, r.username, r.branch_code, r.action,
                 r.entity, r.entity_id, r.before, r.after)
        for r in query
    ]


def iter_all() -> Iterator[AuditLog]:
    return AuditLog.select().order_by(AuditLog.seq).iterator()
