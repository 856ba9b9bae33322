"""The loan activity reports (#11): the waiting list at a date, then over a period the
disbursements, repayments, repayment rate, write-offs and recoveries, loans granted.

Each is one or two queries of db.queries.reports over the loan tables, filtered by the
portfolio's scope, and returns a `ReportTable` in one currency.
"""

from __future__ import annotations

from mifin_tui.db.queries import reports as queries
from mifin_tui.i18n import _, ngettext
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import stored_date
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.reports.base import (
    PERMISSION,
    at_date,
    at_label,
    loan_where,
    member_name,
    over_period,
    period_label,
    report_table,
    share,
)
from mifin_tui.services.reports.table import (
    COUNT,
    DATE,
    HEADING,
    MONEY,
    PLAIN,
    Column,
    ReportTable,
)


def _loans(n: int) -> str:
    return ngettext("{n} loan", "{n} loans", n).format(n=n)


@requires(PERMISSION)
def waiting_list_report(ctx: Context, p: object) -> ReportTable:
    """Loans approved and not yet paid out at the date, oldest decision first."""
    day, f, cur = at_date(p)
    where, params = loan_where(f)
    rows = []
    for r in queries.waiting_list(where, params, day):
        decided = stored_date(r[7])
        rows.append((r[0], member_name(*r[1:6]), r[6], decided, (day - decided).days,
                     int(r[8] or 0)))
    cols = [Column("loan", _("Loan")), Column("member", _("Member")),
            Column("product", _("Product")), Column("approved", _("Approved on"), DATE),
            Column("days", _("Days waiting"), COUNT),
            Column("amount", _("Amount approved"), MONEY, cur)]
    return report_table(ctx, "waiting-list", _("Waiting list"), at_label(day),
                        f, cols, rows, totals=(_("Total"), _loans(len(rows)), "",
                                               None, None, sum(r[5] for r in rows)))


@requires(PERMISSION)
def disbursements_report(ctx: Context, p: object) -> ReportTable:
    """Loans disbursed in the period."""
    start, end, f, cur = over_period(p)
    where, params = loan_where(f)
    rows = [(stored_date(r[0]), r[1], member_name(*r[2:7]), r[7], int(r[8] or 0), int(r[9] or 0),
             r[10]) for r in queries.disbursements(where, params, start, end)]
    cols = [Column("date", _("Date"), DATE), Column("loan", _("Loan")),
            Column("member", _("Member")), Column("product", _("Product")),
            Column("amount", _("Amount"), MONEY, cur), Column("fees", _("Fees"), MONEY, cur),
            Column("mode", _("Mode"))]
    return report_table(ctx, "disbursements", _("Disbursements"), period_label(start, end), f,
                        cols, rows, totals=(None, _loans(len(rows)), "", "",
                                            sum(r[4] for r in rows), sum(r[5] for r in rows), ""))


@requires(PERMISSION)
def repayments_report(ctx: Context, p: object) -> ReportTable:
    """Repayments of the period still standing at its end (reversed ones left out), with
    their split; recoveries after write-off included and marked."""
    start, end, f, cur = over_period(p)
    where, params = loan_where(f)
    rows = []
    for r in queries.repayments(where, params, start, end):
        channel = r[7] if r[8] == "repayment" else f"{r[7]} ({_('recovery')})"
        rows.append((stored_date(r[0]), r[1], member_name(*r[2:7]), channel,
                     *(int(v or 0) for v in r[9:14])))
    cols = [Column("date", _("Date"), DATE), Column("loan", _("Loan")),
            Column("member", _("Member")), Column("channel", _("Channel")),
            Column("principal", _("Principal"), MONEY, cur),
            Column("interest", _("Interest"), MONEY, cur),
            Column("fees", _("Fees"), MONEY, cur),
            Column("penalties", _("Penalties"), MONEY, cur),
            Column("amount", _("Amount"), MONEY, cur)]
    sums = [sum(r[i] for r in rows) for i in range(4, 9)]
    return report_table(ctx, "repayments", _("Repayments"), period_label(start, end), f, cols,
                        rows, totals=(None, ngettext("{n} repayment", "{n} repayments",
                                                     len(rows)).format(n=len(rows)), "", "",
                                      *sums),
                        landscape=True)


@requires(PERMISSION)
def repayment_rate_report(ctx: Context, p: object) -> ReportTable:
    """Per product: principal and interest falling due in the period, what was paid of it
    by its due date (on time), what was paid of it by the end of the period, and the
    on-time rate (DOMAIN: repaid on time / due in the period)."""
    start, end, f, cur = over_period(p)
    where, params = loan_where(f)
    rows = [(r[0], int(r[1] or 0), int(r[2] or 0), int(r[3] or 0),
             share(int(r[2] or 0), int(r[1] or 0)), share(int(r[3] or 0), int(r[1] or 0)))
            for r in queries.repayment_rate(where, params, start, end)]
    cols = [Column("product", _("Product")), Column("due", _("Due in the period"), MONEY, cur),
            Column("on_time", _("Paid on time"), MONEY, cur),
            Column("paid", _("Paid by the end"), MONEY, cur),
            Column("rate", _("On-time rate")), Column("collection", _("Collection rate"))]
    due, on_time, paid = (sum(r[i] for r in rows) for i in (1, 2, 3))
    return report_table(ctx, "repayment-rate", _("Repayment rate"), period_label(start, end), f,
                        cols, rows, totals=(_("Total"), due, on_time, paid, share(on_time, due),
                                            share(paid, due)))


@requires(PERMISSION)
def write_offs_report(ctx: Context, p: object) -> ReportTable:
    """Loans written off in the period, then the recoveries received in it."""
    start, end, f, cur = over_period(p)
    where, params = loan_where(f)
    cols = [Column("date", _("Date"), DATE), Column("loan", _("Loan")),
            Column("member", _("Member")), Column("reason", _("Reason")),
            Column("written_off", _("Written off"), MONEY, cur),
            Column("recovered", _("Recovered"), MONEY, cur)]
    rows: list[tuple] = [(None, _("Write-offs"), None, None, None, None)]
    styles = [HEADING]
    off = 0
    for r in queries.write_offs(where, params, start, end):
        rows.append((stored_date(r[0]), r[1], member_name(*r[2:7]), r[7], int(r[8] or 0), 0))
        styles.append(PLAIN)
        off += int(r[8] or 0)
    rows.append((None, _("Recoveries"), None, None, None, None))
    styles.append(HEADING)
    rec = 0
    for r in queries.recoveries(where, params, start, end):
        rows.append((stored_date(r[0]), r[1], member_name(*r[2:7]), "", 0, int(r[7] or 0)))
        styles.append(PLAIN)
        rec += int(r[7] or 0)
    return report_table(ctx, "write-offs", _("Write-offs and recoveries"),
                        period_label(start, end), f, cols, rows, styles=styles,
                        totals=(None, _("Total"), "", "", off, rec))


@requires(PERMISSION)
def loans_granted_report(ctx: Context, p: object) -> ReportTable:
    """Loans disbursed in the period by product and the borrower's sex: number, amount,
    average."""
    start, end, f, cur = over_period(p)
    where, params = loan_where(f)
    sex = {"F": _("Women"), "H": _("Men"), "M": _("Men")}
    rows = []
    for name, kind, s, n, amount in queries.loans_granted(where, params, start, end):
        who = _("Legal persons") if kind == "legal" else sex.get(s or "", _("Not given"))
        rows.append((name, who, int(n), int(amount or 0), int(amount or 0) // int(n)))
    cols = [Column("product", _("Product")), Column("who", _("Borrowers")),
            Column("loans", _("Loans"), COUNT), Column("amount", _("Amount"), MONEY, cur),
            Column("average", _("Average"), MONEY, cur)]
    n = sum(r[2] for r in rows)
    amount = sum(r[3] for r in rows)
    return report_table(ctx, "loans-granted", _("Loans granted"), period_label(start, end), f,
                        cols, rows, totals=(_("Total"), "", n, amount, amount // n if n else 0))
