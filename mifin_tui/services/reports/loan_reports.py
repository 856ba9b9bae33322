"""The loan reports at a date (#11): portfolio, PAR, arrears, classification and
provisions, concentration, guarantors.

Their figures come from `portfolio.positions` / `portfolio.par` (rebuilt from the schedule
and the allocations, so any past date is right). Each returns a `ReportTable` in one
currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from mifin_tui.db.models import Branch, LoanProduct, Member, User
from mifin_tui.db.queries import reports as queries
from mifin_tui.i18n import N_, _, current_language
from mifin_tui.services.kernel import regulators
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.money import format_percent
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.loans.risk import classification
from mifin_tui.services.reports import portfolio
from mifin_tui.services.reports.base import (
    PERMISSION,
    TOP,
    at_date,
    at_label,
    member_name,
    names_of,
    positions,
    report_table,
    share,
)
from mifin_tui.services.reports.table import (
    COUNT,
    HEADING,
    MONEY,
    PLAIN,
    SUBTOTAL,
    Column,
    ReportTable,
)


@requires(PERMISSION)
def portfolio_report(ctx: Context, p: object) -> ReportTable:
    """Outstanding principal by product, officer, zone and branch, with PAR30 of each."""
    day, f, cur = at_date(p)
    pos, total = positions(day, f)
    products = names_of(LoanProduct, "name")
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
            rows.append((label(key), n, amount, share(amount, total), risk, share(risk, amount)))
            styles.append(PLAIN)
    risk30 = sum(x.principal for x in pos if x.days_past_due > 30)
    return report_table(ctx, "portfolio", _("Loan portfolio"), at_label(day),
                        f, cols, rows, styles=styles,
                        totals=(_("Total"), len(pos), total, share(total, total), risk30,
                                share(risk30, total)))


PAR_TITLES = {"par1": N_("PAR1 (any day late)"), "par30": N_("PAR30 (more than 30 days)"),
              "par90": N_("PAR90 (more than 90 days)")}


@requires(PERMISSION)
def par_report(ctx: Context, p: object) -> ReportTable:
    """PAR1/30/90 at the date, restructured loans given apart."""
    day, f, _cur = at_date(p)
    s = portfolio.par(day, f)
    cur = s.currency
    cols = [Column("indicator", _("Indicator")), Column("loans", _("Loans"), COUNT),
            Column("at_risk", _("At risk"), MONEY, cur),
            Column("outstanding", _("Outstanding"), MONEY, cur), Column("ratio", _("Ratio")),
            Column("restructured", _("Of which restructured"), MONEY, cur)]
    rows: list[tuple] = [(_(PAR_TITLES[lv]), s.loans_at_risk[lv], s.at_risk[lv], s.outstanding,
                          share(s.at_risk[lv], s.outstanding), s.restructured_at_risk[lv])
                         for lv in portfolio.PAR_LEVELS]
    rows.append((_("Restructured loans"), None, None, s.restructured_outstanding,
                 share(s.restructured_outstanding, s.outstanding), s.restructured_outstanding))
    notes = (_("PAR = outstanding principal of the loans late by more than the days, "
               "divided by the gross outstanding principal ({n} loans).").format(n=s.loans),)
    return report_table(ctx, "par", _("Portfolio at risk"), at_label(day), f,
                        cols, rows, notes=notes)


@requires(PERMISSION)
def arrears_report(ctx: Context, p: object) -> ReportTable:
    """The loans late at the date, under the regulator's buckets, with subtotals."""
    day, f, cur = at_date(p)
    profile = classification.profile()
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
        totals = [a + b for a, b in zip(totals, sub, strict=True)]
    return report_table(ctx, "arrears", _("Loans in arrears"), at_label(day),
                        f, cols, rows, styles=styles,
                        totals=(_("Total"), _("{n} loans").format(n=len(pos)), None, *totals))


@requires(PERMISSION)
def classification_report(ctx: Context, p: object) -> ReportTable:
    """Loans by class of the regulator profile at the date: outstanding, provisioning
    base, rate and provision, each loan through loans.classification.provision (what the
    closing books: at the open business day after a closing, each class's provision is
    its provisions in the ledger); restructured loans again apart."""
    day, f, cur = at_date(p)
    profile = classification.profile()
    pos = portfolio.positions(day, f)
    held = classification.pledged([x.number for x in pos])
    cols = [Column("class", _("Class")), Column("loans", _("Loans"), COUNT),
            Column("outstanding", _("Outstanding"), MONEY, cur),
            Column("base", _("Provisioning base"), MONEY, cur), Column("rate", _("Rate")),
            Column("provision", _("Provision"), MONEY, cur)]
    agg: dict[str, list[int]] = {b.key: [0, 0, 0, 0] for b in profile.arrears_buckets}
    restructured = [0, 0, 0, 0]
    for x in pos:
        result = classification.provision(profile, x.principal, held.get(x.number, 0),
                                          x.days_past_due)
        for target in (agg[result.bucket.key], restructured if x.restructured else None):
            if target is not None:
                target[0] += 1
                target[1] += x.principal
                target[2] += result.base
                target[3] += result.amount or 0
    rows: list[tuple] = []
    styles: list[str] = []
    unset = False
    for b in profile.arrears_buckets:
        n, amount, base, prov = agg[b.key]
        if b.provision_rate_bp is None:
            rate = _("to set")
            unset = unset or n > 0
        else:
            rate = format_percent(b.provision_rate_bp, current_language())
        rows.append((b.label, n, amount, base, rate, prov))
        styles.append(PLAIN)
    total = [sum(v[i] for v in agg.values()) for i in range(4)]
    rows.append((_("Of which restructured"), *restructured[:3], "", restructured[3]))
    styles.append(SUBTOTAL)
    notes: list[str] = [_("Profile {name}; provisioning base: {base}.").format(
        name=profile.name, base=profile.provisioning_base)]
    if profile.provisioning_base == "outstanding_less_pledged_deposits":
        notes.append(_("Base: outstanding principal less the savings held for the loan "
                       "(compulsory savings, pledges, guarantors' holds)."))
    if unset:
        notes.append(_("Some provision rates are not set (setting loan_provision_rates): "
                       "no provision is computed for those loans and the closing refuses "
                       "to run until they are set."))
    return report_table(ctx, "classification", _("Loan classification and provisions"),
                        at_label(day), f, cols, rows, styles=styles,
                        totals=(_("Total"), total[0], total[1], total[2], "", total[3]),
                        notes=tuple(notes))


@requires(PERMISSION)
def concentration_report(ctx: Context, p: object) -> ReportTable:
    """The largest exposures at the date: outstanding principal per member, top 20."""
    day, f, cur = at_date(p)
    pos, total = positions(day, f)
    by_member: dict[int, list] = {}
    for x in pos:
        row = by_member.setdefault(x.member_id, [x.member_name, 0, 0, 0])
        row[1] += 1
        row[2] += x.principal
        row[3] = max(row[3], x.days_past_due)
    numbers = {m.id: m.number for m in Member.select(Member.id, Member.number)
               .where(Member.id.in_(list(by_member)))} if by_member else {}
    top = sorted(by_member.items(), key=lambda kv: (-kv[1][2], kv[0]))[:TOP]
    rows = [(numbers.get(mid, ""), v[0], v[1], v[2], share(v[2], total), v[3])
            for mid, v in top]
    cols = [Column("number", _("Member no.")), Column("member", _("Member")),
            Column("loans", _("Loans"), COUNT), Column("outstanding", _("Outstanding"),
                                                       MONEY, cur),
            Column("share", _("Share of portfolio")), Column("days", _("Days late"), COUNT)]
    top_sum = sum(r[3] for r in rows)
    return report_table(ctx, "concentration", _("Largest exposures"),
                        at_label(day), f, cols, rows,
                        totals=(_("Total"), _("{n} largest").format(n=len(rows)), None, top_sum,
                                share(top_sum, total), None))


@requires(PERMISSION)
def guarantors_report(ctx: Context, p: object) -> ReportTable:
    """Each guarantor's commitments at the date: loans guaranteed, amount guaranteed and
    the outstanding principal of those loans."""
    day, f, cur = at_date(p)
    pos = {x.loan_id: x for x in portfolio.positions(day, f)}
    agg: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    if pos:
        for member_id, loan_id, amount in queries.guarantees():
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
        rows.append((m.number, member_name(m.kind, m.legal_name, m.surname, m.postname,
                                            m.first_name), n, amount, outstanding, days))
    cols = [Column("number", _("Member no.")), Column("member", _("Guarantor")),
            Column("loans", _("Loans"), COUNT), Column("amount", _("Guaranteed"), MONEY, cur),
            Column("outstanding", _("Loans outstanding"), MONEY, cur),
            Column("days", _("Days late"), COUNT)]
    return report_table(ctx, "guarantors", _("Guarantors' exposure"),
                        at_label(day), f, cols, rows,
                        totals=(_("Total"), "", sum(r[2] for r in rows), sum(r[3] for r in rows),
                                sum(r[4] for r in rows), None))


