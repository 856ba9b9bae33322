"""Late-payment penalties and loan classification: pure functions of a loan's state and a day.

The nightly closing posts "penalty for day D" once per loan: `penalty_for_days(state,
after, through, rule)` depends only on its arguments, so a rerun for the same days gives
the same figures, and the closing records the last day it charged in the same transaction
as the posting (a day it skipped, a weekend, is charged by the next run over the range).
A range is the sum of its days computed one by one: charging Friday..Sunday at once or
each day apart gives the same amounts.

Rounding is explicit (`ROUND_HALF_UP`, `ROUND_DOWN` or `ROUND_UP`, per instalment and
day). No database, no Textual (an import-linter contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mifin_tui.services.kernel.regulators import RegulatorProfile, bucket_for_days
from mifin_tui.services.loans.engine.allocation import (
    COMPONENTS,
    EngineError,
    LoanState,
    days_past_due,
    outstanding,
)

__all__ = [
    "FLAT", "NONE", "PER_DAY", "ROUNDINGS", "ROUND_DOWN", "ROUND_HALF_UP", "ROUND_UP",
    "Classification", "PenaltyLine", "PenaltyRule", "classify", "penalty_for_day",
    "penalty_for_days", "provision", "rule_from_product",
]

NONE, PER_DAY, FLAT = "none", "daily", "flat"   # as loan_products.PENALTY_KINDS
ROUND_HALF_UP, ROUND_DOWN, ROUND_UP = "half_up", "down", "up"
ROUNDINGS = (ROUND_HALF_UP, ROUND_DOWN, ROUND_UP)


@dataclass(frozen=True, slots=True)
class PenaltyRule:
    """A product's penalty. `kind` PER_DAY: `value` basis points a day of the instalment's
    overdue `base` components; FLAT: `value` minor units once per late instalment. Charged
    from the day after `grace_days` days late (grace 3, due the 1st: first charged the 5th).
    Caps (either, both or none) bound the total penalty of one instalment, already charged
    included: `cap_amount` minor units, `cap_bp` of the instalment's principal + interest."""

    kind: str = NONE
    value: int = 0
    grace_days: int = 0
    base: tuple[str, ...] = ("principal", "interest")
    rounding: str = ROUND_HALF_UP
    cap_amount: int | None = None
    cap_bp: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in (NONE, PER_DAY, FLAT):
            raise EngineError(f"unknown penalty kind {self.kind!r}")
        if self.value < 0 or self.grace_days < 0:
            raise EngineError("penalty value and grace days cannot be negative")
        if self.rounding not in ROUNDINGS:
            raise EngineError(f"unknown rounding {self.rounding!r}")
        if not set(self.base) <= set(COMPONENTS) or "penalties" in self.base:
            raise EngineError(f"bad penalty base {self.base!r}")
        if (self.cap_amount is not None and self.cap_amount < 0) or \
                (self.cap_bp is not None and self.cap_bp < 0):
            raise EngineError("a penalty cap cannot be negative")


def rule_from_product(product: object, *, cap_amount: int | None = None,
                      cap_bp: int | None = None) -> PenaltyRule:
    """The rule of a loan product (`penalty_kind`, `penalty_value`, `penalty_grace_days`)."""
    return PenaltyRule(product.penalty_kind, product.penalty_value,
                       product.penalty_grace_days, cap_amount=cap_amount,
                       cap_bp=cap_bp)


def _round(numerator: int, denominator: int, rounding: str) -> int:
    if rounding == ROUND_DOWN:
        return numerator // denominator
    if rounding == ROUND_UP:
        return -(-numerator // denominator)
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True, slots=True)
class PenaltyLine:
    """The penalty charged on one instalment over the days asked for."""

    no: int
    amount: int
    days: int          # days charged (PER_DAY) or 1 (FLAT)
    capped: bool       # the cap stopped it below the rule's figure


def penalty_for_days(state: LoanState, after: date, through: date, rule: PenaltyRule
                     ) -> tuple[PenaltyLine, ...]:
    """Penalties for each day D with after < D <= through, per late instalment (only those
    charged something). On day D an instalment is late when its due date is before D and
    something of its `base` remains unpaid in `state`; it is charged when its days late
    (D - due date) exceed the grace days: PER_DAY the unpaid base x value / 10,000 rounded
    per the rule, each day; FLAT `value` on the first day past the grace only. Never
    negative, never above the caps (the instalment's `penalties_due` counts as charged)."""
    if rule.kind == NONE or rule.value == 0 or through <= after:
        return ()
    out = []
    grace = timedelta(days=rule.grace_days + 1)
    day_one = after + timedelta(days=1)
    # The common base inline: this loop runs for every loan at every closing.
    usual = tuple(rule.base) == ("principal", "interest")
    for inst in state.instalments:
        if inst.due_date >= through:
            break
        if usual:
            base = (inst.principal_due - inst.principal_paid + inst.interest_due
                    - inst.interest_paid)
        else:
            base = sum(inst.remaining(c) for c in rule.base)
        if base <= 0:
            continue
        # The first day this instalment is charged: past its due date and its grace.
        charged_from = inst.due_date + grace
        first = max(charged_from, day_one)
        if first > through:
            continue
        if rule.kind == PER_DAY:
            days = (through - first).days + 1
            figure = _round(base * rule.value, 10_000, rule.rounding) * days
        else:
            if charged_from != first:
                continue  # the flat penalty's day came before this range: charged then
            days, figure = 1, rule.value
        cap = None
        if rule.cap_amount is not None:
            cap = rule.cap_amount
        if rule.cap_bp is not None:
            by_rate = _round((inst.principal_due + inst.interest_due) * rule.cap_bp, 10_000,
                             rule.rounding)
            cap = by_rate if cap is None else min(cap, by_rate)
        amount = figure
        if cap is not None:
            amount = min(figure, max(cap - inst.penalties_due, 0))
        if amount > 0:
            out.append(PenaltyLine(inst.no, amount, days, amount < figure))
    return tuple(out)


def penalty_for_day(state: LoanState, day: date, rule: PenaltyRule) -> tuple[PenaltyLine, ...]:
    """The penalties of `day` alone."""
    return penalty_for_days(state, day - timedelta(days=1), day, rule)


# --- classification and provisions -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Classification:
    """Where a loan stands on a day under a regulator profile, and its provision.
    `rate_bp` and `provision` are None where the profile leaves the rate to the institution
    and none was configured (the screen says "à paramétrer")."""

    bucket: str
    classification: str
    category: str
    days_past_due: int
    outstanding_principal: int
    provision_base: int
    rate_bp: int | None
    provision: int | None


def provision(outstanding_principal: int, pledged_deposits: int, basis: str,
              rate_bp: int | None) -> tuple[int, int | None]:
    """(provision base, provision): the base is the outstanding principal, less the pledged
    deposits (never below zero) when `basis` is "outstanding_less_pledged_deposits"; the
    provision is base x rate / 10,000 rounded half up (None without a rate)."""
    if basis == "outstanding_less_pledged_deposits":
        base = max(outstanding_principal - max(pledged_deposits, 0), 0)
    elif basis == "outstanding":
        base = outstanding_principal
    else:
        raise EngineError(f"unknown provisioning base {basis!r}")
    if rate_bp is None:
        return base, None
    return base, (2 * base * rate_bp + 10_000) // 20_000


def classify(state: LoanState, day: date, profile: RegulatorProfile, *,
             pledged_deposits: int = 0) -> Classification:
    """The bucket of the loan by its days past due under `profile` (use
    `regulators.with_provision_rates` for the institution's rates) and the provision on the
    profile's base."""
    dpd = days_past_due(state, day)
    bucket = bucket_for_days(profile, dpd)
    principal = outstanding(state).principal
    base, amount = provision(principal, pledged_deposits, profile.provisioning_base,
                             bucket.provision_rate_bp)
    return Classification(bucket.key, bucket.classification, bucket.category, dpd, principal,
                          base, bucket.provision_rate_bp, amount)
