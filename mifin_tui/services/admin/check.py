"""`mifin check`: prove the books are whole.

Each finding names what is wrong and where, so an auditor can go to the row.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from mifin_tui.db import schema
from mifin_tui.db.connection import autoincrement_top
from mifin_tui.db.queries import admin as admin_queries
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit, chain


@dataclass
class CheckReport:
    findings: list[str] = field(default_factory=list)
    transactions: int = 0
    entries: int = 0
    accounts: int = 0
    audit_rows: int = 0
    links: int = 0
    anchors: int = 0
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.findings


def check_database() -> list[str]:
    found = []
    result = admin_queries.integrity_check()
    if result != [("ok",)]:
        found.append(_("SQLite integrity check: {result}").format(
            result="; ".join(r[0] for r in result[:5])))
    for table, rowid, parent, _fk in admin_queries.foreign_key_check(5):
        found.append(_("Row {rowid} of {table} points to a missing {parent}.").format(
            rowid=rowid, table=table, parent=parent))
    return found


def check_ledger(report: CheckReport) -> list[str]:
    found = []
    report.transactions = admin_queries.count("journal_transaction")
    report.entries = admin_queries.count("entry")
    for (txn_id,) in admin_queries.unsealed_transactions(5):
        found.append(_("Journal transaction {id} is not sealed.").format(id=txn_id))
    for txn_id, cur, diff in admin_queries.unbalanced_transactions(5):
        found.append(_("Journal transaction {id} does not balance in {cur} "
                       "(difference {diff}).").format(id=txn_id, cur=cur, diff=diff))
    for cur, debit, credit in admin_queries.totals_by_currency():
        if debit != credit:
            found.append(_("The ledger does not balance in {cur}: debits {d}, credits {c}.")
                         .format(cur=cur, d=debit, c=credit))
    for table in ("entry", "journal_transaction"):
        top = autoincrement_top(table)
        last = admin_queries.max_id(table) or 0
        if top is not None and top > last:
            found.append(_("Rows of {table} after id {id} were removed.").format(
                table=table, id=last))
    return found


def check_balances(report: CheckReport) -> list[str]:
    """Each running balance equals the sum of its entries and its last line."""
    found = []
    report.accounts = admin_queries.count("account")
    for number, stored, derived, last in admin_queries.balance_mismatches(20):
        found.append(_("Account {number}: stored balance {stored}, entries give {derived}, "
                       "last line says {last}.").format(
                           number=number, stored=stored, derived=derived, last=last))
    for number, entry_id in admin_queries.entries_on_another_gl(5):
        found.append(_("Entry {id} of account {number} names another GL account.").format(
            id=entry_id, number=number))
    return found


def ledger_digest() -> str:
    """A fingerprint of the books: every entry of every transaction and every account's
    balance, without what the wall clock or chance put there (posting times, uids).

    Two databases that went through the same operations give the same digest, however
    often a closing was interrupted and resumed in one of them.
    """
    h = hashlib.sha256()
    for row in admin_queries.digest_entries():
        h.update(json.dumps(row, default=str).encode())
    h.update(b"|balances|")
    for row in admin_queries.digest_balances():
        h.update(json.dumps(row).encode())
    return h.hexdigest()


_VOUCHER = re.compile(r"^(.+)-(\d+)$")


def check_vouchers(limit: int = 5) -> list[str]:
    """Every voucher number of every series drawn is in the books: a missing one is a
    transaction removed (the series are numbered without gaps, a refused posting gives
    its number back)."""
    present: dict[str, set[int]] = defaultdict(set)
    for (number,) in admin_queries.voucher_numbers():
        match = _VOUCHER.match(number)
        if match:
            present[match.group(1)].add(int(match.group(2)))
    drawn = {}
    for name, value in admin_queries.voucher_counters():
        _kind, series, branch, year = name.split(":")
        drawn[f"{series}-{branch}-{year}"] = int(value)
    found = []
    for prefix in sorted(set(present) | set(drawn)):
        numbers = present.get(prefix, set())
        top = max(drawn.get(prefix, 0), max(numbers, default=0))
        missing = [n for n in range(1, top + 1) if n not in numbers]
        if missing:
            width = 6
            shown = ", ".join(f"{prefix}-{n:0{width}d}" for n in missing[:limit])
            found.append(_("Voucher numbers missing from the books: {numbers}{more}.").format(
                numbers=shown, more=" …" if len(missing) > limit else ""))
    return found


def check_audit_links(limit: int = 5) -> list[str]:
    """Each posting has its audit row, and each audit row of a posting its transaction."""
    found = []
    for txn_id, voucher in admin_queries.transactions_without_audit(limit):
        found.append(_("Journal transaction {txn} has no audit row of its posting.").format(
            txn=f"{txn_id} ({voucher})" if voucher else txn_id))
    for seq, after in admin_queries.audit_without_transaction(limit):
        try:
            voucher = json.loads(after).get("voucher") or ""
        except ValueError:
            voucher = ""
        found.append(_("Audit row {seq} records a posting{voucher} that is not in the "
                       "ledger: the transaction was removed.").format(
            seq=seq, voucher=f" ({voucher})" if voucher else ""))
    return found


def _squeeze(sql: str) -> str:
    return " ".join(sql.replace(";", " ").split()).upper()


def check_triggers() -> list[str]:
    """The append-only and consistency triggers are all there, as the migrations made
    them (a dropped trigger lets rows be changed without a trace in SQL)."""
    present = schema.present_triggers()
    if present is None:
        return []
    found = []
    for name, sql in sorted(schema.expected_triggers().items()):
        if name not in present:
            found.append(_("Trigger {name} is missing: the rows it protects can be changed "
                           "or removed.").format(name=name))
        elif _squeeze(present[name] or "") != _squeeze(sql):
            found.append(_("Trigger {name} was changed from what the migrations made.").format(
                name=name))
    return found


def check_key_file() -> list[str]:
    """The key file, when there is one, is readable by Mifin's account only."""
    path = chain.key_path()
    try:
        mode = path.stat().st_mode
    except OSError:
        return []
    if mode & 0o077:
        return [_("The key file {path} can be read by other accounts: make it private "
                  "(chmod 600).").format(path=path)]
    return []


def check_anchors(path: str | Path, report: CheckReport) -> list[str]:
    """The books against an anchor file (the closings' heads, kept outside the file)."""
    try:
        anchors = chain.parse_anchors(Path(path).read_text("utf-8"))
    except OSError as exc:
        return [_("The anchor file {path} cannot be read: {error}").format(
            path=path, error=exc.strerror or exc)]
    except ValueError as exc:
        return [_("The anchor file {path}: {error}").format(path=path, error=exc)]
    report.anchors = len(anchors)
    found = []
    for anchor in anchors:
        found += chain.verify_anchor(anchor)
    return found


def run(anchors: str | Path | None = None) -> CheckReport:
    report = CheckReport()
    report.findings += check_database()
    report.findings += check_triggers()
    report.findings += check_ledger(report)
    report.findings += check_balances(report)
    ledger_chain = chain.verify_ledger()
    report.links = ledger_chain.links
    report.findings += ledger_chain.findings
    report.findings += check_vouchers()
    report.findings += check_audit_links()
    report.digest = ledger_digest()
    audit_chain = audit.verify_chain()
    report.audit_rows = audit_chain.rows
    if not audit_chain.ok:
        report.findings.append(audit_chain.reason)
    report.findings += chain.verify_enrolment()
    report.findings += check_key_file()
    if anchors is not None:
        report.findings += check_anchors(anchors, report)
    return report
