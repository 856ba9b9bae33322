"""The raw SQL of the loan, savings and member reports (services/reports).

Each function answers one report's question and returns plain rows. Loan reports take
the portfolio's scope (a WHERE fragment on `loan l JOIN member m` and its parameters,
built by services.reports.portfolio) so every report filters loans the same way; the
savings and member reports take the ids their service resolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mifin_tui.db.queries import placeholders, rows, value

# The columns a member's display name is made of (services.reports.base.member_name).
MEMBER_COLS = "m.kind, m.legal_name, m.surname, m.postname, m.first_name"


# --- loans ---------------------------------------------------------------------------


def pledged_deposits() -> list[tuple]:
    """(loan id, amount) of the savings pledged by borrowers and held from guarantors;
    a loan may appear twice."""
    return rows("SELECT loan_id, SUM(value) FROM loan_collateral WHERE kind = 'savings' "
                "GROUP BY loan_id UNION ALL SELECT loan_id, SUM(amount) FROM loan_guarantor "
                "WHERE account_id IS NOT NULL GROUP BY loan_id")


def guarantees() -> list[tuple]:
    """(guarantor member id, loan id, amount guaranteed) of every guarantee."""
    return rows("SELECT member_id, loan_id, amount FROM loan_guarantor")


def waiting_list(where: str, params: Sequence[object], day: date) -> list[tuple]:
    """Loans approved by `day` and not paid out: number, member columns, product,
    decided_at, amount approved."""
    return rows(f"SELECT l.number, {MEMBER_COLS}, pr.name, l.decided_at, l.amount_approved"
                " FROM loan l JOIN member m ON m.id = l.member_id"
                " JOIN loan_product pr ON pr.id = l.product_id"
                f" WHERE l.state = 'approved' AND {where} AND date(l.decided_at) <= ?"
                " ORDER BY l.decided_at, l.id", [*params, day.isoformat()])


def disbursements(where: str, params: Sequence[object], start: date, end: date
                  ) -> list[tuple]:
    """Loans disbursed in the period: date, number, member columns, product, amount,
    fees, mode."""
    return rows(f"SELECT l.disbursed_on, l.number, {MEMBER_COLS}, pr.name, l.amount_approved,"
                " l.fees, l.disbursement_mode FROM loan l JOIN member m ON m.id = l.member_id"
                " JOIN loan_product pr ON pr.id = l.product_id"
                f" WHERE l.disbursed_on >= ? AND l.disbursed_on <= ? AND {where}"
                " AND l.state NOT IN ('approved', 'cancelled')"
                " ORDER BY l.disbursed_on, l.number", [start.isoformat(), end.isoformat(), *params])


def repayments(where: str, params: Sequence[object], start: date, end: date) -> list[tuple]:
    """Repayments of the period not reversed by its end: date, loan number, member
    columns, channel, kind, principal, interest, fees, penalties, amount."""
    e = end.isoformat()
    return rows(f"SELECT r.business_date, l.number, {MEMBER_COLS}, r.channel, r.kind,"
                " r.principal, r.interest, r.fees, r.penalties, r.amount"
                " FROM repayment r JOIN loan l ON l.id = r.loan_id"
                " JOIN member m ON m.id = l.member_id"
                " WHERE r.business_date >= ? AND r.business_date <= ?"
                f" AND (r.reversed_on IS NULL OR r.reversed_on > ?) AND {where}"
                " ORDER BY r.business_date, r.id", [start.isoformat(), e, e, *params])


_REPAYMENT_RATE = """
SELECT pr.name, SUM(i.principal_due + i.interest_due),
  SUM(COALESCE((SELECT SUM(a.principal + a.interest) FROM repayment_allocation a
    JOIN repayment r ON r.id = a.repayment_id WHERE a.installment_id = i.id
    AND r.business_date <= i.due_date AND (r.reversed_on IS NULL OR r.reversed_on > ?)), 0)),
  SUM(COALESCE((SELECT SUM(a.principal + a.interest) FROM repayment_allocation a
    JOIN repayment r ON r.id = a.repayment_id WHERE a.installment_id = i.id
    AND r.business_date <= ? AND (r.reversed_on IS NULL OR r.reversed_on > ?)), 0))
FROM loan_installment i JOIN loan l ON l.id = i.loan_id JOIN member m ON m.id = l.member_id
JOIN loan_product pr ON pr.id = l.product_id
WHERE i.due_date >= ? AND i.due_date <= ? AND l.disbursed_on IS NOT NULL AND {where}
GROUP BY pr.name ORDER BY pr.name
"""


def repayment_rate(where: str, params: Sequence[object], start: date, end: date
                   ) -> list[tuple]:
    """Per product: principal and interest due in the period, paid of it by each due
    date, paid of it by the end of the period (reversals by then left out)."""
    e = end.isoformat()
    return rows(_REPAYMENT_RATE.format(where=where), [e, e, e, start.isoformat(), e, *params])


def write_offs(where: str, params: Sequence[object], start: date, end: date) -> list[tuple]:
    """Loans written off in the period: date, number, member columns, reason, amount."""
    return rows(f"SELECT l.written_off_on, l.number, {MEMBER_COLS}, l.write_off_reason,"
                " l.written_off_amount FROM loan l JOIN member m ON m.id = l.member_id"
                f" WHERE l.written_off_on >= ? AND l.written_off_on <= ? AND {where}"
                " ORDER BY l.written_off_on, l.number", [start.isoformat(), end.isoformat(),
                                                         *params])


def recoveries(where: str, params: Sequence[object], start: date, end: date) -> list[tuple]:
    """Recoveries received in the period and not reversed by its end: date, loan number,
    member columns, amount."""
    e = end.isoformat()
    return rows(f"SELECT r.business_date, l.number, {MEMBER_COLS}, r.amount"
                " FROM repayment r JOIN loan l ON l.id = r.loan_id"
                " JOIN member m ON m.id = l.member_id WHERE r.kind = 'recovery'"
                " AND r.business_date >= ? AND r.business_date <= ?"
                f" AND (r.reversed_on IS NULL OR r.reversed_on > ?) AND {where}"
                " ORDER BY r.business_date, r.id", [start.isoformat(), e, e, *params])


def loans_granted(where: str, params: Sequence[object], start: date, end: date
                  ) -> list[tuple]:
    """Loans disbursed in the period by product, member kind and sex: product name,
    kind, sex, count, amount."""
    return rows("SELECT pr.name, m.kind, m.sex, COUNT(*), SUM(l.amount_approved)"
                " FROM loan l JOIN member m ON m.id = l.member_id"
                " JOIN loan_product pr ON pr.id = l.product_id"
                f" WHERE l.disbursed_on >= ? AND l.disbursed_on <= ? AND {where}"
                " AND l.state NOT IN ('approved', 'cancelled')"
                " GROUP BY pr.name, m.kind, m.sex ORDER BY pr.name, m.kind, m.sex",
                [start.isoformat(), end.isoformat(), *params])


# --- savings and members ---------------------------------------------------------------


def savings_scope(currency: str, branch_id: int | None, product_code: str | None,
                  officer_id: int | None, zone: str | None) -> tuple[str, list[object]]:
    """The WHERE fragment on `account a JOIN savings_account s JOIN savings_product sp
    JOIN member m` for the filters given (officer: the member's officer)."""
    sql = ["a.currency = ?"]
    params: list[object] = [currency]
    for clause, given in (("a.branch_id = ?", branch_id), ("sp.code = ?", product_code),
                          ("m.officer_id = ?", officer_id), ("m.zone = ?", zone)):
        if given is not None:
            sql.append(clause)
            params.append(given)
    return " AND ".join(sql), params


# Savings balances at a date, from the entries (the column `balance` is today's only).
_BALANCES = """
WITH bal AS (
  SELECT e.account_id AS aid, SUM(e.credit - e.debit) AS balance
  FROM entry e JOIN journal_transaction t ON t.id = e.txn_id
  JOIN savings_account s0 ON s0.account_id = e.account_id
  WHERE t.business_date <= ? GROUP BY e.account_id
)
"""


def savings_by_product(where: str, params: Sequence[object], day: date) -> list[tuple]:
    """Per savings product at `day`: name, accounts, active, dormant, deposits."""
    sql = _BALANCES + f"""
SELECT sp.name, COUNT(*), SUM(CASE WHEN s.dormant THEN 0 ELSE 1 END),
  SUM(CASE WHEN s.dormant THEN 1 ELSE 0 END), SUM(COALESCE(bal.balance, 0))
FROM account a JOIN savings_account s ON s.account_id = a.id
JOIN savings_product sp ON sp.id = s.product_id JOIN member m ON m.id = a.member_id
LEFT JOIN bal ON bal.aid = a.id
WHERE a.opened_on <= ? AND (a.status <> 'closed' OR COALESCE(bal.balance, 0) <> 0)
  AND {where}
GROUP BY sp.name ORDER BY sp.name
"""
    return rows(sql, [day.isoformat(), day.isoformat(), *params])


def savings_by_member(where: str, params: Sequence[object], day: date) -> list[tuple]:
    """Per member at `day`, largest first: number, member columns, accounts, deposits."""
    sql = _BALANCES + f"""
SELECT m.number, {MEMBER_COLS}, COUNT(*), SUM(COALESCE(bal.balance, 0)) AS total
FROM account a JOIN savings_account s ON s.account_id = a.id
JOIN savings_product sp ON sp.id = s.product_id JOIN member m ON m.id = a.member_id
LEFT JOIN bal ON bal.aid = a.id
WHERE a.opened_on <= ? AND {where}
GROUP BY m.id ORDER BY total DESC, m.number
"""
    return rows(sql, [day.isoformat(), day.isoformat(), *params])


def members_by_zone(day: date, branch_id: int | None, officer_id: int | None,
                    zone: str | None) -> list[tuple]:
    """Members at `day` (joined by then, not left) per zone and status: zone, status,
    women, men and not given, legal persons, all."""
    where = ["m.joined_on <= ?", "(m.left_on IS NULL OR m.left_on > ?)"]
    params: list[object] = [day.isoformat(), day.isoformat()]
    for clause, given in (("m.branch_id = ?", branch_id), ("m.zone = ?", zone),
                          ("m.officer_id = ?", officer_id)):
        if given is not None:
            where.append(clause)
            params.append(given)
    return rows("SELECT m.zone, m.status,"
                " SUM(CASE WHEN m.kind = 'person' AND m.sex = 'F' THEN 1 ELSE 0 END),"
                " SUM(CASE WHEN m.kind = 'person' AND m.sex <> 'F' THEN 1 ELSE 0 END),"
                " SUM(CASE WHEN m.kind = 'legal' THEN 1 ELSE 0 END), COUNT(*)"
                f" FROM member m WHERE {' AND '.join(where)}"
                " GROUP BY m.zone, m.status ORDER BY m.zone, m.status", params)


# --- the gérant's dashboard -------------------------------------------------------------


def disbursed_between(branch_id: int, currency: str, start: date, end: date) -> int:
    """The amounts disbursed from `start` to the day before `end` (approved, else
    requested)."""
    return int(value('SELECT COALESCE(SUM(COALESCE(l."amount_approved", l."amount_requested")),'
                     ' 0) FROM "loan" l WHERE l."branch_id" = ? AND l."currency" = ?'
                     ' AND l."disbursed_on" >= ? AND l."disbursed_on" < ?',
                     (branch_id, currency, start.isoformat(), end.isoformat()), 0))


def collected_between(branch_id: int, currency: str, start: date, end: date) -> int:
    """Repayments and recoveries received from `start` to the day before `end` (every
    channel), reversed ones left out."""
    return int(value('SELECT COALESCE(SUM(r."amount"), 0) FROM "repayment" r'
                     ' JOIN "loan" l ON l."id" = r."loan_id" WHERE l."branch_id" = ?'
                     ' AND l."currency" = ? AND r."reversal_txn_id" IS NULL'
                     ' AND r."business_date" >= ? AND r."business_date" < ?',
                     (branch_id, currency, start.isoformat(), end.isoformat()), 0))


def loans_in_states(branch_id: int, states: Sequence[str]) -> int:
    """How many of the branch's loans are in one of `states`."""
    return int(value(f'SELECT COUNT(*) FROM "loan" WHERE "branch_id" = ?'
                     f' AND "state" IN ({placeholders(states)})', (branch_id, *states), 0))
