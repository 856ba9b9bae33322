"""The loan, savings and member reports of the registry (#11), in the order `mifin report
--list` and the reports screen show them. The reports live by subject: loan_reports (the
portfolio at a date), loan_activity_reports (the loans' events), savings_reports (savings
and members); what they share is in base.
"""

from __future__ import annotations

from collections.abc import Callable

from mifin_tui.i18n import N_
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.reports.base import (
    LOAN_FILTERS,
    PERIOD_FILTERS,
    PERMISSION,
    SAVINGS_PERMISSION,
)
from mifin_tui.services.reports.loan_activity_reports import (
    disbursements_report,
    loans_granted_report,
    repayment_rate_report,
    repayments_report,
    waiting_list_report,
    write_offs_report,
)
from mifin_tui.services.reports.loan_reports import (
    arrears_report,
    classification_report,
    concentration_report,
    guarantors_report,
    par_report,
    portfolio_report,
)
from mifin_tui.services.reports.savings_reports import (
    largest_depositors_report,
    members_report,
    savings_report,
)
from mifin_tui.services.reports.table import ReportTable


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

