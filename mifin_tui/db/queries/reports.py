"""The raw SQL of the loan, savings and member reports (services/reports).

Each function answers one report's question and returns plain rows. Loan reports take
the portfolio's scope (a WHERE fragment on `loan l JOIN member m` and its parameters,
built by services.reports.portfolio) so every report filters loans the same way; the
savings and member reports take the ids their service resolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from mifin_tui.db.queries import dpd, placeholders, rows, run, value

# The columns a member's display name is made of (services.reports.base.member_name).
MEMBER_COLS = "m.kind, m.legal_name, m.surname, m.postname, m.first_name"


# --- loans ---------------------------------------------------------------------------


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


_MOVEMENTS = """
SELECT l.id,
  CASE WHEN l.disbursed_on >= ? THEN
    (SELECT SUM(i.principal_due) FROM loan_installment i WHERE i.loan_id = l.id) ELSE 0 END,
  COALESCE((SELECT SUM(a.principal * (
      (r.business_date <= ? AND (r.reversed_on IS NULL OR r.reversed_on > ?))
    - (r.business_date <= ? AND (r.reversed_on IS NULL OR r.reversed_on > ?))))
    FROM repayment r JOIN repayment_allocation a ON a.repayment_id = r.id
    WHERE r.loan_id = l.id AND r.kind <> 'recovery'), 0),
  CASE WHEN l.written_off_on >= ? AND l.written_off_on <= ? THEN 1 ELSE 0 END,
  l.days_past_due
FROM loan l {member}
WHERE l.state IN ({states}) AND l.disbursed_on IS NOT NULL AND l.disbursed_on <= ?
  AND (l.written_off_on IS NULL OR l.written_off_on >= ?) AND {where}
"""


def loan_movements(start: date, end: date, states: Sequence[str], where: str,
                   params: Sequence[object], needs_member: bool) -> list[tuple]:
    """Per loan held during the period: id, principal disbursed in it (the schedule's),
    principal repaid in it (repayments counting at its end less those counting the day
    before it starts; recoveries after a write-off left out), written off in it (1/0),
    days past due (as the write-off recorded them)."""
    prev = (start - timedelta(days=1)).isoformat()
    s, e = start.isoformat(), end.isoformat()
    member = "JOIN member m ON m.id = l.member_id" if needs_member else ""
    sql = _MOVEMENTS.format(member=member, states=placeholders(states), where=where)
    return rows(sql, [s, e, e, prev, prev, s, e, *states, e, s, *params])


# --- savings and members ---------------------------------------------------------------


def _where(currency: tuple[str, object], filters: Sequence[tuple[str, object]]
           ) -> tuple[str, list[object]]:
    """The currency's clause and the AND of the filters given (not None), with their
    values in the same order."""
    given = [currency, *((c, v) for c, v in filters if v is not None)]
    return " AND ".join(c for c, _v in given), [v for _c, v in given]


def savings_scope(currency: str, branch_id: int | None, product_code: str | None,
                  officer_id: int | None, zone: str | None) -> tuple[str, list[object]]:
    """The WHERE fragment on `account a JOIN savings_account s JOIN savings_product sp
    JOIN member m` for the filters given (officer: the member's officer)."""
    return _where(("a.currency = ?", currency), (
        ("a.branch_id = ?", branch_id), ("sp.code = ?", product_code),
        ("m.officer_id = ?", officer_id), ("m.zone = ?", zone)))


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


def disbursed_between(branch_id: int, currency: str, start: date, split: date, end: date
                      ) -> tuple[int, int]:
    """The amounts disbursed (approved, else requested) from `start` to the day before
    `split`, and from `split` to the day before `end`, in one scan."""
    row = run('SELECT COALESCE(SUM(CASE WHEN l."disbursed_on" < ? THEN'
              ' COALESCE(l."amount_approved", l."amount_requested") END), 0),'
              ' COALESCE(SUM(CASE WHEN l."disbursed_on" >= ? THEN'
              ' COALESCE(l."amount_approved", l."amount_requested") END), 0)'
              ' FROM "loan" l WHERE l."branch_id" = ? AND l."currency" = ?'
              ' AND l."disbursed_on" >= ? AND l."disbursed_on" < ?',
              (split.isoformat(), split.isoformat(), branch_id, currency,
               start.isoformat(), end.isoformat())).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def collected_between(branch_id: int, currency: str, start: date, split: date, end: date
                      ) -> tuple[int, int]:
    """Repayments and recoveries received (every channel, reversed ones left out) from
    `start` to the day before `split`, and from `split` to the day before `end`, in one
    scan."""
    row = run('SELECT COALESCE(SUM(CASE WHEN r."business_date" < ? THEN r."amount" END), 0),'
              ' COALESCE(SUM(CASE WHEN r."business_date" >= ? THEN r."amount" END), 0)'
              ' FROM "repayment" r JOIN "loan" l ON l."id" = r."loan_id"'
              ' WHERE l."branch_id" = ? AND l."currency" = ? AND r."reversal_txn_id" IS NULL'
              ' AND r."business_date" >= ? AND r."business_date" < ?',
              (split.isoformat(), split.isoformat(), branch_id, currency,
               start.isoformat(), end.isoformat())).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def loans_in_states(branch_id: int, states: Sequence[str]) -> int:
    """How many of the branch's loans are in one of `states`."""
    return int(value(f'SELECT COUNT(*) FROM "loan" WHERE "branch_id" = ?'
                     f' AND "state" IN ({placeholders(states)})', (branch_id, *states), 0))


# --- PAR at month ends, written by the closing (par_snapshot) ---------------------------


def save_par_snapshot(branch_id: int, currency: str, day: date, loans: int, outstanding: int,
                      restructured: int, levels_json: str, written_at: str) -> None:
    """The PAR figures of a branch and currency at `day`; a closing run again replaces
    what its first run wrote."""
    run('INSERT INTO "par_snapshot" ("branch_id", "currency", "day", "loans", "outstanding",'
        ' "restructured_outstanding", "levels_json", "written_at")'
        ' VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("branch_id", "currency", "day")'
        ' DO UPDATE SET "loans" = excluded."loans", "outstanding" = excluded."outstanding",'
        ' "restructured_outstanding" = excluded."restructured_outstanding",'
        ' "levels_json" = excluded."levels_json", "written_at" = excluded."written_at"',
        (branch_id, currency, day.isoformat(), loans, outstanding, restructured, levels_json,
         written_at))


def loan_currencies(branch_id: int) -> list[str]:
    """The currencies of the branch's loans ever disbursed."""
    return [r[0] for r in rows('SELECT DISTINCT "currency" FROM "loan" WHERE "branch_id" = ?'
                               ' AND "disbursed_on" IS NOT NULL', (branch_id,))]


def par_snapshots(branch_id: int, currency: str, days: Sequence[date]) -> list[tuple]:
    """The snapshots of `days` that exist: day, loans, outstanding, restructured
    outstanding, levels (JSON)."""
    if not days:
        return []
    return rows('SELECT "day", "loans", "outstanding", "restructured_outstanding",'
                ' "levels_json" FROM "par_snapshot" WHERE "branch_id" = ? AND "currency" = ?'
                f' AND "day" IN ({placeholders(days)})',
                (branch_id, currency, *(d.isoformat() for d in days)))


# --- the portfolio at a date (services.reports.portfolio) -------------------------------


def loan_scope(currency: str, branch_id: int | None, product_id: int | None,
               officer_id: int | None, zone: str | None) -> tuple[str, list[object]]:
    """The WHERE fragment on `loan l JOIN member m` for the filters given; the member
    row is needed only for an officer or a zone."""
    return _where(("l.currency = ?", currency), (
        ("l.branch_id = ?", branch_id), ("l.product_id = ?", product_id),
        ("m.officer_id = ?", officer_id), ("m.zone = ?", zone)))


def latest_dated() -> date | None:
    """The latest date anything the portfolio's figures read is dated at: a business
    day, a repayment, a reversal, a penalty (an import or a correction may date a
    repayment after the open day)."""
    found = value("""
SELECT MAX(d) FROM (
  SELECT MAX("date") AS d FROM "business_day"
  UNION ALL SELECT MAX("business_date") FROM "repayment"
  UNION ALL SELECT MAX("reversed_on") FROM "repayment"
  UNION ALL SELECT MAX("business_date") FROM "loan_penalty")""")
    return date.fromisoformat(str(found)[:10]) if found else None


def _live_positions_head(day: date, states: Sequence[str], where: str,
                         params: Sequence[object], needs_member: bool, penalties: bool
                         ) -> tuple[str, list[object]]:
    """`_positions_head` at a day no repayment, reversal or penalty is dated after (at
    or after the open business day, `latest_dated`): the instalments' paid columns are
    then what the allocations would sum to, and reading them saves the pass over every
    allocation (the dashboard on 100,000 loans: bench/portfolio.py)."""
    d = day.isoformat()
    member = "JOIN member m ON m.id = l.member_id" if needs_member else ""
    sql = f"""
WITH pos AS (
  SELECT l.id AS loan_id,
    SUM(i.principal_due) AS amount,
    SUM(i.principal_due - i.principal_paid) AS principal,
    SUM(CASE WHEN i.due_date <= ? THEN i.interest_due - i.interest_paid ELSE 0 END)
      AS interest,
    SUM(CASE WHEN i.due_date < ? THEN i.principal_due - i.principal_paid ELSE 0 END)
      AS overdue_principal,
    MIN(CASE WHEN i.due_date < ? AND {dpd.owing("i", penalties=penalties)}
      THEN i.due_date END) AS oldest_due
  FROM loan l NOT INDEXED {member}
  JOIN loan_installment i ON i.loan_id = l.id
  WHERE l.state IN ({placeholders(states)}) AND l.disbursed_on IS NOT NULL
    AND l.disbursed_on <= ? AND (l.written_off_on IS NULL OR l.written_off_on > ?)
    AND {where}
  GROUP BY l.id
)
"""
    return sql, [d, d, d, *states, d, d, *params]


def _positions_head(day: date, states: Sequence[str], where: str, params: Sequence[object],
                    needs_member: bool, penalties: bool, live: bool = False
                    ) -> tuple[str, list[object]]:
    """Per loan of the portfolio at `day`: the figures of a loan's position, with the
    oldest owing due date instead of days (the caller turns it into days or thresholds).

    `paid` sums per instalment what the repayments counting at `day` paid of it, in one
    pass over the allocations in instalment order (grouped without sorting); `pos` then
    reads each loan's instalments through their (loan, no) index and groups per loan in
    the loans' order. Joining the allocations row by row and grouping per instalment
    sorted about two million rows twice (bench/portfolio.py: 3.3 s -> under 2 s).
    What "owing" takes in (penalties or not) is dpd's: the one reading of days past due.
    `live`: `day` is the latest business day (see `_live_positions_head`).
    """
    if live:
        return _live_positions_head(day, states, where, params, needs_member, penalties)
    d = day.isoformat()
    # The member row only for an officer or zone filter (a lookup per loan saved).
    member = "JOIN member m ON m.id = l.member_id" if needs_member else ""
    sql = f"""
WITH paid AS (
  SELECT a.installment_id AS iid, SUM(a.principal) AS pp, SUM(a.interest) AS ip,
    SUM({dpd.paid_parts("a", penalties=penalties)}) AS tp
  FROM repayment_allocation a JOIN repayment r ON r.id = a.repayment_id
  WHERE r.business_date <= ? AND (r.reversed_on IS NULL OR r.reversed_on > ?)
  GROUP BY a.installment_id
), pos AS (
  SELECT l.id AS loan_id,
    SUM(i.principal_due) AS amount,
    SUM(i.principal_due - COALESCE(p.pp, 0)) AS principal,
    SUM(CASE WHEN i.due_date <= ? THEN i.interest_due - COALESCE(p.ip, 0) ELSE 0 END)
      AS interest,
    SUM(CASE WHEN i.due_date < ? THEN i.principal_due - COALESCE(p.pp, 0) ELSE 0 END)
      AS overdue_principal,
    MIN(CASE WHEN i.due_date < ? AND {dpd.due_at("i", penalties=penalties)}
      > COALESCE(p.tp, 0) THEN i.due_date END) AS oldest_due
  FROM loan l NOT INDEXED {member}
  JOIN loan_installment i ON i.loan_id = l.id
  LEFT JOIN paid p ON p.iid = i.id
  WHERE l.state IN ({placeholders(states)}) AND l.disbursed_on IS NOT NULL
    AND l.disbursed_on <= ? AND (l.written_off_on IS NULL OR l.written_off_on > ?)
    AND {where}
  GROUP BY l.id
)
"""
    return sql, [d, d, d, d, d, *([d] if penalties else []), *states, d, d, *params]


def loan_positions(day: date, states: Sequence[str], where: str, params: Sequence[object],
                   needs_member: bool, penalties: bool, live: bool = False) -> list[tuple]:
    """Every loan holding principal at `day`, by loan number: id, number, member id,
    member name, branch, product, officer, zone, currency, restructured, disbursed on,
    amount, principal, interest, overdue principal, oldest owing due date."""
    head, args = _positions_head(day, states, where, params, needs_member, penalties, live)
    return rows(head + """
SELECT pos.loan_id, l.number, l.member_id,
  CASE WHEN m.kind = 'legal' THEN m.legal_name
       ELSE TRIM(m.surname || ' ' || m.postname || ' ' || m.first_name) END,
  l.branch_id, l.product_id, m.officer_id, m.zone, l.currency, l.restructured,
  l.disbursed_on, pos.amount, pos.principal, pos.interest, pos.overdue_principal,
  pos.oldest_due
FROM pos JOIN loan l ON l.id = pos.loan_id JOIN member m ON m.id = l.member_id
WHERE pos.principal > 0
ORDER BY l.number
""", args)


def par_figures(day: date, limits: Sequence[date], states: Sequence[str], where: str,
                params: Sequence[object], needs_member: bool, penalties: bool,
                live: bool = False) -> tuple:
    """At `day`: loans, outstanding principal, restructured principal, then for each of
    `limits` (a loan is at risk when its oldest owing due date is before it) the principal
    at risk, the loans at risk and the restructured principal at risk."""
    head, args = _positions_head(day, states, where, params, needs_member, penalties, live)
    cols: list[str] = []
    for limit in limits:
        cols.append("SUM(CASE WHEN pos.oldest_due < ? THEN pos.principal ELSE 0 END)")
        cols.append("SUM(CASE WHEN pos.oldest_due < ? THEN 1 ELSE 0 END)")
        cols.append("SUM(CASE WHEN pos.oldest_due < ? AND l.restructured "
                    "THEN pos.principal ELSE 0 END)")
        args += [limit.isoformat()] * 3
    return tuple(run(head + f"""
SELECT COUNT(*), SUM(pos.principal),
  SUM(CASE WHEN l.restructured THEN pos.principal ELSE 0 END), {", ".join(cols)}
FROM pos JOIN loan l ON l.id = pos.loan_id
WHERE pos.principal > 0
""", args).fetchone())


def par_figures_many(days: Sequence[date], par_days: Sequence[int], states: Sequence[str],
                     where: str, where_params: Sequence[object], needs_member: bool,
                     penalties: bool) -> tuple:
    """`par_figures` at each of `days` (distinct, sorted) from one scan, one after the
    other in the row, `par_days` giving the limits (day - n days); see `_positions_head`
    for the rules, applied here per date with CASE WHEN instead of a WHERE.

    Most allocations count at every date of a trend (paid before the first, never
    reversed before the last): they are summed once per instalment (`li`). Only the
    others (`vary`) are summed per date. A loan's principal at a date is its principal
    less both; its oldest owing due date is looked for among the instalments due before
    the last date that the allocations counting everywhere leave owing (`owing`).
    When penalties age a loan (dpd) they count as owed from the day they were charged
    (`pen`: per instalment and date, the penalties charged after it).
    """
    params: list[object] = []

    def arg(given: object) -> str:
        # The SQL is written in text order, so each value is appended where it is used.
        params.append(given)
        return "?"

    iso = [d.isoformat() for d in days]
    first, last = iso[0], iso[-1]
    member = "JOIN member m ON m.id = l.member_id" if needs_member else ""

    def counts(d: str) -> str:
        # A repayment counts at d from its business date until its reversal date.
        return (f"r.business_date <= {arg(d)} AND (r.reversed_on IS NULL"
                f" OR r.reversed_on > {arg(d)})")

    always_p = (f"r.business_date <= {arg(first)} AND (r.reversed_on IS NULL "
                f"OR r.reversed_on > {arg(last)})")
    always_t = (f"r.business_date <= {arg(first)} AND (r.reversed_on IS NULL "
                f"OR r.reversed_on > {arg(last)})")
    in_states = ", ".join(arg(v) for v in states)
    pen_due = " + i.penalties_due" if penalties else ""
    paid = dpd.paid_parts("a", penalties=penalties)
    li = f"""
li AS (
  SELECT i.id AS iid, i.loan_id AS loan_id, i.due_date AS due_date,
    i.principal_due AS pdue, {dpd.due_at("i", penalties=False)}{pen_due} AS tdue,
    SUM(CASE WHEN {always_p} THEN a.principal ELSE 0 END) AS pc,
    SUM(CASE WHEN {always_t} THEN {paid} ELSE 0 END) AS tc
  FROM loan l {member}
  JOIN loan_installment i ON i.loan_id = l.id
  LEFT JOIN repayment_allocation a ON a.installment_id = i.id
  LEFT JOIN repayment r ON r.id = a.repayment_id
  WHERE l.state IN ({in_states}) AND l.disbursed_on IS NOT NULL
    AND l.disbursed_on <= {arg(last)}
    AND (l.written_off_on IS NULL OR l.written_off_on > {arg(first)})
    AND {where}
  GROUP BY i.id
)"""
    params += where_params
    vary_cols: list[str] = []
    for k, d in enumerate(iso):
        vary_cols.append(f"SUM(CASE WHEN {counts(d)} THEN a.principal ELSE 0 END) AS vp{k}")
        vary_cols.append(f"SUM(CASE WHEN {counts(d)} THEN {paid} ELSE 0 END) AS vt{k}")
    vary = f"""
vary AS (
  SELECT a.installment_id AS iid, {", ".join(vary_cols)}
  FROM repayment_allocation a JOIN repayment r ON r.id = a.repayment_id
  WHERE r.business_date > {arg(first)} OR r.reversed_on <= {arg(last)}
  GROUP BY a.installment_id
)"""
    vloan = f"""
vloan AS (
  SELECT li.loan_id AS loan_id, {", ".join(f"SUM(v.vp{k}) AS vp{k}" for k in range(len(iso)))}
  FROM vary v JOIN li ON li.iid = v.iid
  GROUP BY li.loan_id
)"""
    pen = ""
    if penalties:
        pen_cols = ", ".join(f"SUM(CASE WHEN lp.business_date > {arg(d)} THEN lp.amount"
                             f" ELSE 0 END) AS pk{k}" for k, d in enumerate(iso))
        pen = f"""
pen AS (
  SELECT lp.installment_id AS iid, {pen_cols}
  FROM loan_penalty lp WHERE lp.business_date > {arg(first)}
  GROUP BY lp.installment_id
),"""

    def later(k: int) -> str:
        return f" - COALESCE(pn.pk{k}, 0)" if penalties else ""

    old_cols = ", ".join(
        f"MIN(CASE WHEN li.due_date < {arg(d)} AND li.tdue{later(k)} > li.tc"
        f" + COALESCE(v.vt{k}, 0) THEN li.due_date END) AS oldest{k}"
        for k, d in enumerate(iso))
    pen_join = "LEFT JOIN pen pn ON pn.iid = li.iid" if penalties else ""
    owing = f"""
owing AS (
  SELECT li.loan_id AS loan_id, {old_cols}
  FROM li LEFT JOIN vary v ON v.iid = li.iid {pen_join}
  WHERE li.due_date < {arg(last)} AND li.tdue > li.tc
  GROUP BY li.loan_id
)"""
    pos_cols = ", ".join(f"b.base - COALESCE(vl.vp{k}, 0) AS principal{k}, o.oldest{k} AS oldest{k}"
                         for k in range(len(iso)))
    pos = f"""
pos AS (
  SELECT b.loan_id AS loan_id, {pos_cols}
  FROM (SELECT loan_id, SUM(pdue - pc) AS base FROM li GROUP BY loan_id) b
  LEFT JOIN vloan vl ON vl.loan_id = b.loan_id
  LEFT JOIN owing o ON o.loan_id = b.loan_id
)"""
    out_cols: list[str] = []
    for k, (day, d) in enumerate(zip(days, iso, strict=True)):
        def held(d: str = d, k: int = k) -> str:
            # In the portfolio at d: disbursed by d, not written off by d, principal left.
            return (f"l.disbursed_on <= {arg(d)} AND (l.written_off_on IS NULL"
                    f" OR l.written_off_on > {arg(d)}) AND pos.principal{k} > 0")
        out_cols.append(f"SUM(CASE WHEN {held()} THEN 1 ELSE 0 END)")
        out_cols.append(f"SUM(CASE WHEN {held()} THEN pos.principal{k} ELSE 0 END)")
        out_cols.append(f"SUM(CASE WHEN {held()} AND l.restructured THEN pos.principal{k}"
                        " ELSE 0 END)")
        for n in par_days:
            limit = (day - timedelta(days=n)).isoformat()
            out_cols.append(f"SUM(CASE WHEN {held()} AND pos.oldest{k} < {arg(limit)}"
                            f" THEN pos.principal{k} ELSE 0 END)")
            out_cols.append(f"SUM(CASE WHEN {held()} AND pos.oldest{k} < {arg(limit)}"
                            " THEN 1 ELSE 0 END)")
            out_cols.append(f"SUM(CASE WHEN {held()} AND pos.oldest{k} < {arg(limit)}"
                            f" AND l.restructured THEN pos.principal{k} ELSE 0 END)")
    sql = f"""
WITH {li}, {vary}, {vloan},{pen} {owing}, {pos}
SELECT {", ".join(out_cols)}
FROM pos JOIN loan l ON l.id = pos.loan_id
"""
    return tuple(run(sql, params).fetchone())
