"""What the loan, savings and member reports share (#11): their permission and
filters, the table they fill (title, scope, currency), dates and shares as they print,
and the regulator profile with the institution's provision rates.

The reports themselves: loan_reports (the portfolio at a date), loan_activity_reports
(the loans' events), savings_reports (savings and members); portfolio_reports lists them
for the registry.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from mifin_tui.db.models import Institution
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel import clock, regulators, settings
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.dates import format_date
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import format_percent
from mifin_tui.services.reports import portfolio
from mifin_tui.services.reports.table import Column, ReportTable

if TYPE_CHECKING:  # the registry imports the reports, not the other way round
    from mifin_tui.services.reports.registry import ReportParams

PERMISSION = "report.portfolio"
SAVINGS_PERMISSION = PERMISSION
TOP = 20  # rows of the concentration and largest-depositors reports
LOAN_FILTERS = ("date", "branch", "product", "officer", "zone", "currency")
PERIOD_FILTERS = ("date_from", "date_to", "branch", "product", "officer", "zone", "currency")


def share(part: int, whole: int) -> str:
    """A share as a percentage from integers (basis points, rounded half up), written
    the way the current language writes it (fr '12,34 %', en '12.34%')."""
    if not whole:
        return ""
    bp = (part * 20000 + whole) // (2 * whole)
    return format_percent(bp, current_language())


def filters_of(p: ReportParams) -> portfolio.Filters:
    return portfolio.Filters(currency=getattr(p, "currency", None),
                             branch=getattr(p, "branch", None),
                             product=getattr(p, "product", None),
                             officer=getattr(p, "officer", None),
                             zone=getattr(p, "zone", None))


def scope_label(f: portfolio.Filters) -> str:
    parts = [f"{_('Branch')} {f.branch.upper()}" if f.branch else _("All branches")]
    if f.product:
        parts.append(f"{_('Product')} {f.product.upper()}")
    if f.officer:
        parts.append(f"{_('Loan officer')} {f.officer}")
    if f.zone:
        parts.append(f"{_('Zone')} {f.zone}")
    return ", ".join(parts)


def currency_of(f: portfolio.Filters) -> str:
    inst = Institution.select().first()
    return (f.currency or inst.currency).strip().upper()


def report_table(ctx: Context, name: str, title: str, subtitle: str, f: portfolio.Filters,
                 columns: list[Column], rows: list[tuple], **kw: object) -> ReportTable:
    inst = Institution.select().first()
    zone = ZoneInfo(settings.get("timezone"))
    return ReportTable(
        name=name, title=title,
        subtitle=f"{subtitle} — {scope_label(f)} — {currency_of(f)}",
        columns=tuple(columns), rows=rows, institution=inst.name,
        branch=scope_label(f), printed_by=ctx.full_name,
        printed_at=clock.now().astimezone(zone), language=current_language(),
        **kw)  # type: ignore[arg-type]


def names_of(model: type, field: str) -> dict[int, str]:
    return {row.id: getattr(row, field) for row in model.select()}


def profile_of_institution() -> regulators.RegulatorProfile:
    """The regulator profile with the provision rates the institution configured (one
    reading: loans.classification.profile, what the closing books with)."""
    from mifin_tui.services.loans.risk import classification

    return classification.profile()


def period_of(p: ReportParams) -> tuple[date, date]:
    start, end = p.date_from, p.date_to
    if start > end:
        raise ValidationError({"date_from": _("The period starts after it ends.")})
    return start, end


# Every report starts from its parameters the same way: the date (or the period, checked
# first), the filters, and the one currency its money columns are in.
def at_date(p: ReportParams) -> tuple[date, portfolio.Filters, str]:
    """(date, filters, currency) of a report at a date."""
    day, f = p.date, filters_of(p)
    return day, f, currency_of(f)


def over_period(p: ReportParams) -> tuple[date, date, portfolio.Filters, str]:
    """(first day, last day, filters, currency) of a report over a period."""
    start, end = period_of(p)
    f = filters_of(p)
    return start, end, f, currency_of(f)


def at_label(day: date) -> str:
    return _("At {day}").format(day=format_date(day, current_language()))


def period_label(start: date, end: date) -> str:
    return _("From {start} to {end}").format(
        start=format_date(start, current_language()), end=format_date(end, current_language()))



def positions(day: date, f: portfolio.Filters) -> tuple[list[portfolio.LoanPosition], int]:
    """The loans at `day` under the filters, and their outstanding principal."""
    pos = portfolio.positions(day, f)
    return pos, sum(x.principal for x in pos)


def loan_where(f: portfolio.Filters) -> tuple[str, list[object]]:
    scope = portfolio.loan_scope(f)  # same filters and errors as the portfolio functions
    return scope.sql, list(scope.params)


def member_name(kind: str, legal: str, surname: str, postname: str, first: str) -> str:
    if kind == "legal":
        return legal or ""
    return " ".join(x for x in ((surname or "").upper(), (postname or "").upper(), first or "")
                    if x)


