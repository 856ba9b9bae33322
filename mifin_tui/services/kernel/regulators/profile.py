"""What a regulator profile holds: its chart of accounts, its arrears buckets, its
prudential ratios and rate rules, and the keys every profile must map.

Pure data types: no peewee, no Textual, nothing from `mifin_tui.db`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

ACCOUNT_KINDS = frozenset({"asset", "liability", "equity", "income", "expense", "off_balance"})
TEG_METHODS = frozenset({"proportional", "actuarial"})

# Regulators name their classes differently ("saines", "sains", "en souffrance",
# "litigieux"); reports that compare or total across profiles use this coarse
# category instead of the regulator's own word.
BUCKET_CATEGORIES = frozenset({"performing", "past_due", "doubtful", "loss"})

# What the provision rate is applied to.
PROVISIONING_BASES = frozenset({
    # BCEAO: outstanding less the deposits pledged by the borrower or guarantors.
    "outstanding_less_pledged_deposits",
    # Gross outstanding principal: the fallback where no text was found.
    "outstanding",
})

# The keys every service may ask for. A site's chart may hold many more
# accounts, but these must exist in every profile so no service ever needs
# to know a regulator's numbering.
REQUIRED_GL_KEYS = frozenset({
    "cash_vault", "cash_till", "bank",
    "loans_outstanding", "loans_in_arrears", "loan_loss_provisions", "interest_receivable",
    "savings_free", "savings_scheduled", "savings_blocked", "savings_tontine",
    "savings_interest_bearing",
    "share_capital", "reserves", "retained_earnings", "result_of_year",
    "interest_income_loans", "penalty_income", "fee_income", "membership_fee_income",
    "account_opening_fee_income", "tontine_commission_income",
    "interest_expense_savings", "withholding_tax_payable",
    "provision_expense", "provision_reversal_income", "write_off_expense", "recoveries_income",
    "till_shortage", "till_surplus", "suspense",
    "guarantees_received",
})

# Mapped by every profile too, beyond the required set: rescheduled loans are
# reported apart (BCEAO "immobilisés", BCC "prorogés"), and mobile-money
# repayments land on the operator float account, not in a till. Money received that
# cannot be applied to a loan waits in "paiements reçus à affecter" (#20); interest on
# doubtful loans is reserved, not taken to income (#20).
# A count that differs from the books waits in "manquants / excédents de caisse à
# régulariser" until the gérant decides; a shortage the cashier repays is a receivable on
# him (#21).
GL_KEYS = REQUIRED_GL_KEYS | {"loans_rescheduled", "mobile_money", "payments_suspense",
                              "interest_reserved", "cash_shortage_suspense",
                              "cash_surplus_suspense", "cashier_receivable"}


@dataclass(frozen=True)
class GLAccountSpec:
    """One account of a chart. A header account (one with children) is not postable."""

    code: str
    name: str
    kind: str
    parent: str | None
    postable: bool
    # A contra account (loan-loss provisions) sits in its kind's section but
    # carries the opposite balance: the ledger needs it to pick the normal side.
    contra: bool = False

    @property
    def normal_side(self) -> str:
        """"debit" or "credit": the side on which the balance normally grows."""
        # Off-balance commitments are kept debit-normal, against their counterpart.
        debit = self.kind in {"asset", "expense", "off_balance"}
        return "debit" if debit != self.contra else "credit"

    @property
    def account_class(self) -> str:
        """The plan's class: the first digit of the code."""
        return self.code[0]


@dataclass(frozen=True)
class ArrearsBucket:
    """A range of days late and what the regulator makes of it.

    `max_days` None = no upper bound. `provision_rate_bp` is in basis points
    (4000 = 40 %); None means no public text gives the rate: the institution
    sets it and the screen says so.
    """

    key: str
    label: str
    min_days: int
    max_days: int | None
    provision_rate_bp: int | None
    classification: str
    category: str = "past_due"
    # The article the day bounds and the rate come from ("" where the text is silent:
    # then the rate is None and the institution sets it).
    source: str = ""

    def contains(self, days_late: int) -> bool:
        return days_late >= self.min_days and (self.max_days is None or days_late <= self.max_days)

    @property
    def rate_configurable(self) -> bool:
        return self.provision_rate_bp is None


@dataclass(frozen=True)
class PrudentialRatio:
    """A prudential norm: `op` is ">=" or "<="; thresholds in basis points."""

    key: str
    label: str
    op: str
    threshold_bp: int
    source: str


@dataclass(frozen=True)
class RegulatorProfile:
    code: str
    name: str
    regulator: str
    zone: str
    countries: tuple[str, ...]          # ISO 3166 alpha-2
    institution_type: str               # what the law calls the institution
    currencies: tuple[str, ...]
    default_currency: str
    chart_name: str
    classes: Mapping[str, str]          # class digit -> title
    chart: tuple[GLAccountSpec, ...]
    gl_keys: Mapping[str, str]          # semantic key -> postable account code
    arrears_buckets: tuple[ArrearsBucket, ...]
    # Account holding each classification's loans, for the closing's reclassing;
    # for performing loans it is only the default when a product names none.
    classification_accounts: Mapping[str, str]
    # One unpaid instalment moves the whole outstanding, not only the late part.
    arrears_moves_whole_outstanding: bool
    # Whether an instalment whose principal, interest and fees are paid but whose
    # penalties are not still ages the loan (days past due, PAR, class, provision). The
    # default of each profile is argued from its text beside it; the institution may
    # change it (setting loan_penalties_age). Read through loans.classification only.
    penalties_age_loans: bool
    provisioning_base: str
    usury_rate_bp: int | None
    usury_decision: str
    usury_start: date | None
    teg_method: str                     # default annualisation of the TEG
    teg_methods_allowed: tuple[str, ...]
    teg_definition: str
    single_borrower_limit_bp: int | None
    single_borrower_base: str           # what the limit is a share of
    par_watch_days: int | None          # PAR the supervisor watches (PAR90 ...)
    par_watch_bp: int | None            # ... and its ceiling
    immobilised_after_days: int | None
    seasonal_immobilised_after_days: int | None
    max_schedule_extensions: int | None
    # The class (`classification_accounts` key) holding rescheduled loans while their
    # age would leave them performing or merely past due (BCEAO "immobilisé", COBAC
    # "restructurée", BCC "prorogé").
    restructured_class: str = ""
    # From this arrears bucket on (its `min_days` and later), interest is no longer
    # taken to income: accrued and unpaid, it is reserved (GL key interest_reserved)
    # until collected. Empty: never reserved. `reserved_interest_source` cites the text.
    reserve_interest_from: str = ""
    reserved_interest_source: str = ""
    prudential_ratios: tuple[PrudentialRatio, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # What recoveries on a written-off loan may bring in (#20): a write-off takes the
    # claim off the books, not off the member, whose debt stays whole — the principal
    # written off and the interest, fees and penalties left unpaid on its instalments.
    # A profile narrows it by naming fewer components.
    recovery_covers: tuple[str, ...] = ("principal", "interest", "fees", "penalties")
    _by_code: Mapping[str, GLAccountSpec] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # Read-only views: a profile is shared by every session of the process.
        object.__setattr__(self, "classes", MappingProxyType(dict(self.classes)))
        object.__setattr__(self, "gl_keys", MappingProxyType(dict(self.gl_keys)))
        object.__setattr__(
            self, "classification_accounts", MappingProxyType(dict(self.classification_accounts))
        )
        object.__setattr__(self, "_by_code", MappingProxyType({a.code: a for a in self.chart}))

    # Mappings are unhashable; the code identifies a profile.
    def __hash__(self) -> int:
        return hash(self.code)

    def account(self, code: str) -> GLAccountSpec:
        """The chart account with this code (KeyError if none)."""
        return self._by_code[code]

    def gl(self, key: str) -> GLAccountSpec:
        """The account a semantic key maps to (KeyError if the key is unknown)."""
        return self._by_code[self.gl_keys[key]]

    def children(self, code: str) -> tuple[GLAccountSpec, ...]:
        return tuple(a for a in self.chart if a.parent == code)

    def bucket(self, key: str) -> ArrearsBucket:
        for b in self.arrears_buckets:
            if b.key == key:
                return b
        raise KeyError(key)

    def reserves_interest(self, bucket_key: str) -> bool:
        """Whether a loan in this arrears bucket has its interest reserved, not income."""
        if not self.reserve_interest_from or not bucket_key:
            return False
        return self.bucket(bucket_key).min_days >= self.bucket(self.reserve_interest_from).min_days

    def unset_fields(self) -> tuple[str, ...]:
        """Names of the figures no public text gave: the settings screen flags them."""
        names = [
            name
            for name in (
                "usury_rate_bp", "usury_start", "single_borrower_limit_bp", "par_watch_bp",
            )
            if getattr(self, name) is None
        ]
        names += [
            f"arrears_buckets.{b.key}.provision_rate_bp"
            for b in self.arrears_buckets
            if b.provision_rate_bp is None
        ]
        return tuple(names)



# --- building charts ---------------------------------------------------------------

CONTRA = "contra"

# Day bounds a regulation read does not fix (past 45 days at COBAC, every one at BCC)
# follow the 90/180/365/730 steps used elsewhere and are flagged as indicative.
INDICATIVE = " (bornes indicatives)"


def build_chart(rows: Iterable[tuple[str, str, str] | tuple[str, str, str, str]]) -> tuple[
    GLAccountSpec, ...
]:
    """Build a chart from (code, name, kind[, "contra"]) rows.

    The parent is the longest shorter code that prefixes this one, and an
    account is postable exactly when nothing hangs below it: deriving both
    keeps the tree and the header flags from drifting apart as the lists grow.
    """
    items = [(r[0], r[1], r[2], len(r) > 3 and r[3] == CONTRA) for r in rows]
    codes = {code for code, *_ in items}
    parents: dict[str, str | None] = {}
    for code, *_ in items:
        parents[code] = next(
            (code[:n] for n in range(len(code) - 1, 0, -1) if code[:n] in codes), None
        )
    has_children = {p for p in parents.values() if p is not None}
    return tuple(
        GLAccountSpec(code, name, kind, parents[code], code not in has_children, contra)
        for code, name, kind, contra in sorted(items, key=lambda i: i[0])
    )

