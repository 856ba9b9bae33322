"""`mifin check`: prove the books are whole.

Each finding names what is wrong and where, so an auditor can go to the row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from mifin_tui.db.connection import autoincrement_top
from mifin_tui.db.queries import admin as admin_queries
from mifin_tui.i18n import _
from mifin_tui.services.kernel import audit


@dataclass
class CheckReport:
    findings: list[str] = field(default_factory=list)
    transactions: int = 0
    entries: int = 0
    accounts: int = 0
    audit_rows: int = 0
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


def run() -> CheckReport:
    report = CheckReport()
    report.findings += check_database()
    report.findings += check_ledger(report)
    report.findings += check_balances(report)
    report.digest = ledger_digest()
    chain = audit.verify_chain()
    report.audit_rows = chain.rows
    if not chain.ok:
        report.findings.append(chain.reason)
    return report
