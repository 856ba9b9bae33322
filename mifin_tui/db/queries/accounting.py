"""The raw SQL of the accounting reports (services/accounting/reports.py): sums and lines
of the ledger's entries by GL account, in one currency, for a branch or every branch.

Every query reads `entry e JOIN journal_transaction t` under the same filter
(`_entries`): the entries' currency, and the transactions' branch when one is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mifin_tui.db.queries import placeholders, rows, value


def _entries(currency: str, branch_id: int | None) -> tuple[str, list[object]]:
    sql = "e.currency = ?"
    params: list[object] = [currency]
    if branch_id is not None:
        sql += " AND t.branch_id = ?"
        params.append(branch_id)
    return sql, params


def gl_movements(currency: str, branch_id: int | None, date_from: date, date_to: date
                 ) -> list[tuple]:
    """Per GL account id up to `date_to`: debit and credit before `date_from`, debit and
    credit from it."""
    where, params = _entries(currency, branch_id)
    start = date_from.isoformat()
    return rows("SELECT e.gl_account_id,"
                " SUM(CASE WHEN t.business_date < ? THEN e.debit ELSE 0 END),"
                " SUM(CASE WHEN t.business_date < ? THEN e.credit ELSE 0 END),"
                " SUM(CASE WHEN t.business_date >= ? THEN e.debit ELSE 0 END),"
                " SUM(CASE WHEN t.business_date >= ? THEN e.credit ELSE 0 END)"
                " FROM entry e JOIN journal_transaction t ON t.id = e.txn_id"
                f" WHERE {where} AND t.business_date <= ?"
                " GROUP BY e.gl_account_id",
                [start, start, start, start, *params, date_to.isoformat()])


def journal_lines(currency: str, branch_id: int | None, date_from: date, date_to: date
                  ) -> list[tuple]:
    """Every line posted in the period, transaction by transaction: date, voucher (or
    #id), account number, GL code, label, debit, credit."""
    where, params = _entries(currency, branch_id)
    return rows("SELECT t.business_date, COALESCE(t.voucher_number, '#' || t.id), a.number,"
                " g.code, CASE WHEN e.label <> '' THEN e.label ELSE t.label END, e.debit,"
                " e.credit FROM entry e JOIN journal_transaction t ON t.id = e.txn_id"
                " JOIN account a ON a.id = e.account_id"
                " JOIN gl_account g ON g.id = e.gl_account_id"
                f" WHERE {where} AND t.business_date >= ? AND t.business_date <= ?"
                " ORDER BY t.business_date, t.id, e.line",
                [*params, date_from.isoformat(), date_to.isoformat()])


def _sheet(currency: str, branch_id: int | None, gl_ids: Sequence[int] | None,
           account_id: int | None) -> tuple[str, list[object]]:
    where, params = _entries(currency, branch_id)
    if gl_ids is not None:
        where += f" AND e.gl_account_id IN ({placeholders(gl_ids)})"
        params += list(gl_ids)
    else:
        where += " AND e.account_id = ?"
        params.append(account_id)
    return where, params


def sheet_opening(currency: str, branch_id: int | None, gl_ids: Sequence[int] | None,
                  account_id: int | None, date_from: date) -> int:
    """Debit - credit before `date_from` of the GL accounts `gl_ids`, or of the account
    `account_id` when no GL account is given."""
    where, params = _sheet(currency, branch_id, gl_ids, account_id)
    return int(value("SELECT COALESCE(SUM(e.debit - e.credit), 0) FROM entry e"
                     f" JOIN journal_transaction t ON t.id = e.txn_id WHERE {where}"
                     " AND t.business_date < ?", [*params, date_from.isoformat()], 0))


def sheet_lines(currency: str, branch_id: int | None, gl_ids: Sequence[int] | None,
                account_id: int | None, date_from: date, date_to: date) -> list[tuple]:
    """The lines of the period of those accounts: date, voucher (or #id), account number,
    label, debit, credit."""
    where, params = _sheet(currency, branch_id, gl_ids, account_id)
    return rows("SELECT t.business_date, COALESCE(t.voucher_number, '#' || t.id), a.number,"
                " CASE WHEN e.label <> '' THEN e.label ELSE t.label END, e.debit, e.credit"
                " FROM entry e JOIN journal_transaction t ON t.id = e.txn_id"
                " JOIN account a ON a.id = e.account_id"
                f" WHERE {where} AND t.business_date >= ? AND t.business_date <= ?"
                " ORDER BY t.business_date, e.id",
                [*params, date_from.isoformat(), date_to.isoformat()])


def gl_balances(currency: str, branch_id: int | None, date_to: date,
                date_from: date | None = None) -> list[tuple]:
    """(GL code, debit - credit) up to `date_to` (and from `date_from`)."""
    where, params = _entries(currency, branch_id)
    where += " AND t.business_date <= ?"
    params.append(date_to.isoformat())
    if date_from is not None:
        where += " AND t.business_date >= ?"
        params.append(date_from.isoformat())
    return rows("SELECT g.code, SUM(x.net) FROM (SELECT e.gl_account_id AS gl,"
                " SUM(e.debit) - SUM(e.credit) AS net"
                " FROM entry e JOIN journal_transaction t ON t.id = e.txn_id"
                f" WHERE {where} GROUP BY e.gl_account_id) x"
                " JOIN gl_account g ON g.id = x.gl GROUP BY g.code", params)


def guarantees_by_loan() -> list[tuple]:
    """(loan id, amount guaranteed) of every loan with guarantors."""
    return rows("SELECT loan_id, SUM(amount) FROM loan_guarantor GROUP BY loan_id")


def written_off(day: date, currency: str, branch_id: int | None) -> int:
    """The principal written off by `day` in `currency` (a branch's, or every branch's)."""
    where, params = "written_off_on <= ? AND currency = ?", [day.isoformat(), currency]
    if branch_id is not None:
        where += " AND branch_id = ?"
        params.append(branch_id)
    return int(value(f"SELECT COALESCE(SUM(written_off_amount), 0) FROM loan WHERE {where}",
                     params, 0))
