"""The books' hash chain: each sealed journal transaction linked to the one before it.

A link's hash covers the transaction (id, uid, branch, business date, user, kind,
voucher number, label, what it reverses), every line (account, debit, credit,
currency, balance after, label) and the previous link's hash. Changing an amount, a
user or a label breaks the link's own hash; removing a transaction from the middle
breaks the next link; cutting the newest ones is caught by the closing's anchors
(outside the file) and by `mifin check`'s cross-checks.

The key file (optional, outside the database, readable by Mifin's account only, made
by `mifin keygen`) turns both chains (this one and the audit log's) into HMAC-SHA256
from the moment the books were enrolled in it: whoever holds the database file alone
can no longer rewrite a row and recompute every later hash. Without it: SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mifin_tui.db import database, write_transaction
from mifin_tui.db.bulk import insert_rows
from mifin_tui.db.models import LedgerChain
from mifin_tui.db.queries import kernel as kernel_queries
from mifin_tui.db.queries import ledger as queries
from mifin_tui.i18n import _
from mifin_tui.services.kernel import clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.permissions import requires

GENESIS = "0" * 64
KEY_FILE_ENV = "MIFIN_KEY_FILE"
_BACKFILL_BATCH = 2000


# --- the key file ------------------------------------------------------------------------

@dataclass(frozen=True)
class Enrolment:
    """Where the books entered the key file: the heads then (HMAC after them)."""

    ledger_from: int
    ledger_hash: str
    audit_from: int
    audit_hash: str


_override: Path | None = None
_cache: dict[str, Any] = {}


def use_key_file(path: str | Path | None) -> None:
    """The key file of this process (`--key-file`), before MIFIN_KEY_FILE and the default."""
    global _override
    _override = Path(path).expanduser() if path else None
    _cache.clear()


def key_path() -> Path:
    """`--key-file`, then MIFIN_KEY_FILE, then chain.key in the workstation's config folder."""
    if _override is not None:
        return _override
    env = os.environ.get(KEY_FILE_ENV)
    if env:
        return Path(env).expanduser()
    from mifin_tui.config import config_path

    return config_path().parent / "chain.key"


def _load(path: Path) -> dict[str, Any] | None:
    """The key file's content (cached while the file is unchanged); None without one."""
    try:
        st = path.stat()
    except OSError:
        return None
    stamp = (str(path), st.st_mtime_ns, st.st_size)
    if _cache.get("stamp") != stamp:
        try:
            data = json.loads(path.read_text("utf-8"))
            bytes.fromhex(data["key"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise MifinError(_("The key file {path} cannot be read: {error}").format(
                path=path, error=exc)) from exc
        _cache.update(stamp=stamp, data=data)
    return _cache["data"]


def books_identity() -> str | None:
    """What names these books in a key file: the hash of their first audit row."""
    return kernel_queries.first_audit_hash()


def enrolment() -> tuple[bytes, Enrolment] | None:
    """(key, enrolment) when the key file holds these books; else None (plain SHA-256)."""
    data = _load(key_path())
    if not data:
        return None
    identity = books_identity()
    entry = data.get("books", {}).get(identity or "")
    if entry is None:
        return None
    return bytes.fromhex(data["key"]), Enrolment(
        int(entry["ledger_from"]), entry["ledger_hash"], int(entry["audit_from"]),
        entry["audit_hash"])


def ledger_key(txn_id: int, enrolled: tuple[bytes, Enrolment] | None) -> bytes | None:
    return enrolled[0] if enrolled and txn_id > enrolled[1].ledger_from else None


def audit_key(seq: int, enrolled: tuple[bytes, Enrolment] | None) -> bytes | None:
    return enrolled[0] if enrolled and seq > enrolled[1].audit_from else None


def digest(key: bytes | None, data: bytes) -> str:
    if key:
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


# --- a link ------------------------------------------------------------------------------

# The columns a link covers, in this order (queries.chain_rows reads them so).
TXN_COLUMNS = ("id", "uid", "branch_id", "business_date", "user_id", "kind",
               "voucher_number", "label", "reverses_id")
LINE_COLUMNS = ("line", "account_id", "debit", "credit", "currency", "balance_after",
                "label")


def link_hash(key: bytes | None, prev: str, txn: Sequence[Any],
              lines: Sequence[Sequence[Any]]) -> str:
    """The hash of one transaction (its TXN_COLUMNS, then its lines' LINE_COLUMNS in line
    order) after the link `prev`."""
    body = json.dumps([list(txn), [list(line) for line in lines]], ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return digest(key, f"{prev}\n{body}".encode())


@dataclass(frozen=True)
class Link:
    txn: tuple  # TXN_COLUMNS
    lines: tuple[tuple, ...]  # LINE_COLUMNS each
    prev_hash: str | None  # the stored link (None: the transaction has none)
    hash: str | None


def links(after_id: int = 0, only_id: int | None = None) -> Iterator[Link]:
    """Every transaction after `after_id` (or only `only_id`) with its lines and stored
    link, in id order (streamed)."""
    current: list[Any] | None = None
    lines: list[tuple] = []
    n = len(TXN_COLUMNS)
    for row in queries.chain_rows(after_id, only_id):
        txn, line, link = row[:n], row[n:n + len(LINE_COLUMNS)], row[-2:]
        if current is None or current[0][0] != txn[0]:
            if current is not None:
                yield Link(current[0], tuple(lines), *current[1])
            current, lines = [txn, link], []
        if line[0] is not None:
            lines.append(tuple(line))
    if current is not None:
        yield Link(current[0], tuple(lines), *current[1])


def ensure_built() -> int:
    """The one-off backfill of a database upgraded from a Mifin without the ledger chain:
    when the chain is empty and the ledger is not, link every transaction in id order
    (under the write lock, inside the caller's transaction or its own). Returns the
    number of links written; 0 when there was nothing to do (the usual case: two reads)."""
    if queries.chain_head() is not None or not queries.has_transactions():
        return 0
    if not database.in_transaction():
        with write_transaction():
            return ensure_built()
    enrolled = enrolment()
    prev, rows, written = GENESIS, [], 0
    for link in links():
        h = link_hash(ledger_key(link.txn[0], enrolled), prev, link.txn, link.lines)
        rows.append({"txn": link.txn[0], "prev_hash": prev, "hash": h})
        prev = h
        if len(rows) >= _BACKFILL_BATCH:
            written += insert_rows(LedgerChain, rows)
            rows = []
    return written + insert_rows(LedgerChain, rows)


# --- heads and anchors -------------------------------------------------------------------

@dataclass(frozen=True)
class Heads:
    """The newest link of each chain: what an anchor records."""

    ledger_seq: int
    ledger_hash: str
    audit_seq: int
    audit_hash: str


def heads() -> Heads:
    ledger = queries.chain_head() or (0, GENESIS)
    audit = kernel_queries.audit_head() or (0, GENESIS)
    return Heads(int(ledger[0]), ledger[1], int(audit[0]), audit[1])


def anchor_line(day: str, branch_code: str, h: Heads) -> str:
    """One line of the anchor file (and of the signed closing report)."""
    return (f"{day} {branch_code} ledger {h.ledger_seq} {h.ledger_hash} "
            f"audit {h.audit_seq} {h.audit_hash}")


@dataclass(frozen=True)
class Anchor:
    day: str
    branch_code: str
    heads: Heads
    line_no: int


def parse_anchors(text: str) -> list[Anchor]:
    """The anchors of an anchor file; raises ValueError naming a line it cannot read."""
    out = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 8 or parts[2] != "ledger" or parts[5] != "audit":
            raise ValueError(_("line {n} is not an anchor: {line}").format(n=n, line=line))
        try:
            h = Heads(int(parts[3]), parts[4], int(parts[6]), parts[7])
        except ValueError:
            raise ValueError(_("line {n} is not an anchor: {line}").format(
                n=n, line=line)) from None
        out.append(Anchor(parts[0], parts[1], h, n))
    return out


# --- enrolment ---------------------------------------------------------------------------

@requires("settings.manage")
def enrol(ctx: Context, path: Path) -> Enrolment:
    """Enrol the open books in the key file at `path` (made, 0600 in a 0700 folder, if
    missing, with a new random key): from their current heads on, both chains are HMACs.
    Raises MifinError when these books are already enrolled there."""
    from mifin_tui.paths import write_private

    with write_transaction():
        ensure_built()
        identity = books_identity()
        if identity is None:
            raise MifinError(_("These books hold no audit row yet: run `mifin init` first."))
        data = _load(path) or {"version": 1, "key": secrets.token_hex(32), "books": {}}
        if identity in data.get("books", {}):
            raise MifinError(_("These books are already enrolled in {path}.").format(
                path=path))
        h = heads()
        entry = Enrolment(h.ledger_seq, h.ledger_hash, h.audit_seq, h.audit_hash)
        data.setdefault("books", {})[identity] = {
            **entry.__dict__, "enrolled_at": clock.now().isoformat(timespec="seconds")}
        write_private(path, json.dumps(data, indent=1) + "\n")
        _cache.clear()
        # Not at the top: the audit log hashes through this module.
        from mifin_tui.services.kernel import audit

        audit.record(ctx, "chain.enrol", "key_file", str(path), after=dict(entry.__dict__))
    return entry


# --- verification ------------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerReport:
    links: int
    findings: tuple[str, ...]


def _name(txn: Sequence[Any]) -> str:
    return f"{txn[0]} ({txn[6]})" if txn[6] else str(txn[0])


def verify_ledger(limit: int = 5) -> LedgerReport:
    """Walk the whole chain: name (up to `limit`) the transactions altered after they were
    posted, those without a link, and those that do not follow the link before them."""
    enrolled = enrolment()
    found: list[str] = []
    prev, count, linked_any, unlinked = GENESIS, 0, False, 0
    for link in links():
        count += 1
        txn_id = link.txn[0]
        if link.hash is None:
            unlinked += 1
            if len(found) < limit:
                found.append(_("Journal transaction {txn} has no link in the ledger chain.")
                             .format(txn=_name(link.txn)))
            continue
        linked_any = True
        if link.prev_hash != prev and len(found) < limit:
            found.append(_("Journal transaction {txn} does not follow the one before it in "
                           "the ledger chain: a transaction before it was removed or "
                           "altered.").format(txn=_name(link.txn)))
        expected = link_hash(ledger_key(txn_id, enrolled), link.prev_hash or "", link.txn,
                             link.lines)
        if expected != link.hash and len(found) < limit:
            found.append(_("Journal transaction {txn} was altered after it was posted (its "
                           "lines, amounts, accounts, user, label, voucher or date no longer "
                           "give its hash).").format(txn=_name(link.txn)))
        prev = link.hash
    if not linked_any and unlinked:
        # Upgraded books not opened since: say so once rather than for each transaction.
        found = [_("The ledger chain is not built yet ({n} transactions): it is built when "
                   "Mifin next opens these books for work.").format(n=unlinked)]
    return LedgerReport(count, tuple(found))


def verify_anchor(anchor: Anchor) -> list[str]:
    """What in the books disagrees with one anchor (a history cut or rewritten before it)."""
    found = []
    h = anchor.heads
    if h.ledger_seq:
        link = queries.chain_link(h.ledger_seq)
        if link is None:
            found.append(_("Anchor of {day} (line {n}): transaction {seq} is gone from the "
                           "ledger: the history was cut.").format(
                day=anchor.day, n=anchor.line_no, seq=h.ledger_seq))
        elif link[1] != h.ledger_hash:
            found.append(_("Anchor of {day} (line {n}): the ledger up to transaction {seq} "
                           "was rewritten (its hash differs from the anchored one).").format(
                day=anchor.day, n=anchor.line_no, seq=h.ledger_seq))
    if h.audit_seq:
        stored = kernel_queries.audit_row_hash(h.audit_seq)
        if stored is None:
            found.append(_("Anchor of {day} (line {n}): audit row {seq} is gone: the "
                           "history was cut.").format(
                day=anchor.day, n=anchor.line_no, seq=h.audit_seq))
        elif stored != h.audit_hash:
            found.append(_("Anchor of {day} (line {n}): the audit log up to row {seq} was "
                           "rewritten (its hash differs from the anchored one).").format(
                day=anchor.day, n=anchor.line_no, seq=h.audit_seq))
    return found


def verify_enrolment() -> list[str]:
    """The heads the key file recorded when the books were enrolled: an anchor too."""
    enrolled = enrolment()
    if enrolled is None:
        return []
    e = enrolled[1]
    return verify_anchor(Anchor(_("the key file"), "", Heads(
        e.ledger_from, e.ledger_hash, e.audit_from, e.audit_hash), 0))


# --- receipt codes -----------------------------------------------------------------------
# BRANCH-SERIES-NUMBER-YYYYMMDD-AMOUNT-HASHC, e.g. KIN-BE-000006-20261207-150000-7ZK3M9QXA:
# the voucher, its business date, its amount in minor units, the first 40 bits of its
# link's hash in Crockford's base 32 (no I, L, O, U: nothing to misread) and an ISO 7064
# MOD 37-2 check character over the whole, which catches every single wrong character
# and every swap of two neighbours.

_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MOD37 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
HASH_CHARS = 8


def hash_prefix(link_hash: str) -> str:
    """The first 40 bits of a link's hash, as 8 Crockford base-32 characters."""
    value = int(link_hash[:10], 16)
    return "".join(_BASE32[(value >> shift) & 31] for shift in range(35, -1, -5))


def check_char(body: str) -> str:
    """ISO 7064 MOD 37-2 over the letters and digits of `body` (dashes left out)."""
    p = 0
    for ch in body:
        if ch == "-":
            continue
        p = ((p + _MOD37.index(ch)) * 2) % 37
    return _MOD37[(38 - p) % 37]


@dataclass(frozen=True)
class ReceiptCode:
    branch_code: str
    series: str
    number: int
    day: str  # YYYYMMDD
    amount: int
    hash_prefix: str

    @property
    def voucher_number(self) -> str:
        return f"{self.series}-{self.branch_code}-{self.day[:4]}-{self.number:06d}"

    def text(self) -> str:
        body = (f"{self.branch_code}-{self.series}-{self.number:06d}-{self.day}-"
                f"{self.amount}-{self.hash_prefix}")
        return body + check_char(body)


class BadReceiptCode(ValueError):
    pass


_CROCKFORD_READS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def parse_receipt_code(text: str) -> ReceiptCode:
    """A code as typed (any case, spaces ignored; O, I and L read as 0, 1, 1 in the hash)
    or scanned; raises BadReceiptCode (mistyped: shape or check character)."""
    cleaned = "".join(text.split()).upper()
    parts = cleaned.split("-")
    if len(parts) != 6 or len(parts[5]) != HASH_CHARS + 1:
        raise BadReceiptCode(_("This is not a receipt code: it reads BRANCH-SERIES-NUMBER-"
                               "DATE-AMOUNT-CHECK, e.g. KIN-BE-000006-20261207-150000-"
                               "7ZK3M9QXA."))
    branch, series, number, day, amount, tail = parts
    tail = tail[:HASH_CHARS].translate(_CROCKFORD_READS) + tail[HASH_CHARS:]
    if not (branch.isalnum() and series.isalpha() and number.isdigit()
            and len(day) == 8 and day.isdigit() and amount.isdigit()
            and all(c in _BASE32 for c in tail[:HASH_CHARS]) and tail[-1] in _MOD37):
        raise BadReceiptCode(_("This receipt code is mistyped: a part of it has the wrong "
                               "characters."))
    code = ReceiptCode(branch, series, int(number), day, int(amount), tail[:HASH_CHARS])
    if code.text() != f"{branch}-{series}-{code.number:06d}-{day}-{amount}-{tail}":
        raise BadReceiptCode(_("This receipt code is mistyped (its check character does not "
                               "match): read it again from the slip."))
    return code


def receipt_code(txn_id: int) -> str:
    """The code a voucher of this transaction prints; "" without a voucher number or a
    link."""
    found = queries.receipt_facts(txn_id)
    if found is None:
        return ""
    voucher, business_date, amount, link_hash = found
    if not voucher or not link_hash:
        return ""
    series, branch, _year, number = voucher.split("-")
    return ReceiptCode(branch, series, int(number), str(business_date).replace("-", ""),
                       int(amount), hash_prefix(link_hash)).text()
