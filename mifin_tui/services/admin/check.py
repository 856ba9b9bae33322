"""`mifin check`: prove the books are whole.

Each finding names what is wrong and where, so an auditor can go to the row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from mifin_tui.db import database
from mifin_tui.db.connection import autoincrement_top
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


def _rows(sql: str, params: tuple = ()) -> list[tuple]:
    return list(database.execute_sql(sql, params).fetchall())


def check_database() -> list[str]:
    found = []
    result = _rows("PRAGMA integrity_check")
    if result != [("ok",)]:
        found.append(_("SQLite integrity check: {result}").format(
            result="; ".join(r[0] for r in result[:5])))
    for table, rowid, parent, _fk in _rows("PRAGMA foreign_key_check")[:5]:
        found.append(_("Row {rowid} of {table} points to a missing {parent}.").format(
            rowid=rowid, table=table, parent=parent))
    return found


def check_ledger(report: CheckReport) -> list[str]:
    found = []
    report.transactions = _rows('SELECT count(*) FROM "journal_transaction"')[0][0]
    report.entries = _rows('SELECT count(*) FROM "entry"')[0][0]
    for (txn_id,) in _rows(
        'SELECT t."id" FROM "journal_transaction" t LEFT JOIN "txn_seal" s '
        'ON s."txn_id" = t."id" WHERE s."txn_id" IS NULL LIMIT 5'
    ):
        found.append(_("Journal transaction {id} is not sealed.").format(id=txn_id))
    for txn_id, cur, diff in _rows(
        'SELECT "txn_id", "currency", sum("debit") - sum("credit") FROM "entry" '
        'GROUP BY "txn_id", "currency" HAVING sum("debit") <> sum("credit") LIMIT 5'
    ):
        found.append(_("Journal transaction {id} does not balance in {cur} "
                       "(difference {diff}).").format(id=txn_id, cur=cur, diff=diff))
    for cur, debit, credit in _rows(
        'SELECT "currency", sum("debit"), sum("credit") FROM "entry" GROUP BY "currency"'
    ):
        if debit != credit:
            found.append(_("The ledger does not balance in {cur}: debits {d}, credits {c}.")
                         .format(cur=cur, d=debit, c=credit))
    for table in ("entry", "journal_transaction"):
        top = autoincrement_top(table)
        last = _rows(f'SELECT max("id") FROM "{table}"')[0][0] or 0
        if top is not None and top > last:
            found.append(_("Rows of {table} after id {id} were removed.").format(
                table=table, id=last))
    return found


def check_balances(report: CheckReport) -> list[str]:
    """Each running balance equals the sum of its entries and its last line."""
    found = []
    report.accounts = _rows('SELECT count(*) FROM "account"')[0][0]
    for number, stored, derived, last in _rows(
        'WITH sums AS (SELECT a."number" AS number, a."balance" AS balance, '
        '  coalesce(sum(CASE WHEN a."normal_side" = \'debit\' THEN e."debit" - e."credit" '
        '                    ELSE e."credit" - e."debit" END), 0) AS derived, '
        '  (SELECT e2."balance_after" FROM "entry" e2 WHERE e2."account_id" = a."id" '
        '   ORDER BY e2."id" DESC LIMIT 1) AS last '
        '  FROM "account" a LEFT JOIN "entry" e ON e."account_id" = a."id" GROUP BY a."id") '
        'SELECT number, balance, derived, last FROM sums '
        'WHERE balance <> derived OR balance <> coalesce(last, balance) LIMIT 20'
    ):
        found.append(_("Account {number}: stored balance {stored}, entries give {derived}, "
                       "last line says {last}.").format(
                           number=number, stored=stored, derived=derived, last=last))
    for number, entry_id in _rows(
        'SELECT a."number", e."id" FROM "entry" e JOIN "account" a ON a."id" = e."account_id" '
        'WHERE e."gl_account_id" <> a."gl_account_id" LIMIT 5'
    ):
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
    for row in database.execute_sql(
        'SELECT t."id", t."branch_id", t."business_date", t."kind", t."voucher_number", '
        't."label", t."reverses_id", e."line", a."number", e."debit", e."credit", '
        'e."currency", e."balance_after", e."label" FROM "entry" e '
        'JOIN "journal_transaction" t ON t."id" = e."txn_id" '
        'JOIN "account" a ON a."id" = e."account_id" ORDER BY t."id", e."line"'
    ):
        h.update(json.dumps(row, default=str).encode())
    h.update(b"|balances|")
    for row in database.execute_sql(
        'SELECT "number", "currency", "balance", "status" FROM "account" ORDER BY "number"'
    ):
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
