"""Loan products (administrator settings) and the terms a loan of a product is simulated,
contracted and repaid on.

The loan lifecycle (#8) and repayments (#9) read a product through `get()` and turn an
application into schedule terms with `terms_for()`. A product is refused when its TEG,
at its highest rate and over its shortest and longest terms for its smallest and
largest amounts, would exceed the regulator profile's usury rate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from mifin_tui.db import write_transaction
from mifin_tui.db.models import LoanProduct
from mifin_tui.i18n import _, current_language
from mifin_tui.services.kernel import audit, clock, institution, regulators
from mifin_tui.services.kernel import calendar as working_calendar
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import NotFound, ValidationError
from mifin_tui.services.kernel.money import CURRENCIES, format_amount, format_percent
from mifin_tui.services.kernel.permissions import requires
from mifin_tui.services.kernel.working_days import WorkingCalendar
from mifin_tui.services.loans.engine import allocation as repayment_engine
from mifin_tui.services.loans.engine import schedule as engine

__all__ = [
    "ALLOCATION_PARTS", "KINDS", "LoanProductView", "ProductSpec", "all_products",
    "allocation_policy", "create",
    "fee_amount",
    "get", "list_products", "set_active", "simulate", "terms_for", "update", "validate",
]

KINDS = ("individual", "group")
FEE_KINDS = ("fixed", "percent")
FEE_TIMINGS = ("upfront", "deducted")
PENALTY_KINDS = ("none", "daily", "flat")
ALLOCATION_PARTS = ("penalties", "fees", "interest", "principal")
DEFAULT_ALLOCATION = ("penalties", "interest", "principal")
GL_FIELDS = {"gl_portfolio": "loans_outstanding", "gl_interest": "interest_income_loans",
             "gl_penalty": "penalty_income", "gl_fees": "fee_income",
             "gl_interest_receivable": "interest_receivable"}
# Days between the due dates of a seasonal product when its TEG is checked: the
# shortest season gives the highest TEG for the same fees.
SEASONAL_CHECK_DAYS = 30


@dataclass(frozen=True)
class ProductSpec:
    """What an administrator sets; amounts in minor units, rates in basis points."""

    code: str
    name: str
    currency: str
    amount_min: int
    amount_max: int
    term_min: int
    term_max: int
    rate_min_bp: int
    rate_max_bp: int
    rate_default_bp: int
    kind: str = "individual"
    frequency: str = engine.WEEKLY
    method: str = engine.DECLINING
    days_in_year: int | None = None
    grace_principal: int = 0
    grace_interest: int = 0
    grace_interest_mode: str = engine.GRACE_WAIVED
    round_to: int = 1
    fee_kind: str = "percent"
    fee_value: int = 0
    fee_timing: str = "deducted"
    insurance_bp: int = 0
    savings_bp: int = 0
    penalty_kind: str = "none"
    penalty_value: int = 0
    penalty_grace_days: int = 0
    allocation_order: tuple[str, ...] = DEFAULT_ALLOCATION
    min_membership_months: int = 0
    min_deposits: int = 0
    deposits_window_months: int = 0
    max_debt_to_income_bp: int | None = None
    # the guarantors' savings are blocked (a hold) for what each guarantees
    guarantee_hold: bool = True
    gl_portfolio: str = "loans_outstanding"
    gl_interest: str = "interest_income_loans"
    gl_penalty: str = "penalty_income"
    gl_fees: str = "fee_income"
    gl_interest_receivable: str = "interest_receivable"
    # What a repayment above the amount due does (repayment_engine.EXCESS_MODES).
    excess_policy: str = "refuse"
    # How a payment sweeps the instalments due (repayment_engine.SWEEPS): each in full
    # before the next, or every instalment's first part by allocation_order, then the next.
    allocation_sweep: str = repayment_engine.SWEEP_INSTALMENT


@dataclass(frozen=True)
class LoanProductView(ProductSpec):
    id: int = 0
    active: bool = True


_SPEC_FIELDS = tuple(f.name for f in dataclasses.fields(ProductSpec))


def _view(row: LoanProduct) -> LoanProductView:
    values = {name: getattr(row, name) for name in _SPEC_FIELDS}
    values["guarantee_hold"] = bool(row.guarantee_hold)
    values["allocation_order"] = tuple(p for p in row.allocation_order.split(",") if p)
    return LoanProductView(**values, id=row.id, active=bool(row.active))


def allocation_policy(product: ProductSpec) -> repayment_engine.AllocationPolicy:
    """How a repayment of a loan of `product` is applied: the one reading of the product's
    order, sweep and excess for every repayment path (counter, import, automatic debit)."""
    return repayment_engine.AllocationPolicy(order=tuple(product.allocation_order),
                                             excess=product.excess_policy,
                                             sweep=product.allocation_sweep)


def fee_amount(product: ProductSpec, amount: int) -> int:
    """The product's fees on a loan of `amount` (a percent rounds half up)."""
    if product.fee_kind == "percent":
        return engine.round_half_up(amount * product.fee_value, 10_000)
    return product.fee_value


def _percent(bp: int) -> str:
    return format_percent(bp, current_language())


def terms_for(product: ProductSpec, amount: int, term: int, rate_bp: int | None = None,
              start: date | None = None, *, first_due: date | None = None,
              due_dates: Sequence[date] = (), calendar: WorkingCalendar | None = None,
              teg_method: str = "proportional", check_limits: bool = True
              ) -> engine.ScheduleTerms:
    """The schedule terms of a loan of `amount` over `term` instalments at `rate_bp` (the
    product's default rate when None), disbursed on `start`. ValidationError when the
    amount, term or rate is outside the product's limits."""
    rate = product.rate_default_bp if rate_bp is None else rate_bp
    if check_limits:
        errors: dict[str, str] = {}
        cur = product.currency
        if not product.amount_min <= amount <= product.amount_max:
            errors["amount"] = _("The amount must be between {low} and {high}.").format(
                low=format_amount(product.amount_min, cur, language=current_language()),
                high=format_amount(product.amount_max, cur, language=current_language()))
        if not product.term_min <= term <= product.term_max:
            errors["term"] = _("The number of instalments must be between {low} and "
                               "{high}.").format(low=product.term_min, high=product.term_max)
        if not product.rate_min_bp <= rate <= product.rate_max_bp:
            errors["rate"] = _("The rate must be between {low} and {high}.").format(
                low=_percent(product.rate_min_bp), high=_percent(product.rate_max_bp))
        if errors:
            raise ValidationError(errors)
    fee = fee_amount(product, amount)
    insurance = engine.round_half_up(amount * product.insurance_bp, 10_000)
    return engine.ScheduleTerms(
        principal=amount, currency=product.currency, annual_rate_bp=rate,
        installments=term, frequency=product.frequency, method=product.method,
        start=start or date.today(),  # noqa: DTZ011 - callers pass the business date
        first_due=first_due, due_dates=tuple(due_dates), days_in_year=product.days_in_year,
        grace_principal=product.grace_principal, grace_interest=product.grace_interest,
        grace_interest_mode=product.grace_interest_mode, round_to=product.round_to,
        fee_upfront=fee if product.fee_timing == "upfront" else 0,
        fee_deducted=fee if product.fee_timing == "deducted" else 0,
        insurance=insurance, calendar=calendar, teg_method=teg_method)


def _corner_tegs(spec: ProductSpec, teg_method: str) -> list[tuple[Decimal, int, int]]:
    """(TEG, amount, term) at the highest rate for the extreme amounts and terms."""
    start = date(2026, 1, 5)
    out = []
    for amount in sorted({spec.amount_min, spec.amount_max}):
        for term in sorted({spec.term_min, spec.term_max}):
            dates: tuple[date, ...] = ()
            if spec.frequency == engine.SEASONAL:
                dates = tuple(date.fromordinal(start.toordinal() + SEASONAL_CHECK_DAYS * k)
                              for k in range(1, term + 1))
            terms = terms_for(spec, amount, term, spec.rate_max_bp, start, due_dates=dates,
                              teg_method=teg_method, check_limits=False)
            out.append((engine.build(terms).teg, amount, term))
    return out


def validate(spec: ProductSpec, profile: regulators.RegulatorProfile) -> dict[str, str]:
    """Every bad field of `spec` at once (empty when it may be saved)."""
    e: dict[str, str] = {}
    if not spec.code.strip():
        e["code"] = _("Required.")
    elif len(spec.code.strip()) > 16:
        e["code"] = _("At most 16 characters.")
    if not spec.name.strip():
        e["name"] = _("Required.")
    if spec.currency not in profile.currencies or spec.currency not in CURRENCIES:
        e["currency"] = _("A currency of the institution: {known}.").format(
            known=", ".join(profile.currencies))
    if spec.kind not in KINDS:
        e["kind"] = _("Individual or group.")
    if spec.amount_min <= 0:
        e["amount_min"] = _("The amount must be more than zero.")
    if spec.amount_max < spec.amount_min:
        e["amount_max"] = _("The largest amount cannot be below the smallest.")
    if not 1 <= spec.term_min <= engine.MAX_INSTALLMENTS:
        e["term_min"] = _("Between 1 and {max} instalments.").format(
            max=engine.MAX_INSTALLMENTS)
    if not spec.term_min <= spec.term_max <= engine.MAX_INSTALLMENTS:
        e["term_max"] = _("Between the shortest term and {max} instalments.").format(
            max=engine.MAX_INSTALLMENTS)
    if spec.frequency not in engine.FREQUENCIES:
        e["frequency"] = _("Unknown frequency: {frequency}.").format(frequency=spec.frequency)
    if spec.method not in engine.METHODS:
        e["method"] = _("Unknown interest method: {method}.").format(method=spec.method)
    if not 0 <= spec.rate_min_bp <= engine.MAX_RATE_BP:
        e["rate_min_bp"] = _("The annual rate must be between 0 and 100 %.")
    if not spec.rate_min_bp <= spec.rate_max_bp <= engine.MAX_RATE_BP:
        e["rate_max_bp"] = _("Between the lowest rate and 100 %.")
    if not spec.rate_min_bp <= spec.rate_default_bp <= spec.rate_max_bp:
        e["rate_default_bp"] = _("The default rate must lie between the lowest and the "
                                 "highest.")
    if spec.days_in_year not in (None, 360, 365):
        e["days_in_year"] = _("Days in the year: 360 or 365.")
    if spec.grace_principal < 0 or spec.grace_interest < 0:
        e["grace_principal"] = _("A grace period cannot be negative.")
    elif max(spec.grace_principal, spec.grace_interest) >= max(spec.term_min, 1):
        e["grace_principal"] = _("The grace periods must leave at least one instalment to "
                                 "repay.")
    if spec.grace_interest_mode not in engine.GRACE_MODES:
        e["grace_interest_mode"] = _("Grace interest is waived or capitalised.")
    if spec.round_to < 1:
        e["round_to"] = _("Round to a multiple of at least 1.")
    if spec.fee_kind not in FEE_KINDS:
        e["fee_kind"] = _("Fixed or percent.")
    if spec.fee_value < 0 or (spec.fee_kind == "percent" and spec.fee_value > 10_000):
        e["fee_value"] = _("Fees between 0 and 100 percent of the amount.")
    if spec.fee_timing not in FEE_TIMINGS:
        e["fee_timing"] = _("Paid up front or deducted from the disbursement.")
    for name in ("insurance_bp", "savings_bp"):
        if not 0 <= getattr(spec, name) <= 10_000:
            e[name] = _("Between 0 and 100 %.")
    if spec.penalty_kind not in PENALTY_KINDS:
        e["penalty_kind"] = _("No penalty, a rate per day, or a flat amount per late "
                              "instalment.")
    if spec.penalty_value < 0:
        e["penalty_value"] = _("Cannot be negative.")
    if spec.penalty_grace_days < 0:
        e["penalty_grace_days"] = _("Cannot be negative.")
    order = tuple(spec.allocation_order)
    if (len(set(order)) != len(order) or not set(order) <= set(ALLOCATION_PARTS)
            or "interest" not in order or "principal" not in order
            or order.index("interest") > order.index("principal")):
        e["allocation_order"] = _("Each of penalties, fees, interest, principal at most once; "
                                  "interest before principal.")
    if spec.allocation_sweep not in repayment_engine.SWEEPS:
        e["allocation_sweep"] = _("Per instalment, or across the instalments due.")
    if spec.excess_policy not in repayment_engine.EXCESS_MODES:
        e["excess_policy"] = _("Refuse, next instalments, last instalments, or prepaid "
                               "principal.")
    for name in ("min_membership_months", "min_deposits", "deposits_window_months"):
        if getattr(spec, name) < 0:
            e[name] = _("Cannot be negative.")
    if spec.min_deposits > 0 and spec.deposits_window_months <= 0:
        e["deposits_window_months"] = _("Say over how many months the deposits count.")
    if spec.max_debt_to_income_bp is not None and not 0 < spec.max_debt_to_income_bp <= 10_000:
        e["max_debt_to_income_bp"] = _("Between 0 and 100 %, or empty for no limit.")
    for name in GL_FIELDS:
        key = getattr(spec, name)
        if key not in profile.gl_keys:
            e[name] = _("Unknown account key {key} in the {chart}.").format(
                key=key, chart=profile.chart_name)
    if not {"amount_min", "fee_kind", "fee_value", "insurance_bp"} & e.keys() and fee_amount(
            spec, spec.amount_min) + engine.round_half_up(
            spec.amount_min * spec.insurance_bp, 10_000) >= spec.amount_min:
        # Nothing would be left to pay out on the smallest loan: no TEG to compute.
        e["fee_value"] = _("The fees and insurance take the whole of the smallest amount "
                           "({amount}).").format(amount=format_amount(
                               spec.amount_min, spec.currency, language=current_language()))
    if not e and profile.usury_rate_bp is not None:
        teg, amount, term = max(_corner_tegs(spec, profile.teg_method))
        # The usury rate is a figure in basis points: the TEG is compared at that
        # precision (the schedule's rounding to the minor unit must not refuse 24.00 %).
        teg_bp = int((teg * 10_000).to_integral_value("ROUND_HALF_UP"))
        if teg_bp > profile.usury_rate_bp:
            e["rate_max_bp"] = _(
                "Refused: the TEG reaches {teg} (for {amount} over {term} instalments at "
                "{rate}), above the usury rate of {usury} ({decision}).").format(
                teg=_percent(teg_bp),
                amount=format_amount(amount, spec.currency, language=current_language()),
                term=term,
                rate=_percent(spec.rate_max_bp), usury=_percent(profile.usury_rate_bp),
                decision=profile.usury_decision)
    return e


def _profile() -> regulators.RegulatorProfile:
    # With the TEG method the institution chose among those the profile allows.
    profile = regulators.get_profile(institution.info().regulator)
    return dataclasses.replace(profile, teg_method=institution.teg_method(profile))


def _row_values(spec: ProductSpec) -> dict:
    values = {name: getattr(spec, name) for name in _SPEC_FIELDS}
    values["code"] = spec.code.strip().upper()
    values["name"] = spec.name.strip()
    values["allocation_order"] = ",".join(spec.allocation_order)
    return values


@requires("product.manage")
def create(ctx: Context, spec: ProductSpec) -> LoanProductView:
    errors = validate(spec, _profile())
    values = _row_values(spec)
    with write_transaction():
        if "code" not in errors and LoanProduct.select().where(
                LoanProduct.code == values["code"]).exists():
            errors["code"] = _("A product {code} exists already.").format(code=values["code"])
        if errors:
            raise ValidationError(errors)
        now = clock.now()
        row = LoanProduct.create(**values, active=True, created_by=ctx.user_id or None,
                                 created_at=now, updated_at=now)
        audit.record(ctx, "loan_product.create", "loan_product", values["code"],
                     after=values)
    return _view(row)


@requires("product.manage")
def update(ctx: Context, product_id: int, spec: ProductSpec) -> LoanProductView:
    errors = validate(spec, _profile())
    values = _row_values(spec)
    with write_transaction():
        row = LoanProduct.get_or_none(LoanProduct.id == product_id)
        if row is None:
            raise NotFound(_("No such loan product."))
        if "code" not in errors and LoanProduct.select().where(
                (LoanProduct.code == values["code"]) & (LoanProduct.id != product_id)).exists():
            errors["code"] = _("A product {code} exists already.").format(code=values["code"])
        if errors:
            raise ValidationError(errors)
        before = _row_values(_view(row))
        changed = {k: v for k, v in values.items() if before.get(k) != v}
        if not changed:
            return _view(row)
        for name, value in changed.items():
            setattr(row, name, value)
        row.updated_at = clock.now()
        row.save()
        audit.record(ctx, "loan_product.update", "loan_product", values["code"],
                     before={k: before[k] for k in changed}, after=changed)
    return _view(row)


@requires("product.manage")
def set_active(ctx: Context, product_id: int, active: bool) -> LoanProductView:
    with write_transaction():
        row = LoanProduct.get_or_none(LoanProduct.id == product_id)
        if row is None:
            raise NotFound(_("No such loan product."))
        if bool(row.active) != active:
            audit.record(ctx, "loan_product.activate" if active else "loan_product.retire",
                         "loan_product", row.code, before={"active": bool(row.active)},
                         after={"active": active})
            row.active = active
            row.updated_at = clock.now()
            row.save()
    return _view(row)


def _products(active_only: bool) -> list[LoanProductView]:
    query = LoanProduct.select().order_by(LoanProduct.code)
    if active_only:
        query = query.where(LoanProduct.active == True)  # noqa: E712 - peewee expression
    return [_view(row) for row in query]


@requires("loan.simulate")
def list_products(ctx: Context, active_only: bool = True) -> list[LoanProductView]:
    """The products a loan can be simulated or made with (the active ones by default)."""
    return _products(active_only)


@requires("product.manage")
def all_products(ctx: Context) -> list[LoanProductView]:
    """Every product, retired ones included, for the administrator."""
    return _products(False)


def get(product_id: int) -> LoanProductView:
    """A product by id, retired or not (loans keep the product they were made with)."""
    row = LoanProduct.get_or_none(LoanProduct.id == product_id)
    if row is None:
        raise NotFound(_("No such loan product."))
    return _view(row)


@requires("loan.simulate")
def simulate(ctx: Context, terms: engine.ScheduleTerms) -> engine.Schedule:
    """The schedule of `terms` on this institution: due dates past its holidays and
    weekend, the TEG by its regulator profile's method."""
    terms = dataclasses.replace(terms, calendar=working_calendar.load(),
                                teg_method=_profile().teg_method)
    return engine.build(terms)
