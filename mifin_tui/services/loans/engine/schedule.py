"""The repayment schedule engine: terms in, instalments out. Pure and exact.

Everything about loans builds on it (the simulator, the contract, disbursement,
the nightly closing's due instalments, portfolio reports), so it is plain code:
no database, no Textual, no float. Amounts are integers of the currency's minor
unit; rates are basis points; every division rounds explicitly:

- interest of a period = balance x rate of the period, rounded half up to the
  minor unit (the periodic rate is the nominal annual rate / periods per year,
  or the rate x actual days / 360 or 365);
- the annuity is solved exactly in integers, rounded half up to the minor unit,
  then up to the product's multiple (`round_to`);
- the last instalment takes whatever balance is left: the principal column sums
  to the principal (plus capitalised interest) and no balance goes negative.

An import-linter contract keeps peewee and Textual out of this module.
"""

from __future__ import annotations

import calendar as _cal
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from mifin_tui.i18n import _
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import get_currency
from mifin_tui.services.kernel.working_days import WorkingCalendar
from mifin_tui.services.loans.engine.teg import teg_of

__all__ = [
    "DECLINING", "EQUAL_PRINCIPAL", "FLAT", "FREQUENCIES", "METHODS", "PERIODS_PER_YEAR",
    "Installment", "Schedule", "ScheduleTerms", "Totals", "amortisation_exact", "annuity_exact",
    "build", "due_dates",
    "round_half_up", "validate",
]

DECLINING = "declining"            # declining balance, equal instalments (annuity)
EQUAL_PRINCIPAL = "equal_principal"  # declining balance, equal principal
FLAT = "flat"                      # interest on the initial principal every period
METHODS = (DECLINING, EQUAL_PRINCIPAL, FLAT)

WEEKLY, BIWEEKLY, MONTHLY, SEASONAL = "weekly", "biweekly", "monthly", "seasonal"
FREQUENCIES = (WEEKLY, BIWEEKLY, MONTHLY, SEASONAL)
PERIODS_PER_YEAR = {WEEKLY: 52, BIWEEKLY: 26, MONTHLY: 12}

GRACE_WAIVED = "waived"            # interest of the grace periods is not charged
GRACE_CAPITALISED = "capitalised"  # ... or added to the balance
GRACE_MODES = (GRACE_WAIVED, GRACE_CAPITALISED)

MAX_INSTALLMENTS = 520  # ten years of weekly instalments
MAX_RATE_BP = 10_000    # 100 % a year


@dataclass(frozen=True, slots=True)
class ScheduleTerms:
    """What a schedule is computed from.

    `due_dates` (seasonal or bullet plans) replaces the generated dates: one per
    instalment, set by hand. `days_in_year` None = periodic interest (the annual
    rate / periods per year); 360 or 365 = interest by actual days between due
    dates (always so for a seasonal plan, 365 by default).
    Fees at disbursement (`fee_upfront` paid in cash, `fee_deducted` kept from the
    amount paid out, `insurance` paid up front) enter the TEG, not the instalments;
    `fee_per_installment` is added to every instalment (its "fees" column).
    """

    principal: int
    currency: str
    annual_rate_bp: int
    installments: int
    frequency: str = WEEKLY
    method: str = DECLINING
    start: date = date(2026, 1, 1)
    first_due: date | None = None
    due_dates: tuple[date, ...] = ()
    days_in_year: int | None = None
    grace_principal: int = 0
    grace_interest: int = 0
    grace_interest_mode: str = GRACE_WAIVED
    round_to: int = 1
    fee_upfront: int = 0
    fee_deducted: int = 0
    insurance: int = 0
    fee_per_installment: int = 0
    calendar: WorkingCalendar | None = None
    teg_method: str = "proportional"


@dataclass(frozen=True, slots=True)
class Installment:
    no: int
    due_date: date
    principal: int
    interest: int
    fees: int
    total: int
    balance_after: int


@dataclass(frozen=True, slots=True)
class Totals:
    principal: int
    interest: int
    fees: int
    total: int
    capitalised_interest: int = 0


@dataclass(frozen=True)
class Schedule:
    terms: ScheduleTerms
    installments: tuple[Installment, ...]
    totals: Totals
    # The multiple instalments were rounded up to: the terms' one, or 1 when it would have
    # repaid a small loan early.
    multiple: int = 1

    @functools.cached_property
    def teg(self) -> Decimal:
        """The annual TEG as a fraction (0.2987 = 29.87 %), by the terms' method; computed
        when first asked (the nightly closing recomputes schedules, not their TEG)."""
        return teg_of(self)

    @property
    def teg_bp(self) -> int:
        return int((self.teg * 10000).to_integral_value(rounding="ROUND_HALF_UP"))

    @property
    def fees_at_disbursement(self) -> int:
        t = self.terms
        return t.fee_upfront + t.fee_deducted + t.insurance

    @property
    def net_disbursed(self) -> int:
        """What the borrower is paid out: the principal less the fees kept from it."""
        return self.terms.principal - self.terms.fee_deducted

    @property
    def cost_of_credit(self) -> int:
        """Everything the borrower pays beyond the principal."""
        return self.totals.interest + self.totals.fees + self.fees_at_disbursement


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest integer, halves away from zero (>= 0 here)."""
    return (2 * numerator + denominator) // (2 * denominator)


def _ceil_to(value: int, multiple: int) -> int:
    return -(-value // multiple) * multiple


def _add_months(day: date, months: int, anchor_day: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(anchor_day, _cal.monthrange(year, month)[1]))


def validate(terms: ScheduleTerms) -> None:
    """Raise ValidationError naming every bad term at once."""
    errors: dict[str, str] = {}
    try:
        get_currency(terms.currency)
    except ValueError as exc:
        errors["currency"] = str(exc)
    if terms.principal <= 0:
        errors["principal"] = _("The amount must be more than zero.")
    if not 0 <= terms.annual_rate_bp <= MAX_RATE_BP:
        errors["rate"] = _("The annual rate must be between 0 and 100 %.")
    if terms.method not in METHODS:
        errors["method"] = _("Unknown interest method: {method}.").format(method=terms.method)
    if terms.frequency not in FREQUENCIES:
        errors["frequency"] = _("Unknown frequency: {frequency}.").format(
            frequency=terms.frequency)
    if not 1 <= terms.installments <= MAX_INSTALLMENTS:
        errors["installments"] = _("The number of instalments must be between 1 and "
                                   "{max}.").format(max=MAX_INSTALLMENTS)
    elif terms.frequency == SEASONAL or terms.due_dates:
        if len(terms.due_dates) != terms.installments:
            errors["due_dates"] = _("Give one due date per instalment.")
        elif any(b <= a for a, b in zip((terms.start, *terms.due_dates), terms.due_dates,
                                         strict=False)):
            errors["due_dates"] = _("Due dates must follow the disbursement date and one "
                                    "another.")
    if terms.days_in_year not in (None, 360, 365):
        errors["days_in_year"] = _("Days in the year: 360 or 365.")
    if terms.grace_principal < 0 or terms.grace_interest < 0:
        errors["grace"] = _("A grace period cannot be negative.")
    elif max(terms.grace_principal, terms.grace_interest) >= terms.installments >= 1:
        errors["grace"] = _("The grace periods must leave at least one instalment to repay.")
    if terms.grace_interest_mode not in GRACE_MODES:
        errors["grace"] = _("Grace interest is waived or capitalised.")
    if terms.round_to < 1:
        errors["round_to"] = _("Round to a multiple of at least 1.")
    if min(terms.fee_upfront, terms.fee_deducted, terms.insurance,
           terms.fee_per_installment) < 0:
        errors["fee"] = _("Fees cannot be negative.")
    elif terms.principal > 0 and terms.fee_deducted + terms.fee_upfront + terms.insurance \
            >= terms.principal:
        errors["fee"] = _("The fees cannot take the whole amount.")
    if terms.first_due is not None and terms.first_due <= terms.start:
        errors["first_due"] = _("The first due date must follow the disbursement date.")
    if errors:
        raise ValidationError(errors)


def due_dates(terms: ScheduleTerms) -> tuple[date, ...]:
    """Due dates: by hand for a seasonal plan, else one period apart from the first (a
    period after the start unless chosen), each moved to the next working day."""
    if terms.due_dates:
        nominal: Sequence[date] = terms.due_dates
    else:
        n = terms.installments
        if terms.frequency == MONTHLY:
            base = terms.first_due or terms.start
            offset = 0 if terms.first_due else 1
            nominal = [_add_months(base, k + offset, base.day) for k in range(n)]
        else:
            step = 7 if terms.frequency == WEEKLY else 14
            first = terms.first_due or terms.start + timedelta(days=step)
            nominal = [first + timedelta(days=step * k) for k in range(n)]
    cal = terms.calendar
    if cal is None:
        return tuple(nominal)
    out: list[date] = []
    previous = terms.start
    weekend, holidays = cal.weekend, cal.holidays
    for day in nominal:
        # The working day itself is by far the common case: test it inline.
        moved = day if day.weekday() not in weekend and day not in holidays \
            else cal.on_or_after(day)
        # A long closure could bring two dates together; they stay one day apart at least.
        if moved <= previous:
            moved = cal.next_after(previous)
        out.append(moved)
        previous = moved
    return tuple(out)


def _rates(terms: ScheduleTerms, dates: Sequence[date]) -> tuple[list[int], int]:
    """Each period's rate as numerator / common denominator (integers)."""
    bp = terms.annual_rate_bp
    ppy = PERIODS_PER_YEAR.get(terms.frequency)
    if terms.days_in_year is None and ppy is not None and not terms.due_dates:
        return [bp] * len(dates), 10_000 * ppy
    year = terms.days_in_year or 365
    days = [(b - a).days for a, b in zip((terms.start, *dates), dates, strict=False)]
    return [bp * d for d in days], 10_000 * year


def _annuity(balance: int, nums: Sequence[int], den: int, half_up: bool = True) -> int:
    """The level payment that repays `balance` over periods of rates nums[k]/den, rounded
    half up: balance / sum over k of prod_{j<=k} 1/(1 + r_j), in integers."""
    m = len(nums)
    rnd = round_half_up if half_up else (lambda a, b: a // b)
    if not any(nums):
        return rnd(balance, m)
    if all(x == nums[0] for x in nums):
        a = nums[0]
        g = (den + a) ** m
        return rnd(balance * a * g, den * (g - den ** m))
    suffix, t = 1, 0
    for k in range(m, 0, -1):
        t += den ** k * suffix
        suffix *= den + nums[k - 1]
    return rnd(balance * suffix, t)


def annuity_exact(principal: int, rate: Fraction, periods: int) -> Fraction:
    """The level payment before any rounding: P r / (1 - (1 + r)^-n)."""
    if rate == 0:
        return Fraction(principal, periods)
    return principal * rate / (1 - (1 + rate) ** -periods)


def amortisation_exact(principal: int, rate: Fraction, periods: int
                       ) -> list[tuple[Fraction, Fraction]]:
    """(interest, principal) of each level payment before rounding: the reference the
    rounded schedule is tested against."""
    payment = annuity_exact(principal, rate, periods)
    balance = Fraction(principal)
    out = []
    for _k in range(periods):
        interest = balance * rate
        out.append((interest, payment - interest))
        balance -= payment - interest
    return out


def build(terms: ScheduleTerms, *, check: bool = True) -> Schedule:
    """The schedule of `terms` (ValidationError naming every bad term)."""
    if check:
        validate(terms)
    dates = due_dates(terms)
    nums, den = _rates(terms, dates)
    n = terms.installments
    grace_i = terms.grace_interest
    grace = max(terms.grace_principal, grace_i)
    capitalise = terms.grace_interest_mode == GRACE_CAPITALISED
    fee = terms.fee_per_installment
    balance = terms.principal

    rows: list[Installment] = []
    capitalised = 0
    total_interest = 0
    # Grace periods: nothing or interest only.
    for k in range(grace):
        interest = round_half_up(balance * nums[k], den)
        if k < grace_i:
            if capitalise:
                balance += interest
                capitalised += interest
            interest = 0
        total = interest + fee
        total_interest += interest
        rows.append(Installment(k + 1, dates[k], 0, interest, fee, total, balance))

    # Rounding up to a multiple (or half up) could repay a small loan before its last
    # instalment; then the instalment is rounded to the unit, at worst down: the last one
    # absorbs the difference instead.
    amortised: list[Installment] = []
    for multiple, half_up in ((terms.round_to, True), (1, True), (1, False)):
        amortised, interest_sum, early = _amortise(terms, dates, nums, den, grace, balance,
                                                   multiple, half_up)
        if not early:
            break
    rows.extend(amortised)
    total_interest += interest_sum
    principal_sum = terms.principal + capitalised
    fees = fee * n
    totals = Totals(principal_sum, total_interest, fees, principal_sum + total_interest + fees,
                    capitalised)
    return Schedule(terms, tuple(rows), totals, multiple)


def _amortise(terms: ScheduleTerms, dates: Sequence[date], nums: Sequence[int], den: int,
              grace: int, balance: int, multiple: int, half_up: bool
              ) -> tuple[list[Installment], int, bool]:
    """The instalments after the grace periods; True when the balance ran out early."""
    method, n, fee = terms.method, terms.installments, terms.fee_per_installment
    m = n - grace
    rnd = round_half_up if half_up else (lambda a, b: a // b)
    level = share = 0
    base = balance  # the flat method charges interest on this every period
    if method == DECLINING:
        level = _annuity(balance, nums[grace:], den, half_up)
        if multiple > 1:
            level = _ceil_to(level + fee, multiple) - fee
    else:
        share = rnd(balance, m)
    rows: list[Installment] = []
    interest_sum = 0
    early = False
    flat = method == FLAT
    den2 = 2 * den
    for k in range(grace, n):
        # round_half_up, inlined: this loop is the hot path of the nightly recomputation.
        interest = (2 * (base if flat else balance) * nums[k] + den) // den2
        if k == n - 1:
            principal = balance
        else:
            if method == DECLINING:
                principal = level - interest
            else:
                principal = share
                if multiple > 1:
                    principal = _ceil_to(principal + interest + fee, multiple) - interest - fee
            if principal >= balance:
                early = True
                principal = balance
            elif principal < 0:
                principal = 0
        balance -= principal
        interest_sum += interest
        rows.append(Installment(k + 1, dates[k], principal, interest, fee,
                                principal + interest + fee, balance))
    return rows, interest_sum, early
