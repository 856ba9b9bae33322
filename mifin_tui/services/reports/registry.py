"""The report registry: one entry per report, read by `mifin report`, the reports screen
and the renderers.

An entry names the report, its title (msgid), the permission it needs, the parameters it
takes and the service function that returns its `ReportTable`. Adding a report is adding
one `ReportSpec` to REPORTS: the command line, the screen's parameter form and every
output format (table, CSV, XLSX, PDF, screen) follow from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from mifin_tui.i18n import N_, _
from mifin_tui.services.accounting import reports as acc
from mifin_tui.services.kernel import business_day, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.permissions import check
from mifin_tui.services.reports.table import ReportTable

# The parameters a report may take, with the label the screen's form shows (msgid).
PARAM_LABELS: dict[str, str] = {
    "date": N_("Date"),
    "date_from": N_("From"),
    "date_to": N_("To"),
    "account": N_("Account"),
    "currency": N_("Currency"),
    "branch": N_("Branch"),
    "till": N_("Till"),
    "product": N_("Product"),
    "officer": N_("Loan officer"),
    "zone": N_("Zone"),
}
DATE_PARAMS = frozenset({"date", "date_from", "date_to"})
# What the screen's empty text fields say.
PARAM_HINTS: dict[str, str] = {
    "account": N_("GL code (571) or account number"),
    "branch": N_("empty: every branch"),
    "till": N_("empty: every till"),
    "product": N_("empty: every product"),
    "officer": N_("user name; empty: every officer"),
    "zone": N_("empty: every zone"),
}


@dataclass(frozen=True)
class ReportParams:
    date: date | None = None
    date_from: date | None = None
    date_to: date | None = None
    account: str | None = None
    currency: str | None = None
    branch: str | None = None
    till: str | None = None
    product: str | None = None
    officer: str | None = None
    zone: str | None = None


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str  # msgid
    help: str  # msgid: one line for `--list` and the screen
    permission: str
    params: tuple[str, ...]
    run: Callable[[Context, ReportParams], ReportTable]
    # Where a period is asked and only a date given: the period starts that "day", at
    # the start of its "month" (the report pack) or of its "year" (trial balance,
    # income statement).
    period_start: str = "day"
    required: tuple[str, ...] = ()


def _period(p: ReportParams) -> tuple[date, date]:
    assert p.date_from is not None and p.date_to is not None
    return p.date_from, p.date_to


def _cash_journal(ctx: Context, p: ReportParams) -> ReportTable:
    from mifin_tui.services.cash.journal_report import cash_journal_table

    return cash_journal_table(ctx, p.date or p.date_to, p.currency, p.till)


def _statement(ctx: Context, p: ReportParams) -> ReportTable:
    """An account's statement (relevé) as a table: the screen and XLSX; its A4 document,
    CSV and text keep their own layout (mifin_tui/savings_reports.py)."""
    from mifin_tui.services.reports.table import DATE, MONEY, Column
    from mifin_tui.services.savings import statements

    start, end = _period(p)
    doc = statements.statement_by_number(ctx, p.account or "", start, end)
    cur = doc.currency
    columns = (Column("date", _("Date"), DATE), Column("voucher", _("Voucher")),
               Column("label", _("Label")), Column("debit", _("Withdrawal"), MONEY, cur),
               Column("credit", _("Deposit"), MONEY, cur),
               Column("balance", _("Balance"), MONEY, cur), Column("cashier", _("Cashier")))
    rows = [(start, "", _("Opening balance"), 0, 0, doc.opening_balance, "")]
    rows += [(ln.business_date, ln.voucher or "", ln.label, ln.debit, ln.credit, ln.balance,
              ln.cashier) for ln in doc.lines]
    return ReportTable(
        name="statement", title=_("Statement for a period"),
        subtitle=_("Statement of {number} ({holder}), {start} to {end}").format(
            number=doc.account_number, holder=doc.holder, start=format_date(start, doc.language),
            end=format_date(end, doc.language)),
        columns=columns, rows=rows,
        totals=("", "", _("Closing balance"), doc.total_debit, doc.total_credit,
                doc.closing_balance, ""),
        institution=doc.institution, branch=f"{doc.branch_code} {doc.branch_name}",
        printed_by=ctx.full_name, printed_at=clock.now(), language=doc.language)


REPORTS: dict[str, ReportSpec] = {spec.name: spec for spec in (
    ReportSpec("cash-journal", N_("Cash journal"),
               N_("cash journal (journal de caisse) of a till or the branch for a day"),
               "cashjournal.read", ("date", "till", "currency"), _cash_journal),
    ReportSpec("journal", N_("General journal"),
               N_("general journal: every line posted in a period"),
               acc.PERMISSION, ("date_from", "date_to", "currency", "branch"),
               lambda ctx, p: acc.general_journal(ctx, *_period(p), currency=p.currency,
                                                  branch=p.branch)),
    ReportSpec("trial-balance", N_("Trial balance"),
               N_("trial balance (balance générale): opening, movements, closing by GL account"),
               acc.PERMISSION, ("date_from", "date_to", "currency", "branch"),
               lambda ctx, p: acc.trial_balance(ctx, *_period(p), currency=p.currency,
                                                branch=p.branch), period_start="year"),
    ReportSpec("account-sheet", N_("Account sheet"),
               N_("account sheet (fiche de compte) of a GL account or an account"),
               acc.PERMISSION, ("account", "date_from", "date_to", "currency", "branch"),
               lambda ctx, p: acc.account_sheet(ctx, p.account or "", *_period(p),
                                                currency=p.currency, branch=p.branch),
               period_start="year", required=("account",)),
    ReportSpec("balance-sheet", N_("Balance sheet"),
               N_("balance sheet (bilan) at a date, in the chart's classes"),
               acc.PERMISSION, ("date", "currency", "branch"),
               lambda ctx, p: acc.balance_sheet(ctx, p.date or p.date_to, currency=p.currency,
                                                branch=p.branch)),
    ReportSpec("income-statement", N_("Income statement"),
               N_("income statement (compte de résultat) of a period"),
               acc.PERMISSION, ("date_from", "date_to", "currency", "branch"),
               lambda ctx, p: acc.income_statement(ctx, *_period(p), currency=p.currency,
                                                   branch=p.branch), period_start="year"),
    ReportSpec("statement", N_("Statement for a period"),
               N_("statement (relevé) of an account for a period: --account N --from D --to D"),
               "account.read", ("account", "date_from", "date_to"), _statement,
               required=("account",)),
)}


def _register_portfolio_reports() -> None:
    # The loan, savings and member reports live in their own module (#11).
    from mifin_tui.services.reports.portfolio_reports import specs

    for spec in specs():
        REPORTS[spec.name] = spec


_register_portfolio_reports()


def _register_pack_reports() -> None:
    # The regulator's report pack (#20): prudential ratios, movements, performance.
    from mifin_tui.services.reports.base import PERIOD_FILTERS
    from mifin_tui.services.reports.base import PERMISSION as PORTFOLIO
    from mifin_tui.services.reports.movements import movements_report
    from mifin_tui.services.reports.performance import performance_report
    from mifin_tui.services.reports.prudential import prudential_report

    for spec in (
        ReportSpec("prudential", N_("Prudential ratios"),
                   N_("the regulator's prudential ratios at a date: value, norm, met, source"),
                   PORTFOLIO, ("date", "branch", "currency"), prudential_report),
        ReportSpec("movements", N_("Portfolio movements"),
                   N_("opening, disbursed, repaid, written off, reclassified and closing "
                      "principal per class over a period"),
                   PORTFOLIO, PERIOD_FILTERS, movements_report, period_start="month"),
        ReportSpec("performance", N_("Performance indicators"),
                   N_("write-off ratio, risk coverage, on-time rate, yield, cost of risk, "
                      "loans and portfolio per officer over a period"),
                   PORTFOLIO, PERIOD_FILTERS, performance_report, period_start="month"),
    ):
        REPORTS[spec.name] = spec


_register_pack_reports()


def get(name: str) -> ReportSpec:
    try:
        return REPORTS[name]
    except KeyError:
        raise ValidationError({"report": _(
            "Unknown report {name}; `mifin report --list` names them.").format(name=name)}
        ) from None


def available(ctx: Context) -> list[ReportSpec]:
    """The reports `ctx`'s user may run, in registry order."""
    return [spec for spec in REPORTS.values() if ctx.can(spec.permission)]


def resolve(spec: ReportSpec, ctx: Context, params: ReportParams) -> ReportParams:
    """Fill the defaults: the open business day, a period ending on it."""
    errors: dict[str, str] = {}
    for name in spec.required:
        if not getattr(params, name):
            errors[name] = _("Required.")
    if errors:
        raise ValidationError(errors)
    today = business_day.open_date(ctx.branch_id) or clock.today()
    if "date" in spec.params:
        return replace(params, date=params.date or params.date_to or today)
    if "date_to" in spec.params:
        end = params.date_to or params.date or today
        if params.date_from:
            start = params.date_from
        elif spec.period_start == "year":
            start = end.replace(month=1, day=1)
        elif spec.period_start == "month":
            start = end.replace(day=1)
        else:
            start = params.date or end
        return replace(params, date_from=start, date_to=end)
    return params


def run(name: str, ctx: Context, params: ReportParams | None = None) -> ReportTable:
    """Check the permission, fill the defaults and compute the report."""
    spec = get(name)
    check(ctx, spec.permission)
    return spec.run(ctx, resolve(spec, ctx, params or ReportParams()))
