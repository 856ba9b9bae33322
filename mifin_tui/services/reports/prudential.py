"""The regulator's prudential ratios at a date (#20): each ratio the profile lists, with
its norm, whether it is met and the text it comes from.

The figures are ledger balances of the profile's accounts (its `gl_keys` and the chart's
kinds), so they are the figures of the balance sheet; the largest borrower and PAR90
come from the portfolio at the date (portfolio.py), the same as the loan reports.

    equity        = capital, reserves, retained earnings and the year's result so far
                    (the chart's equity accounts plus income less expenses not yet closed)
    gross loans   = the loan accounts of each class (sound, in arrears, rescheduled)
    liquid assets = cash (vault and tills), banks, electronic money
    demand deposits = the members' savings other than term deposits

A ratio whose terms the ledger does not hold (loans to managers and staff: nothing marks
a member as one; medium and long-term uses: the loans are not booked by term; other
activities; the allocation of the surplus to the general reserve, decided by the general
assembly) is listed with its norm and the reason, never as a 0 that would read as met.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mifin_tui.db.models import Branch
from mifin_tui.db.queries import accounting as ledger_queries
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import regulators
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.reports import portfolio
from mifin_tui.services.reports.base import (
    PERMISSION,
    at_date,
    at_label,
    profile_of_institution,
    report_table,
)
from mifin_tui.services.reports.table import MONEY, Column, ReportTable

LOAN_KEYS = ("loans_outstanding", "loans_in_arrears", "loans_rescheduled")
LIQUID_KEYS = ("cash_vault", "cash_till", "bank", "mobile_money")
DEMAND_KEYS = ("savings_free", "savings_scheduled", "savings_tontine",
               "savings_interest_bearing")
EQUITY_KINDS = ("equity", "income", "expense")

# Ratios the ledger cannot give, and why (msgids).
NOT_IN_LEDGER: dict[str, str] = {
    "stable_resources_cover": N_("Not computed: the loans are not booked by term (medium "
                                 "and long-term uses)."),
    "insider_loans": N_("Not computed: no member is marked as a manager or staff."),
    "other_activities": N_("Not computed: the other activities are not booked apart."),
    "general_reserve": N_("Not computed: the allocation of the surplus is decided by the "
                          "general assembly."),
}


@dataclass(frozen=True)
class LedgerFigures:
    """The balance-sheet figures of the ratios, credit balances positive where they are
    liabilities or equity."""

    equity: int
    share_capital: int
    gross_loans: int
    provisions: int
    liquid_assets: int
    demand_deposits: int
    total_assets: int


@dataclass(frozen=True)
class RatioLine:
    key: str
    label: str
    formula: str  # how it was computed ('' when not computed)
    numerator: int | None
    denominator: int | None
    ratio_bp: int | None
    op: str
    threshold_bp: int
    met: bool | None  # None: not computed
    reason: str
    source: str


def ratio_bp(part: int, whole: int) -> int | None:
    """part / whole in basis points, rounded half up (None when whole is not positive:
    a negative equity gives no meaningful ratio)."""
    if whole <= 0:
        return None
    return (part * 20000 + whole) // (2 * whole)


def gl_net(currency: str, branch_id: int | None, day: date) -> dict[str, int]:
    """Debit - credit per GL code of the ledger up to `day`."""
    return {code: int(net or 0)
            for code, net in ledger_queries.gl_balances(currency, branch_id, day)}


def ledger_figures(profile: regulators.RegulatorProfile, currency: str,
                   branch_id: int | None, day: date) -> LedgerFigures:
    net = gl_net(currency, branch_id, day)
    keys = profile.gl_keys

    def debit(*names: str) -> int:
        codes = {keys[n] for n in names if n in keys}
        return sum(net.get(c, 0) for c in codes)

    kinds = {a.code: a.kind for a in profile.chart}
    loan_codes = {keys[n] for n in LOAN_KEYS if n in keys}
    loan_codes |= set(profile.classification_accounts.values())
    return LedgerFigures(
        equity=-sum(v for c, v in net.items() if kinds.get(c) in EQUITY_KINDS),
        share_capital=-debit("share_capital"),
        gross_loans=sum(net.get(c, 0) for c in loan_codes),
        provisions=-debit("loan_loss_provisions"),
        liquid_assets=debit(*LIQUID_KEYS),
        demand_deposits=-debit(*DEMAND_KEYS),
        total_assets=sum(v for c, v in net.items() if kinds.get(c) == "asset"))


def _largest_borrower(day: date, f: portfolio.Filters) -> int:
    by_member: dict[int, int] = {}
    for x in portfolio.positions(day, f):
        by_member[x.member_id] = by_member.get(x.member_id, 0) + x.principal
    return max(by_member.values(), default=0)


def ratios(profile: regulators.RegulatorProfile, day: date, f: portfolio.Filters,
           branch_id: int | None, currency: str) -> list[RatioLine]:
    """Every prudential ratio of the profile at `day`, in the profile's order."""
    figures = ledger_figures(profile, currency, branch_id, day)
    single_base = (figures.share_capital if profile.single_borrower_base == "paid_up_capital"
                   else figures.equity)
    computed: dict[str, tuple[str, int, int]] = {
        "risk_limitation": (_("gross loans / equity"), figures.gross_loans, figures.equity),
        "single_borrower": (_("largest borrower's outstanding / {base}").format(
            base=_("paid-up capital") if profile.single_borrower_base == "paid_up_capital"
            else _("equity")), _largest_borrower(day, f), single_base),
        "liquidity": (_("cash, banks and electronic money / savings other than term "
                        "deposits"), figures.liquid_assets, figures.demand_deposits),
        "capitalisation": (_("equity / total assets"), figures.equity, figures.total_assets),
    }
    lines: list[RatioLine] = []
    for r in profile.prudential_ratios:
        if r.key == "par90":
            s = portfolio.par(day, f)
            computed[r.key] = (_("outstanding more than 90 days late / gross outstanding"),
                               s.at_risk["par90"], s.outstanding)
        if r.key in computed:
            formula, num, den = computed[r.key]
            bp = ratio_bp(num, den)
            met = None if bp is None else (bp >= r.threshold_bp if r.op == ">="
                                           else bp <= r.threshold_bp)
            reason = "" if bp is not None else _(
                "Not computed: the denominator is zero or negative.")
            lines.append(RatioLine(r.key, r.label, formula, num, den, bp, r.op,
                                   r.threshold_bp, met, reason, r.source))
        else:
            reason = _(NOT_IN_LEDGER.get(r.key, N_("Not computed: no formula in Mifin "
                                                   "for this ratio.")))
            lines.append(RatioLine(r.key, r.label, "", None, None, None, r.op,
                                   r.threshold_bp, None, reason, r.source))
    return lines


def percent(bp: int | None) -> str:
    if bp is None:
        return ""
    sign = "-" if bp < 0 else ""
    bp = abs(bp)
    return f"{sign}{bp // 100}.{bp % 100:02d} %"


def _branch_id(f: portfolio.Filters) -> int | None:
    if not f.branch:
        return None
    row = Branch.get_or_none(Branch.code == f.branch.strip().upper())
    return row.id if row else None


@requires(PERMISSION)
def prudential_report(ctx: Context, p: object) -> ReportTable:
    """The profile's prudential ratios at the date, with their norms and sources."""
    day, f, cur = at_date(p)
    portfolio.loan_scope(f)  # the filters' errors, as every loan report gives them
    profile = profile_of_institution()
    lines = ratios(profile, day, f, _branch_id(f), cur)
    cols = [Column("ratio", _("Ratio")), Column("formula", _("Computed as")),
            Column("numerator", _("Numerator"), MONEY, cur),
            Column("denominator", _("Denominator"), MONEY, cur),
            Column("value", _("Value")), Column("norm", _("Norm")),
            Column("met", _("Met")), Column("source", _("Source"))]
    rows = []
    for x in lines:
        met = x.reason if x.met is None else (_("Yes") if x.met else _("No"))
        rows.append((x.label, x.formula, x.numerator, x.denominator, percent(x.ratio_bp),
                     f"{x.op} {percent(x.threshold_bp)}", met, x.source))
    notes = (_("Profile {name}. Ledger balances at the date; the largest borrower and "
               "PAR90 from the portfolio at the date.").format(name=profile.name),)
    if not lines:
        notes = (_("The profile {name} lists no prudential ratio.").format(
            name=profile.name),)
    return report_table(ctx, "prudential", _("Prudential ratios"), at_label(day), f, cols,
                        rows, notes=notes, landscape=True)
