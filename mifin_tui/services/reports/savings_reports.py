"""The savings and member reports (#11): deposits by savings product, the largest
depositors, members by zone, status and sex, each at a date.

Savings balances at a date are summed from the entries up to it (db.queries.reports),
so any past date is right. Each returns a `ReportTable` in one currency.
"""

from __future__ import annotations

from mifin_tui.db.models import Branch, User
from mifin_tui.db.queries import reports as queries
from mifin_tui.i18n import _
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.reports import portfolio
from mifin_tui.services.reports.base import (
    PERMISSION,
    TOP,
    at_date,
    at_label,
    currency_of,
    member_name,
    report_table,
    share,
)
from mifin_tui.services.reports.table import COUNT, MONEY, Column, ReportTable


def _savings_scope(f: portfolio.Filters) -> tuple[str, list[object]]:
    """Filters on `account a JOIN savings_account s JOIN savings_product sp JOIN member m`:
    currency, branch, savings product, zone (officer: the member's officer)."""
    errors: dict[str, str] = {}
    branch_id = officer_id = None
    if f.branch:
        b = Branch.get_or_none(Branch.code == f.branch.strip().upper())
        if b is None:
            errors["branch"] = _("No branch {code}.").format(code=f.branch.strip().upper())
        else:
            branch_id = b.id
    if f.officer:
        u = User.get_or_none(User.username == f.officer.strip())
        if u is None:
            errors["officer"] = _("No user {name}.").format(name=f.officer.strip())
        else:
            officer_id = u.id
    if errors:
        raise ValidationError(errors)
    return queries.savings_scope(currency_of(f), branch_id,
                                 f.product.strip().upper() if f.product else None,
                                 officer_id, f.zone.strip() if f.zone else None)


@requires(PERMISSION)
def savings_report(ctx: Context, p: object) -> ReportTable:
    """Deposits by savings product at the date (balances from the entries up to it),
    with the number of accounts, active and dormant (dormancy as the closing set it)."""
    day, f, cur = at_date(p)
    where, params = _savings_scope(f)
    rows = [(r[0], int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0))
            for r in queries.savings_by_product(where, params, day)]
    cols = [Column("product", _("Product")), Column("accounts", _("Accounts"), COUNT),
            Column("active", _("Active"), COUNT), Column("dormant", _("Dormant"), COUNT),
            Column("balance", _("Deposits"), MONEY, cur)]
    return report_table(ctx, "savings", _("Savings deposits"), at_label(day),
                        f, cols, rows, totals=(_("Total"), *(sum(r[i] for r in rows)
                                                            for i in range(1, 5))))


@requires(PERMISSION)
def largest_depositors_report(ctx: Context, p: object) -> ReportTable:
    """The 20 members with the largest savings at the date, and their share."""
    day, f, cur = at_date(p)
    where, params = _savings_scope(f)
    all_rows = [(r[0], member_name(*r[1:6]), int(r[6]), int(r[7] or 0))
                for r in queries.savings_by_member(where, params, day)]
    total = sum(r[3] for r in all_rows)
    rows = [(*r, share(r[3], total)) for r in all_rows[:TOP]]
    cols = [Column("number", _("Member no.")), Column("member", _("Member")),
            Column("accounts", _("Accounts"), COUNT),
            Column("balance", _("Deposits"), MONEY, cur), Column("share", _("Share"))]
    top = sum(r[3] for r in rows)
    return report_table(ctx, "largest-depositors", _("Largest depositors"),
                        at_label(day), f, cols, rows,
                        totals=(_("Total"), _("{n} largest").format(n=len(rows)), None, top,
                                share(top, total)))


@requires(PERMISSION)
def members_report(ctx: Context, p: object) -> ReportTable:
    """Members at the date by status and sex (joined by then, not left), per zone."""
    day, f, _cur = at_date(p)
    branch_id = officer_id = None
    if f.branch:
        b = Branch.get_or_none(Branch.code == f.branch.strip().upper())
        if b is None:
            raise ValidationError({"branch": _("No branch {code}.").format(
                code=f.branch.strip().upper())})
        branch_id = b.id
    if f.officer:
        u = User.get_or_none(User.username == f.officer.strip())
        if u is None:
            raise ValidationError({"officer": _("No user {name}.").format(
                name=f.officer.strip())})
        officer_id = u.id
    found = queries.members_by_zone(day, branch_id, officer_id,
                                    f.zone.strip() if f.zone else None)
    rows = [(r[0] or _("(none)"), r[1], int(r[2] or 0), int(r[3] or 0), int(r[4] or 0),
             int(r[5])) for r in found]
    cols = [Column("zone", _("Zone")), Column("status", _("Status")),
            Column("women", _("Women"), COUNT), Column("men", _("Men and not given"), COUNT),
            Column("legal", _("Legal persons"), COUNT), Column("total", _("Members"), COUNT)]
    return report_table(ctx, "members", _("Members"), at_label(day), f, cols,
                        rows, totals=(_("Total"), "", *(sum(r[i] for r in rows)
                                                        for i in range(2, 6))))
