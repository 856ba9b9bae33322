"""The loan, savings and member reports of the registry (#11): portfolio, PAR, arrears,
classification and provisions, the waiting list, disbursements, repayments, repayment
rate, write-offs and recoveries, concentration, guarantors, savings, largest depositors,
members and loans granted.

Loan figures at a date come from `portfolio.positions` / `portfolio.par` (rebuilt from
the schedule and the allocations, so any past date is right); the others are GROUP BY
queries over their tables. Each returns a `ReportTable` in one currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from mifin_tui.db import database
from mifin_tui.db.models import Branch, Institution, LoanProduct, Member, User
from mifin_tui.i18n import N_, _, current_language
from mifin_tui.services.kernel import clock, regulators, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.reports import portfolio
from mifin_tui.services.reports.table import (
    COUNT,
    DATE,
    HEADING,
    MONEY,
    PLAIN,
    SUBTOTAL,
    TEXT,
    Column,
    ReportTable,
)

PERMISSION = "report.portfolio"
SAVINGS_PERMISSION = PERMISSION
TOP = 20  # rows of the concentration and largest-depositors reports
LOAN_FILTERS = ("date", "branch", "product", "officer", "zone", "currency")
PERIOD_FILTERS = ("date_from", "date_to", "branch", "product", "officer", "zone", "currency")


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _pct(part: int, whole: int) -> str:
    """A share as '12.34 %' from integers (basis points, rounded half up)."""
    if not whole:
        return ""
    bp = (part * 20000 + whole) // (2 * whole)
    return f"{bp // 100}.{bp % 100:02d} %"


def _filters(p: object) -> portfolio.Filters:
    return portfolio.Filters(currency=getattr(p, "currency", None),
                             branch=getattr(p, "branch", None),
                             product=getattr(p, "product", None),
                             officer=getattr(p, "officer", None),
                             zone=getattr(p, "zone", None))


def _scope_label(f: portfolio.Filters) -> str:
    parts = [f"{_('Branch')} {f.branch.upper()}" if f.branch else _("All branches")]
    if f.product:
        parts.append(f"{_('Product')} {f.product.upper()}")
    if f.officer:
        parts.append(f"{_('Loan officer')} {f.officer}")
    if f.zone:
        parts.append(f"{_('Zone')} {f.zone}")
    return ", ".join(parts)


def _currency(f: portfolio.Filters) -> str:
    inst = Institution.select().first()
    return (f.currency or inst.currency).strip().upper()


def _table(ctx: Context, name: str, title: str, subtitle: str, f: portfolio.Filters,
           columns: list[Column], rows: list[tuple], **kw: object) -> ReportTable:
    inst = Institution.select().first()
    zone = ZoneInfo(settings.get("timezone"))
    return ReportTable(
        name=name, title=title,
        subtitle=f"{subtitle} — {_scope_label(f)} — {_currency(f)}",
        columns=tuple(columns), rows=rows, institution=inst.name,
        branch=_scope_label(f), printed_by=ctx.full_name,
        printed_at=clock.now().astimezone(zone), language=current_language(),
        **kw)  # type: ignore[arg-type]


def _names(model: type, field: str) -> dict[int, str]:
    return {row.id: getattr(row, field) for row in model.select()}


def profile_of_institution() -> regulators.RegulatorProfile:
    """The regulator profile with the provision rates the institution configured (the
    closing's setting, when it exists)."""
    profile = regulators.get_profile(Institution.select().first().regulator)
    try:
        rates = settings.get("loan_provision_rates")
    except KeyError:
        return profile
    if isinstance(rates, dict) and rates:
        known = {b.key for b in profile.arrears_buckets}
        return regulators.with_provision_rates(
            profile, {k: v for k, v in rates.items() if k in known})
    return profile


def _period(p: object) -> tuple[date, date]:
    start, end = getattr(p, "date_from"), getattr(p, "date_to")
    if start > end:
        raise ValidationError({"date_from": _("The period starts after it ends.")})
    return start, end


# Every report starts from its parameters the same way: the date (or the period, checked
# first), the filters, and the one currency its money columns are in.
def _at_date(p: object) -> tuple[date, portfolio.Filters, str]:
    """(date, filters, currency) of a report at a date."""
    day, f = getattr(p, "date"), _filters(p)
    return day, f, _currency(f)


def _over_period(p: object) -> tuple[date, date, portfolio.Filters, str]:
    """(first day, last day, filters, currency) of a report over a period."""
    start, end = _period(p)
    f = _filters(p)
    return start, end, f, _currency(f)


def _at_label(day: date) -> str:
    return _("At {day}").format(day=_fmt(day))


def _period_label(start: date, end: date) -> str:
    return _("From {start} to {end}").format(start=_fmt(start), end=_fmt(end))


def _d(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _positions(day: date, f: portfolio.Filters) -> tuple[list[portfolio.LoanPosition], int]:
    """The loans at `day` under the filters, and their outstanding principal."""
    pos = portfolio.positions(day, f)
    return pos, sum(x.principal for x in pos)


# --- portfolio -----------------------------------------------------------------------


@requires(PERMISSION)
def portfolio_report(ctx: Context, p: object) -> ReportTable:
    """Outstanding principal by product, officer, zone and branch, with PAR30 of each."""
    day, f, cur = _at_date(p)
    pos, total = _positions(day, f)
    products = _names(LoanProduct, "name")
    officers = {u.id: u.full_name for u in User.select()}
    branches = {b.id: f"{b.code} {b.name}" for b in Branch.select()}
    cols = [Column("key", _("Group")), Column("loans", _("Loans"), COUNT),
            Column("outstanding", _("Outstanding"), MONEY, cur),
            Column("share", _("Share")), Column("par30", _("At risk > 30 days"), MONEY, cur),
            Column("par30_ratio", _("PAR30"))]
    rows: list[tuple] = []
    styles: list[str] = []
    groups: tuple[tuple[str, str, Callable[[object], str]], ...] = (
        (N_("By product"), "product_id", lambda k: products.get(k, "")),
        (N_("By loan officer"), "officer_id", lambda k: officers.get(k, _("(none)"))),
        (N_("By zone"), "zone", lambda k: k or _("(none)")),
        (N_("By branch"), "branch_id", lambda k: branches.get(k, "")),
    )
    for title, attr, label in groups:
        rows.append((_(title), None, None, None, None, None))
        styles.append(HEADING)
        agg: dict[object, list[int]] = defaultdict(lambda: [0, 0, 0])
        for x in pos:
            a = agg[getattr(x, attr)]
            a[0] += 1
            a[1] += x.principal
            a[2] += x.principal if x.days_past_due > 30 else 0
        for key, (n, amount, risk) in sorted(agg.items(), key=lambda kv: -kv[1][1]):
            rows.append((label(key), n, amount, _pct(amount, total), risk, _pct(risk, amount)))
            styles.append(PLAIN)
    risk30 = sum(x.principal for x in pos if x.days_past_due > 30)
    return _table(ctx, "portfolio", _("Loan portfolio"), _at_label(day),
                  f, cols, rows, styles=styles,
                  totals=(_("Total"), len(pos), total, _pct(total, total), risk30,
                          _pct(risk30, total)))


PAR_TITLES = {"par1": N_("PAR1 (any day late)"), "par30": N_("PAR30 (more than 30 days)"),
              "par90": N_("PAR90 (more than 90 days)")}


@requires(PERMISSION)
def par_report(ctx: Context, p: object) -> ReportTable:
    """PAR1/30/90 at the date, restructured loans given apart."""
    day, f, _cur = _at_date(p)
    s = portfolio.par(day, f)
    cur = s.currency
    cols = [Column("indicator", _("Indicator")), Column("loans", _("Loans"), COUNT),
            Column("at_risk", _("At risk"), MONEY, cur),
            Column("outstanding", _("Outstanding"), MONEY, cur), Column("ratio", _("Ratio")),
            Column("restructured", _("Of which restructured"), MONEY, cur)]
    rows: list[tuple] = [(_(PAR_TITLES[lv]), s.loans_at_risk[lv], s.at_risk[lv], s.outstanding,
                          _pct(s.at_risk[lv], s.outstanding), s.restructured_at_risk[lv])
                         for lv in portfolio.PAR_LEVELS]
    rows.append((_("Restructured loans"), None, None, s.restructured_outstanding,
                 _pct(s.restructured_outstanding, s.outstanding), s.restructured_outstanding))
    notes = (_("PAR = outstanding principal of the loans late by more than the days, "
               "divided by the gross outstanding principal ({n} loans).").format(n=s.loans),)
    return _table(ctx, "par", _("Portfolio at risk"), _at_label(day), f,
                  cols, rows, notes=notes)


# --- arrears and classification ------------------------------------------------------


@requires(PERMISSION)
def arrears_report(ctx: Context, p: object) -> ReportTable:
    """The loans late at the date, under the regulator's buckets, with subtotals."""
    day, f, cur = _at_date(p)
    profile = profile_of_institution()
    pos = [x for x in portfolio.positions(day, f) if x.days_past_due > 0]
    cols = [Column("loan", _("Loan")), Column("member", _("Member")),
            Column("days", _("Days late"), COUNT),
            Column("overdue", _("Principal overdue"), MONEY, cur),
            Column("interest", _("Interest due"), MONEY, cur),
            Column("outstanding", _("Outstanding"), MONEY, cur)]
    rows: list[tuple] = []
    styles: list[str] = []
    by_bucket: dict[str, list[portfolio.LoanPosition]] = defaultdict(list)
    for x in pos:
        by_bucket[regulators.bucket_for_days(profile, x.days_past_due).key].append(x)
    totals = [0, 0, 0]
    for bucket in profile.arrears_buckets:
        items = by_bucket.get(bucket.key)
        if not items:
            continue
        rows.append((bucket.label, None, None, None, None, None))
        styles.append(HEADING)
        sub = [0, 0, 0]
        for x in sorted(items, key=lambda y: (-y.days_past_due, y.number)):
            rows.append((x.number, x.member_name, x.days_past_due, x.overdue_principal,
                         x.interest, x.principal))
            styles.append(PLAIN)
            sub = [sub[0] + x.overdue_principal, sub[1] + x.interest, sub[2] + x.principal]
        rows.append((_("Subtotal"), _("{n} loans").format(n=len(items)), None, *sub))
        styles.append(SUBTOTAL)
        totals = [a + b for a, b in zip(totals, sub)]
    return _table(ctx, "arrears", _("Loans in arrears"), _at_label(day),
                  f, cols, rows, styles=styles,
                  totals=(_("Total"), _("{n} loans").format(n=len(pos)), None, *totals))


def pledged_deposits() -> dict[int, int]:
    """Per loan: the savings pledged by the borrower (collateral) or held from guarantors,
    which the BCEAO's provisioning base deducts."""
    sql = ("SELECT loan_id, SUM(value) FROM loan_collateral WHERE kind = 'savings' "
           "GROUP BY loan_id UNION ALL SELECT loan_id, SUM(amount) FROM loan_guarantor "
           "WHERE account_id IS NOT NULL GROUP BY loan_id")
    out: dict[int, int] = defaultdict(int)
    for loan_id, amount in database.execute_sql(sql):
        out[loan_id] += int(amount or 0)
    return dict(out)


def provision(profile: regulators.RegulatorProfile, outstanding: int, pledged: int,
              days_late: int) -> tuple[regulators.ArrearsBucket, int, int]:
    """(bucket, provisioning base, provision) of one loan; a rate not configured gives no
    provision (the report says so). Rounded half up to the minor unit."""
    bucket = regulators.bucket_for_days(profile, days_late)
    base = outstanding
    if profile.provisioning_base == "outstanding_less_pledged_deposits":
        base = max(0, outstanding - pledged)
    rate = bucket.provision_rate_bp or 0
    return bucket, base, (base * rate * 2 + 10000) // 20000


@requires(PERMISSION)
def classification_report(ctx: Context, p: object) -> ReportTable:
    """Loans by class of the regulator profile at the date: outstanding, provisioning
    base, rate and provision; restructured loans again apart."""
    day, f, cur = _at_date(p)
    profile = profile_of_institution()
    pledged = pledged_deposits()
    cols = [Column("class", _("Class")), Column("loans", _("Loans"), COUNT),
            Column("outstanding", _("Outstanding"), MONEY, cur),
            Column("base", _("Provisioning base"), MONEY, cur), Column("rate", _("Rate")),
            Column("provision", _("Provision"), MONEY, cur)]
    agg: dict[str, list[int]] = {b.key: [0, 0, 0, 0] for b in profile.arrears_buckets}
    restructured = [0, 0, 0, 0]
    for x in portfolio.positions(day, f):
        bucket, base, prov = provision(profile, x.principal, pledged.get(x.loan_id, 0),
                                       x.days_past_due)
        for target in (agg[bucket.key], restructured if x.restructured else None):
            if target is not None:
                target[0] += 1
                target[1] += x.principal
                target[2] += base
                target[3] += prov
    rows: list[tuple] = []
    styles: list[str] = []
    unset = False
    for b in profile.arrears_buckets:
        n, amount, base, prov = agg[b.key]
        if b.provision_rate_bp is None:
            rate = _("to set")
            unset = unset or n > 0
        else:
            rate = f"{b.provision_rate_bp // 100}.{b.provision_rate_bp % 100:02d} %"
        rows.append((b.label, n, amount, base, rate, prov))
        styles.append(PLAIN)
    total = [sum(v[i] for v in agg.values()) for i in range(4)]
    rows.append((_("Of which restructured"), *restructured[:3], "", restructured[3]))
    styles.append(SUBTOTAL)
    notes: list[str] = [_("Profile {name}; provisioning base: {base}.").format(
        name=profile.name, base=profile.provisioning_base)]
    if unset:
        notes.append(_("Some provision rates are not set in the regulator profile: their "
                       "provision shows 0."))
    return _table(ctx, "classification", _("Loan classification and provisions"),
                  _at_label(day), f, cols, rows, styles=styles,
                  totals=(_("Total"), total[0], total[1], total[2], "", total[3]),
                  notes=tuple(notes))


# --- period reports over loans ---------------------------------------------------------


def _loan_where(f: portfolio.Filters) -> tuple[str, list[object]]:
    scope = portfolio._scope(f)  # same filters and errors as the portfolio functions
    return scope.sql, list(scope.params)


def _member_name(kind: str, legal: str, surname: str, postname: str, first: str) -> str:
    if kind == "legal":
        return legal or ""
    return " ".join(x for x in ((surname or "").upper(), (postname or "").upper(), first or "")
                    if x)


_MEMBER_COLS = "m.kind, m.legal_name, m.surname, m.postname, m.first_name"


@requires(PERMISSION)
def waiting_list_report(ctx: Context, p: object) -> ReportTable:
    """Loans approved and not yet paid out at the date, oldest decision first."""
    day, f, cur = _at_date(p)
    where, params = _loan_where(f)
    q = database.param
    sql = (f"SELECT l.number, {_MEMBER_COLS}, pr.name, l.decided_at, l.amount_approved"
           " FROM loan l JOIN member m ON m.id = l.member_id"
           " JOIN loan_product pr ON pr.id = l.product_id"
           f" WHERE l.state = 'approved' AND {where} AND date(l.decided_at) <= {q}"
           " ORDER BY l.decided_at, l.id")
    rows = []
    for r in database.execute_sql(sql, [*params, day.isoformat()]):
        decided = r[7] if isinstance(r[7], date) else date.fromisoformat(str(r[7])[:10])
        rows.append((r[0], _member_name(*r[1:6]), r[6], decided, (day - decided).days,
                     int(r[8] or 0)))
    cols = [Column("loan", _("Loan")), Column("member", _("Member")),
            Column("product", _("Product")), Column("approved", _("Approved on"), DATE),
            Column("days", _("Days waiting"), COUNT),
            Column("amount", _("Amount approved"), MONEY, cur)]
    return _table(ctx, "waiting-list", _("Waiting list"), _at_label(day),
                  f, cols, rows, totals=(_("Total"), _("{n} loans").format(n=len(rows)), "",
                                         None, None, sum(r[5] for r in rows)))


@requires(PERMISSION)
def disbursements_report(ctx: Context, p: object) -> ReportTable:
    """Loans disbursed in the period."""
    start, end, f, cur = _over_period(p)
    where, params = _loan_where(f)
    q = database.param
    sql = (f"SELECT l.disbursed_on, l.number, {_MEMBER_COLS}, pr.name, l.amount_approved,"
           " l.fees, l.disbursement_mode FROM loan l JOIN member m ON m.id = l.member_id"
           " JOIN loan_product pr ON pr.id = l.product_id"
           f" WHERE l.disbursed_on >= {q} AND l.disbursed_on <= {q} AND {where}"
           " AND l.state NOT IN ('approved', 'cancelled')"
           " ORDER BY l.disbursed_on, l.number")
    rows = [(_d(r[0]), r[1], _member_name(*r[2:7]), r[7], int(r[8] or 0), int(r[9] or 0),
             r[10]) for r in database.execute_sql(sql, [start.isoformat(), end.isoformat(),
                                                        *params])]
    cols = [Column("date", _("Date"), DATE), Column("loan", _("Loan")),
            Column("member", _("Member")), Column("product", _("Product")),
            Column("amount", _("Amount"), MONEY, cur), Column("fees", _("Fees"), MONEY, cur),
            Column("mode", _("Mode"))]
    return _table(ctx, "disbursements", _("Disbursements"), _period_label(start, end), f,
                  cols, rows, totals=(None, _("{n} loans").format(n=len(rows)), "", "",
                                      sum(r[4] for r in rows), sum(r[5] for r in rows), ""))


@requires(PERMISSION)
def repayments_report(ctx: Context, p: object) -> ReportTable:
    """Repayments of the period still standing at its end (reversed ones left out), with
    their split; recoveries after write-off included and marked."""
    start, end, f, cur = _over_period(p)
    where, params = _loan_where(f)
    q = database.param
    sql = (f"SELECT r.business_date, l.number, {_MEMBER_COLS}, r.channel, r.kind,"
           " r.principal, r.interest, r.fees, r.penalties, r.amount"
           " FROM repayment r JOIN loan l ON l.id = r.loan_id"
           " JOIN member m ON m.id = l.member_id"
           f" WHERE r.business_date >= {q} AND r.business_date <= {q}"
           f" AND (r.reversed_on IS NULL OR r.reversed_on > {q}) AND {where}"
           " ORDER BY r.business_date, r.id")
    rows = []
    for r in database.execute_sql(sql, [start.isoformat(), end.isoformat(), end.isoformat(),
                                        *params]):
        channel = r[7] if r[8] == "repayment" else f"{r[7]} ({_('recovery')})"
        rows.append((_d(r[0]), r[1], _member_name(*r[2:7]), channel,
                     *(int(v or 0) for v in r[9:14])))
    cols = [Column("date", _("Date"), DATE), Column("loan", _("Loan")),
            Column("member", _("Member")), Column("channel", _("Channel")),
            Column("principal", _("Principal"), MONEY, cur),
            Column("interest", _("Interest"), MONEY, cur),
            Column("fees", _("Fees"), MONEY, cur),
            Column("penalties", _("Penalties"), MONEY, cur),
            Column("amount", _("Amount"), MONEY, cur)]
    sums = [sum(r[i] for r in rows) for i in range(4, 9)]
    return _table(ctx, "repayments", _("Repayments"), _period_label(start, end), f, cols,
                  rows, totals=(None, _("{n} repayments").format(n=len(rows)), "", "", *sums),
                  landscape=True)


@requires(PERMISSION)
def repayment_rate_report(ctx: Context, p: object) -> ReportTable:
    """Per product: principal and interest falling due in the period, what was paid of it
    by its due date (on time), what was paid of it by the end of the period, and the
    on-time rate (DOMAIN: repaid on time / due in the period)."""
    start, end, f, cur = _over_period(p)
    where, params = _loan_where(f)
    q = database.param
    sql = f"""
SELECT pr.name, SUM(i.principal_due + i.interest_due),
  SUM(COALESCE((SELECT SUM(a.principal + a.interest) FROM repayment_allocation a
    JOIN repayment r ON r.id = a.repayment_id WHERE a.installment_id = i.id
    AND r.business_date <= i.due_date AND (r.reversed_on IS NULL OR r.reversed_on > {q})), 0)),
  SUM(COALESCE((SELECT SUM(a.principal + a.interest) FROM repayment_allocation a
    JOIN repayment r ON r.id = a.repayment_id WHERE a.installment_id = i.id
    AND r.business_date <= {q} AND (r.reversed_on IS NULL OR r.reversed_on > {q})), 0))
FROM loan_installment i JOIN loan l ON l.id = i.loan_id JOIN member m ON m.id = l.member_id
JOIN loan_product pr ON pr.id = l.product_id
WHERE i.due_date >= {q} AND i.due_date <= {q} AND l.disbursed_on IS NOT NULL AND {where}
GROUP BY pr.name ORDER BY pr.name
"""
    e = end.isoformat()
    rows = [(r[0], int(r[1] or 0), int(r[2] or 0), int(r[3] or 0),
             _pct(int(r[2] or 0), int(r[1] or 0)), _pct(int(r[3] or 0), int(r[1] or 0)))
            for r in database.execute_sql(sql, [e, e, e, start.isoformat(), e, *params])]
    cols = [Column("product", _("Product")), Column("due", _("Due in the period"), MONEY, cur),
            Column("on_time", _("Paid on time"), MONEY, cur),
            Column("paid", _("Paid by the end"), MONEY, cur),
            Column("rate", _("On-time rate")), Column("collection", _("Collection rate"))]
    due, on_time, paid = (sum(r[i] for r in rows) for i in (1, 2, 3))
    return _table(ctx, "repayment-rate", _("Repayment rate"), _period_label(start, end), f,
                  cols, rows, totals=(_("Total"), due, on_time, paid, _pct(on_time, due),
                                      _pct(paid, due)))


@requires(PERMISSION)
def write_offs_report(ctx: Context, p: object) -> ReportTable:
    """Loans written off in the period, then the recoveries received in it."""
    start, end, f, cur = _over_period(p)
    where, params = _loan_where(f)
    q = database.param
    s, e = start.isoformat(), end.isoformat()
    cols = [Column("date", _("Date"), DATE), Column("loan", _("Loan")),
            Column("member", _("Member")), Column("reason", _("Reason")),
            Column("written_off", _("Written off"), MONEY, cur),
            Column("recovered", _("Recovered"), MONEY, cur)]
    rows: list[tuple] = [(None, _("Write-offs"), None, None, None, None)]
    styles = [HEADING]
    sql = (f"SELECT l.written_off_on, l.number, {_MEMBER_COLS}, l.write_off_reason,"
           " l.written_off_amount FROM loan l JOIN member m ON m.id = l.member_id"
           f" WHERE l.written_off_on >= {q} AND l.written_off_on <= {q} AND {where}"
           " ORDER BY l.written_off_on, l.number")
    off = 0
    for r in database.execute_sql(sql, [s, e, *params]):
        rows.append((_d(r[0]), r[1], _member_name(*r[2:7]), r[7], int(r[8] or 0), 0))
        styles.append(PLAIN)
        off += int(r[8] or 0)
    rows.append((None, _("Recoveries"), None, None, None, None))
    styles.append(HEADING)
    sql = (f"SELECT r.business_date, l.number, {_MEMBER_COLS}, r.amount"
           " FROM repayment r JOIN loan l ON l.id = r.loan_id"
           " JOIN member m ON m.id = l.member_id WHERE r.kind = 'recovery'"
           f" AND r.business_date >= {q} AND r.business_date <= {q}"
           f" AND (r.reversed_on IS NULL OR r.reversed_on > {q}) AND {where}"
           " ORDER BY r.business_date, r.id")
    rec = 0
    for r in database.execute_sql(sql, [s, e, e, *params]):
        rows.append((_d(r[0]), r[1], _member_name(*r[2:7]), "", 0, int(r[7] or 0)))
        styles.append(PLAIN)
        rec += int(r[7] or 0)
    return _table(ctx, "write-offs", _("Write-offs and recoveries"),
                  _period_label(start, end), f, cols, rows, styles=styles,
                  totals=(None, _("Total"), "", "", off, rec))


@requires(PERMISSION)
def concentration_report(ctx: Context, p: object) -> ReportTable:
    """The largest exposures at the date: outstanding principal per member, top 20."""
    day, f, cur = _at_date(p)
    pos, total = _positions(day, f)
    by_member: dict[int, list] = {}
    for x in pos:
        row = by_member.setdefault(x.member_id, [x.member_name, 0, 0, 0])
        row[1] += 1
        row[2] += x.principal
        row[3] = max(row[3], x.days_past_due)
    numbers = {m.id: m.number for m in Member.select(Member.id, Member.number)
               .where(Member.id.in_(list(by_member)))} if by_member else {}
    top = sorted(by_member.items(), key=lambda kv: (-kv[1][2], kv[0]))[:TOP]
    rows = [(numbers.get(mid, ""), v[0], v[1], v[2], _pct(v[2], total), v[3])
            for mid, v in top]
    cols = [Column("number", _("Member no.")), Column("member", _("Member")),
            Column("loans", _("Loans"), COUNT), Column("outstanding", _("Outstanding"),
                                                       MONEY, cur),
            Column("share", _("Share of portfolio")), Column("days", _("Days late"), COUNT)]
    top_sum = sum(r[3] for r in rows)
    return _table(ctx, "concentration", _("Largest exposures"),
                  _at_label(day), f, cols, rows,
                  totals=(_("Total"), _("{n} largest").format(n=len(rows)), None, top_sum,
                          _pct(top_sum, total), None))


@requires(PERMISSION)
def guarantors_report(ctx: Context, p: object) -> ReportTable:
    """Each guarantor's commitments at the date: loans guaranteed, amount guaranteed and
    the outstanding principal of those loans."""
    day, f, cur = _at_date(p)
    pos = {x.loan_id: x for x in portfolio.positions(day, f)}
    agg: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    if pos:
        sql = "SELECT member_id, loan_id, amount FROM loan_guarantor"
        for member_id, loan_id, amount in database.execute_sql(sql):
            x = pos.get(loan_id)
            if x is None:
                continue
            a = agg[member_id]
            a[0] += 1
            a[1] += int(amount or 0)
            a[2] += x.principal
            a[3] = max(a[3], x.days_past_due)
    members = {m.id: m for m in Member.select().where(Member.id.in_(list(agg)))} if agg else {}
    rows = []
    for mid, (n, amount, outstanding, days) in sorted(agg.items(), key=lambda kv: -kv[1][1]):
        m = members[mid]
        rows.append((m.number, _member_name(m.kind, m.legal_name, m.surname, m.postname,
                                            m.first_name), n, amount, outstanding, days))
    cols = [Column("number", _("Member no.")), Column("member", _("Guarantor")),
            Column("loans", _("Loans"), COUNT), Column("amount", _("Guaranteed"), MONEY, cur),
            Column("outstanding", _("Loans outstanding"), MONEY, cur),
            Column("days", _("Days late"), COUNT)]
    return _table(ctx, "guarantors", _("Guarantors' exposure"),
                  _at_label(day), f, cols, rows,
                  totals=(_("Total"), "", sum(r[2] for r in rows), sum(r[3] for r in rows),
                          sum(r[4] for r in rows), None))


@requires(PERMISSION)
def loans_granted_report(ctx: Context, p: object) -> ReportTable:
    """Loans disbursed in the period by product and the borrower's sex: number, amount,
    average."""
    start, end, f, cur = _over_period(p)
    where, params = _loan_where(f)
    q = database.param
    sql = ("SELECT pr.name, m.kind, m.sex, COUNT(*), SUM(l.amount_approved)"
           " FROM loan l JOIN member m ON m.id = l.member_id"
           " JOIN loan_product pr ON pr.id = l.product_id"
           f" WHERE l.disbursed_on >= {q} AND l.disbursed_on <= {q} AND {where}"
           " AND l.state NOT IN ('approved', 'cancelled')"
           " GROUP BY pr.name, m.kind, m.sex ORDER BY pr.name, m.kind, m.sex")
    sex = {"F": _("Women"), "H": _("Men"), "M": _("Men")}
    rows = []
    for name, kind, s, n, amount in database.execute_sql(
            sql, [start.isoformat(), end.isoformat(), *params]):
        who = _("Legal persons") if kind == "legal" else sex.get(s or "", _("Not given"))
        rows.append((name, who, int(n), int(amount or 0), int(amount or 0) // int(n)))
    cols = [Column("product", _("Product")), Column("who", _("Borrowers")),
            Column("loans", _("Loans"), COUNT), Column("amount", _("Amount"), MONEY, cur),
            Column("average", _("Average"), MONEY, cur)]
    n = sum(r[2] for r in rows)
    amount = sum(r[3] for r in rows)
    return _table(ctx, "loans-granted", _("Loans granted"), _period_label(start, end), f,
                  cols, rows, totals=(_("Total"), "", n, amount, amount // n if n else 0))


# --- savings and members ---------------------------------------------------------------


def _savings_where(f: portfolio.Filters) -> tuple[str, list[object]]:
    """Filters on `account a JOIN savings_account s JOIN savings_product sp JOIN member m`:
    currency, branch, savings product, zone (officer: the account's agent)."""
    q = database.param
    sql = [f"a.currency = {q}"]
    params: list[object] = [_currency(f)]
    errors: dict[str, str] = {}
    if f.branch:
        b = Branch.get_or_none(Branch.code == f.branch.strip().upper())
        if b is None:
            errors["branch"] = _("No branch {code}.").format(code=f.branch.strip().upper())
        else:
            sql.append(f"a.branch_id = {q}")
            params.append(b.id)
    if f.product:
        sql.append(f"sp.code = {q}")
        params.append(f.product.strip().upper())
    if f.officer:
        u = User.get_or_none(User.username == f.officer.strip())
        if u is None:
            errors["officer"] = _("No user {name}.").format(name=f.officer.strip())
        else:
            sql.append(f"m.officer_id = {q}")
            params.append(u.id)
    if f.zone:
        sql.append(f"m.zone = {q}")
        params.append(f.zone.strip())
    if errors:
        raise ValidationError(errors)
    return " AND ".join(sql), params


_BALANCES = """
WITH bal AS (
  SELECT e.account_id AS aid, SUM(e.credit - e.debit) AS balance
  FROM entry e JOIN journal_transaction t ON t.id = e.txn_id
  JOIN savings_account s0 ON s0.account_id = e.account_id
  WHERE t.business_date <= {q} GROUP BY e.account_id
)
"""


@requires(PERMISSION)
def savings_report(ctx: Context, p: object) -> ReportTable:
    """Deposits by savings product at the date (balances from the entries up to it),
    with the number of accounts, active and dormant (dormancy as the closing set it)."""
    day, f, cur = _at_date(p)
    where, params = _savings_where(f)
    q = database.param
    sql = _BALANCES.format(q=q) + f"""
SELECT sp.name, COUNT(*), SUM(CASE WHEN s.dormant THEN 0 ELSE 1 END),
  SUM(CASE WHEN s.dormant THEN 1 ELSE 0 END), SUM(COALESCE(bal.balance, 0))
FROM account a JOIN savings_account s ON s.account_id = a.id
JOIN savings_product sp ON sp.id = s.product_id JOIN member m ON m.id = a.member_id
LEFT JOIN bal ON bal.aid = a.id
WHERE a.opened_on <= {q} AND (a.status <> 'closed' OR COALESCE(bal.balance, 0) <> 0)
  AND {where}
GROUP BY sp.name ORDER BY sp.name
"""
    rows = [(r[0], int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0))
            for r in database.execute_sql(sql, [day.isoformat(), day.isoformat(), *params])]
    cols = [Column("product", _("Product")), Column("accounts", _("Accounts"), COUNT),
            Column("active", _("Active"), COUNT), Column("dormant", _("Dormant"), COUNT),
            Column("balance", _("Deposits"), MONEY, cur)]
    return _table(ctx, "savings", _("Savings deposits"), _at_label(day),
                  f, cols, rows, totals=(_("Total"), *(sum(r[i] for r in rows)
                                                      for i in range(1, 5))))


@requires(PERMISSION)
def largest_depositors_report(ctx: Context, p: object) -> ReportTable:
    """The 20 members with the largest savings at the date, and their share."""
    day, f, cur = _at_date(p)
    where, params = _savings_where(f)
    q = database.param
    sql = _BALANCES.format(q=q) + f"""
SELECT m.number, {_MEMBER_COLS}, COUNT(*), SUM(COALESCE(bal.balance, 0)) AS total
FROM account a JOIN savings_account s ON s.account_id = a.id
JOIN savings_product sp ON sp.id = s.product_id JOIN member m ON m.id = a.member_id
LEFT JOIN bal ON bal.aid = a.id
WHERE a.opened_on <= {q} AND {where}
GROUP BY m.id ORDER BY total DESC, m.number
"""
    all_rows = [(r[0], _member_name(*r[1:6]), int(r[6]), int(r[7] or 0))
                for r in database.execute_sql(sql, [day.isoformat(), day.isoformat(), *params])]
    total = sum(r[3] for r in all_rows)
    rows = [(*r, _pct(r[3], total)) for r in all_rows[:TOP]]
    cols = [Column("number", _("Member no.")), Column("member", _("Member")),
            Column("accounts", _("Accounts"), COUNT),
            Column("balance", _("Deposits"), MONEY, cur), Column("share", _("Share"))]
    top = sum(r[3] for r in rows)
    return _table(ctx, "largest-depositors", _("Largest depositors"),
                  _at_label(day), f, cols, rows,
                  totals=(_("Total"), _("{n} largest").format(n=len(rows)), None, top,
                          _pct(top, total)))


@requires(PERMISSION)
def members_report(ctx: Context, p: object) -> ReportTable:
    """Members at the date by status and sex (joined by then, not left), per zone."""
    day, f, _cur = _at_date(p)
    q = database.param
    sql_where = [f"m.joined_on <= {q}", f"(m.left_on IS NULL OR m.left_on > {q})"]
    params: list[object] = [day.isoformat(), day.isoformat()]
    if f.branch:
        b = Branch.get_or_none(Branch.code == f.branch.strip().upper())
        if b is None:
            raise ValidationError({"branch": _("No branch {code}.").format(
                code=f.branch.strip().upper())})
        sql_where.append(f"m.branch_id = {q}")
        params.append(b.id)
    if f.zone:
        sql_where.append(f"m.zone = {q}")
        params.append(f.zone.strip())
    if f.officer:
        u = User.get_or_none(User.username == f.officer.strip())
        if u is None:
            raise ValidationError({"officer": _("No user {name}.").format(
                name=f.officer.strip())})
        sql_where.append(f"m.officer_id = {q}")
        params.append(u.id)
    sql = ("SELECT m.zone, m.status,"
           " SUM(CASE WHEN m.kind = 'person' AND m.sex = 'F' THEN 1 ELSE 0 END),"
           " SUM(CASE WHEN m.kind = 'person' AND m.sex <> 'F' THEN 1 ELSE 0 END),"
           " SUM(CASE WHEN m.kind = 'legal' THEN 1 ELSE 0 END), COUNT(*)"
           f" FROM member m WHERE {' AND '.join(sql_where)}"
           " GROUP BY m.zone, m.status ORDER BY m.zone, m.status")
    rows = [(r[0] or _("(none)"), r[1], int(r[2] or 0), int(r[3] or 0), int(r[4] or 0),
             int(r[5])) for r in database.execute_sql(sql, params)]
    cols = [Column("zone", _("Zone")), Column("status", _("Status")),
            Column("women", _("Women"), COUNT), Column("men", _("Men and not given"), COUNT),
            Column("legal", _("Legal persons"), COUNT), Column("total", _("Members"), COUNT)]
    return _table(ctx, "members", _("Members"), _at_label(day), f, cols,
                  rows, totals=(_("Total"), "", *(sum(r[i] for r in rows)
                                                  for i in range(2, 6))))


def _spec(name: str, title: str, help_: str, run: Callable[[Context, object], ReportTable],
          params: tuple[str, ...] = LOAN_FILTERS, permission: str = PERMISSION) -> object:
    from mifin_tui.services.reports.registry import ReportSpec

    return ReportSpec(name, title, help_, permission, params, run)  # type: ignore[arg-type]


def specs() -> tuple:
    """The registry entries (built on the registry's call: it imports this module last)."""
    return (
        _spec("portfolio", N_("Loan portfolio"),
              N_("outstanding loans at a date by product, officer, zone and branch"),
              portfolio_report),
        _spec("par", N_("Portfolio at risk"),
              N_("PAR1, PAR30, PAR90 at a date; restructured loans apart"), par_report),
        _spec("arrears", N_("Loans in arrears"),
              N_("loans late at a date, by the regulator's arrears buckets"), arrears_report),
        _spec("classification", N_("Loan classification and provisions"),
              N_("loans by class of the regulator profile, provisioning base and provisions"),
              classification_report),
        _spec("waiting-list", N_("Waiting list"),
              N_("loans approved and not yet disbursed"), waiting_list_report),
        _spec("disbursements", N_("Disbursements"), N_("loans disbursed in a period"),
              disbursements_report, PERIOD_FILTERS),
        _spec("repayments", N_("Repayments"),
              N_("loan repayments of a period, split into principal, interest, fees, "
                 "penalties"), repayments_report, PERIOD_FILTERS),
        _spec("repayment-rate", N_("Repayment rate"),
              N_("amounts due in a period, paid on time and paid by its end, by product"),
              repayment_rate_report, PERIOD_FILTERS),
        _spec("write-offs", N_("Write-offs and recoveries"),
              N_("loans written off and recoveries received in a period"),
              write_offs_report, PERIOD_FILTERS),
        _spec("concentration", N_("Largest exposures"),
              N_("the 20 largest borrowers at a date and their share of the portfolio"),
              concentration_report),
        _spec("guarantors", N_("Guarantors' exposure"),
              N_("what each guarantor guarantees and the loans' outstanding at a date"),
              guarantors_report),
        _spec("loans-granted", N_("Loans granted"),
              N_("loans disbursed in a period by product and borrowers' sex"),
              loans_granted_report, PERIOD_FILTERS),
        _spec("savings", N_("Savings deposits"),
              N_("deposits by savings product at a date, active and dormant accounts"),
              savings_report, permission=SAVINGS_PERMISSION),
        _spec("largest-depositors", N_("Largest depositors"),
              N_("the 20 members with the largest savings at a date"),
              largest_depositors_report, permission=SAVINGS_PERMISSION),
        _spec("members", N_("Members"),
              N_("members at a date by zone, status and sex"), members_report,
              ("date", "branch", "officer", "zone")),
    )

