"""One reading of a loan's risk, shared by the nightly closing, the arrears list, PAR,
the classification report and the dashboard (#20):

- days past due: days between the day and the due date of the oldest instalment due
  before it that still owes principal, interest or fees, and its penalties when the
  institution's reading says unpaid penalties age a loan (`penalties_age_loans`: the
  profile's documented default, the setting loan_penalties_age overrides it). An
  instalment due on the day itself is not late yet. The pure rule is `days_past_due`
  (on the engine's state); the set-based reports and the closing read the same rule from
  `db.queries.dpd.owing` with the same flag;
- the class: the profile's arrears bucket of those days;
- the provision: the bucket's rate (the profile's, or the institution's where the text
  leaves it open) on the provisioning base: the outstanding principal, less the savings
  held for the loan (the borrower's compulsory savings and pledges, the guarantors'
  holds: the active holds of process "loan:<number>") where the profile says so.

Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mifin_tui.db.queries import dpd as queries
from mifin_tui.services.kernel import institution, regulators, settings
from mifin_tui.services.loans.engine import allocation as engine
from mifin_tui.services.loans.engine import penalties as engine_penalties

__all__ = ["Provision", "days_late", "days_past_due", "hold_process", "oldest_owing",
           "owes", "penalties_age_loans", "pledged", "profile", "provision"]


def profile() -> regulators.RegulatorProfile:
    """The institution's regulator profile with the provision rates it set where the text
    leaves them open (an empty rate stays None: the closing check refuses to run)."""
    base = regulators.get_profile(institution.info().regulator)
    rates = settings.get("loan_provision_rates") or {}
    known = {b.key for b in base.arrears_buckets}
    chosen = {k: v for k, v in rates.items() if k in known and v is not None}
    return regulators.with_provision_rates(base, chosen) if chosen else base


def penalties_age_loans(regulator_profile: regulators.RegulatorProfile | None = None
                        ) -> bool:
    """Whether unpaid penalties alone keep an instalment late."""
    choice = settings.get("loan_penalties_age")
    if choice in ("yes", "no"):
        return choice == "yes"
    p = regulator_profile or regulators.get_profile(institution.info().regulator)
    return p.penalties_age_loans


# --- days past due (pure) ----------------------------------------------------------------


def owes(inst: engine.InstalmentState, penalties: bool) -> bool:
    """Whether the instalment still owes something that ages the loan."""
    left = (inst.principal_due - inst.principal_paid + inst.interest_due - inst.interest_paid
            + inst.fees_due - inst.fees_paid)
    if penalties:
        left += inst.penalties_due - inst.penalties_paid
    return left > 0


def oldest_owing(state: engine.LoanState, day: date, penalties: bool) -> date | None:
    """The due date of the oldest instalment due before `day` still owing."""
    for inst in state.instalments:
        if inst.due_date >= day:
            return None
        if owes(inst, penalties):
            return inst.due_date
    return None


def days_late(day: date, oldest: date | None) -> int:
    """Days past due from the oldest owing due date (0 when none)."""
    return max((day - oldest).days, 0) if oldest else 0


def days_past_due(state: engine.LoanState, day: date, penalties: bool) -> int:
    """Days past due of a loan on `day` (see the module's rule)."""
    return days_late(day, oldest_owing(state, day, penalties))


# --- class and provision -----------------------------------------------------------------


def hold_process(number: str) -> str:
    """The process name of the holds a loan places (loans.disbursement)."""
    return f"loan:{number}"


def pledged(numbers: Sequence[str]) -> dict[str, int]:
    """{loan number: savings held for it} (active holds of the loan's process: the
    borrower's compulsory savings and pledges, the guarantors' holds)."""
    if not numbers:
        return {}
    held = queries.held_for([hold_process(n) for n in numbers])
    prefix = len(hold_process(""))
    return {process[prefix:]: int(amount or 0) for process, amount in held.items()}


@dataclass(frozen=True)
class Provision:
    bucket: regulators.ArrearsBucket
    base: int                 # what the rate applies to
    amount: int | None        # None: the rate is not set (the closing refuses to run)


def provision(p: regulators.RegulatorProfile, outstanding: int, held: int,
              days: int) -> Provision:
    """The class, provisioning base and provision of one loan: the one computation the
    closing books and the classification report shows."""
    bucket = regulators.bucket_for_days(p, days)
    base, amount = engine_penalties.provision(outstanding, held, p.provisioning_base,
                                              bucket.provision_rate_bp)
    return Provision(bucket, base, amount)
