"""Savings products: the five kinds of DOMAIN.md as configurable rows.

A new institution gets a default set for each currency of its regulator profile
(`install_defaults`, called at `mifin init`); savings accounts that have no product
yet (opened before products existed, e.g. the demo's free savings) are attached to
the free product of their currency (`adopt_accounts`). Amounts are minor units;
rates are basis points.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import peewee as pw

from mifin_tui.db import write_transaction
from mifin_tui.db.bulk import insert_rows
from mifin_tui.db.models import Account, Institution, SavingsAccount, SavingsProduct
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit, clock
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import Conflict, NotFound, ValidationError
from mifin_tui.services.kernel.money import CURRENCIES, get_currency
from mifin_tui.services.kernel.permissions import requires

FREE, SCHEDULED, BLOCKED, TONTINE, INTEREST = "free", "scheduled", "blocked", "tontine", \
    "interest"
KINDS: dict[str, str] = {
    FREE: N_("Free savings"),
    SCHEDULED: N_("Scheduled savings"),
    BLOCKED: N_("Blocked savings"),
    TONTINE: N_("Tontine"),
    INTEREST: N_("Interest-bearing savings"),
}
GL_KEYS = {FREE: "savings_free", SCHEDULED: "savings_scheduled", BLOCKED: "savings_blocked",
           TONTINE: "savings_tontine", INTEREST: "savings_interest_bearing"}
METHODS = {"min_monthly": N_("minimum monthly balance"), "daily": N_("daily balance")}
PERIODS = {"month": N_("month"), "week": N_("week")}
_PREFIX = {FREE: "LIB", SCHEDULED: "PRG", BLOCKED: "BLQ", TONTINE: "TON", INTEREST: "REM"}

# Default rules in US dollars (the COOPEC's: deposits 20 to 3,000), scaled for the
# other currencies by a rough exchange rate and kept round.
_SCALE = {"USD": 1, "CDF": 2500, "XOF": 600, "XAF": 600}
_DEFAULTS: dict[str, dict[str, Any]] = {
    FREE: dict(min_opening=10, min_balance=5, deposit_min=20, deposit_max=3000,
               withdrawal_max_per_day=2000, dormancy_months=12),
    SCHEDULED: dict(min_opening=20, min_balance=0, deposit_min=20, deposit_max=3000,
                    planned_amount=50, period="month", dormancy_months=24),
    BLOCKED: dict(min_opening=100, min_balance=0, deposit_min=20, deposit_max=3000,
                  dormancy_months=24),
    TONTINE: dict(min_opening=0, min_balance=0, deposit_min=1, deposit_max=3000,
                  planned_amount=2, cycle_days=31, commission_days=1, dormancy_months=3),
    INTEREST: dict(min_opening=100, min_balance=50, deposit_min=20, deposit_max=3000,
                   withdrawal_max_per_day=1000, withdrawal_fee=1, dormancy_months=24,
                   rate_bp=400, interest_method="min_monthly", posting_months=1),
}
_MONEY_FIELDS = ("min_opening", "min_balance", "deposit_min", "deposit_max",
                 "withdrawal_max_per_day", "withdrawal_fee", "planned_amount")
# Tax withheld on savings interest, by regulator profile (editable per product).
WITHHOLDING_BP = {"bcc": 2000, "bceao": 1500, "cobac": 1650}


@dataclass(frozen=True)
class ProductView:
    id: int
    code: str
    name: str
    kind: str
    currency: str
    min_opening: int
    min_balance: int
    deposit_min: int
    deposit_max: int
    notice_days: int
    withdrawal_max_per_day: int
    withdrawal_fee: int
    dormancy_months: int
    planned_amount: int
    period: str
    cycle_days: int
    commission_days: int
    rate_bp: int
    interest_method: str
    posting_months: int
    withholding_bp: int
    active: bool

    @property
    def kind_label(self) -> str:
        return _(KINDS[self.kind])


EDITABLE = tuple(f.name for f in fields(ProductView) if f.name not in ("id", "code", "kind",
                                                                         "currency"))


def view(p: SavingsProduct) -> ProductView:
    return ProductView(**{f.name: getattr(p, f.name) for f in fields(ProductView)})


def _default_row(kind: str, currency: str, regulator: str) -> dict[str, Any]:
    unit = _SCALE.get(currency, 1) * 10 ** get_currency(currency).decimals
    row: dict[str, Any] = {k: 0 for k in _MONEY_FIELDS}
    row.update(_DEFAULTS[kind])
    for key in _MONEY_FIELDS:
        row[key] = row[key] * unit
    if kind == INTEREST:
        row["withholding_bp"] = WITHHOLDING_BP.get(regulator, 0)
    row.update(code=f"{_PREFIX[kind]}-{currency}", kind=kind, currency=currency,
               gl_key=GL_KEYS[kind], name=f"{_(KINDS[kind])} {currency}",
               created_at=clock.now())
    return row


def install_defaults(regulator: str, currencies: tuple[str, ...]) -> int:
    """The default product set (five kinds per currency); inside the caller's transaction.

    Products already there (by code) are kept as the institution configured them.
    """
    created = 0
    for cur in currencies:
        for kind in KINDS:
            row = _default_row(kind, cur, regulator)
            if not SavingsProduct.select().where(SavingsProduct.code == row["code"]).exists():
                SavingsProduct.create(**row)
                created += 1
    adopt_accounts()
    return created


def adopt_accounts() -> int:
    """Give every savings account without a product the free product of its currency
    (its first active one). A branch imported with 200,000 accounts adopts them all at
    its first closing: read as plain rows, written in one executemany. Returns how many."""
    free = {p.currency: p.id for p in SavingsProduct.select().where(
        (SavingsProduct.kind == FREE) & SavingsProduct.active).order_by(SavingsProduct.id.desc())}
    orphans = (Account.select(Account.id, Account.currency)
               .join(SavingsAccount, on=(SavingsAccount.account == Account.id),
                     join_type=pw.JOIN.LEFT_OUTER)
               .where((Account.kind == "savings") & SavingsAccount.account.is_null())
               .order_by(Account.id).tuples())
    return insert_rows(SavingsAccount, [{"account": account_id, "product": free[currency]}
                                        for account_id, currency in orphans
                                        if currency in free])


def ensure_defaults() -> None:
    """For a database made before savings products: install them once (in a transaction)."""
    if SavingsProduct.select().exists():
        return
    inst = Institution.select().first()
    if inst is None:
        return
    from mifin_tui.services.kernel.regulators import get_profile

    install_defaults(inst.regulator, get_profile(inst.regulator).currencies)


def _upgraded_once() -> None:
    """A database upgraded to schema 5 has no products yet: install them on first use."""
    if not SavingsProduct.select().exists():
        with write_transaction():
            ensure_defaults()


def free_product(currency: str) -> SavingsProduct | None:
    _upgraded_once()
    return (SavingsProduct.select().where((SavingsProduct.kind == FREE)
                                          & (SavingsProduct.currency == currency)
                                          & SavingsProduct.active)
            .order_by(SavingsProduct.id).first())


@requires("account.read")
def list_products(ctx: Context, *, active_only: bool = False) -> list[ProductView]:
    _upgraded_once()
    query = SavingsProduct.select().order_by(SavingsProduct.currency, SavingsProduct.id)
    if active_only:
        query = query.where(SavingsProduct.active)
    return [view(p) for p in query]


@requires("savings.products")
def products_to_configure(ctx: Context) -> list[ProductView]:
    """Every product, for the administrator's screen."""
    _upgraded_once()
    return [view(p) for p in SavingsProduct.select().order_by(SavingsProduct.currency,
                                                              SavingsProduct.id)]


@requires("account.read")
def get_product(ctx: Context, product_id: int) -> ProductView:
    p = SavingsProduct.get_or_none(SavingsProduct.id == product_id)
    if p is None:
        raise NotFound(_("No savings product {id}.").format(id=product_id))
    return view(p)


def validate(values: dict[str, Any], kind: str) -> dict[str, str]:
    """Every bad field at once."""
    errors: dict[str, str] = {}
    for key in _MONEY_FIELDS + ("notice_days", "dormancy_months", "cycle_days",
                                "commission_days", "rate_bp", "withholding_bp"):
        value = values.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[key] = _("A whole number, zero or more.")
    if errors:
        return errors
    if not str(values.get("name", "")).strip():
        errors["name"] = _("Required.")
    if values["deposit_max"] and values["deposit_min"] > values["deposit_max"]:
        errors["deposit_max"] = _("The maximum deposit is below the minimum.")
    if values["min_opening"] < values["min_balance"]:
        errors["min_opening"] = _("The opening deposit must cover the minimum balance.")
    if values["rate_bp"] > 10000 or values["withholding_bp"] > 10000:
        errors["rate_bp" if values["rate_bp"] > 10000 else "withholding_bp"] = _(
            "At most 100 %.")
    if values.get("interest_method") not in METHODS:
        errors["interest_method"] = _("Minimum monthly balance or daily balance.")
    if values.get("posting_months") not in (1, 3, 6, 12):
        errors["posting_months"] = _("Every 1, 3, 6 or 12 months.")
    if values.get("period") not in PERIODS:
        errors["period"] = _("Month or week.")
    if kind == TONTINE and (values["cycle_days"] < 1 or values["planned_amount"] < 1):
        errors["cycle_days"] = _("A tontine needs a cycle length and a daily amount.")
    if kind == TONTINE and values["commission_days"] >= max(values["cycle_days"], 1):
        errors["commission_days"] = _("The commission must be shorter than the cycle.")
    if kind == INTEREST and values["rate_bp"] <= 0:
        errors["rate_bp"] = _("An interest-bearing product needs a rate.")
    return errors


@requires("savings.products")
def update_product(ctx: Context, product_id: int, changes: dict[str, Any]) -> ProductView:
    """Change a product's rules (administrator); accounts follow the new rules."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({k: _("Not a product setting.") for k in unknown})
    with write_transaction():
        p = SavingsProduct.get_or_none(SavingsProduct.id == product_id)
        if p is None:
            raise NotFound(_("No savings product {id}.").format(id=product_id))
        before = asdict(view(p))
        merged = {**before, **changes}
        errors = validate(merged, p.kind)
        if errors:
            raise ValidationError(errors)
        SavingsProduct.update(**changes).where(SavingsProduct.id == p.id).execute()
        after = asdict(view(SavingsProduct.get_by_id(p.id)))
        audit.record(ctx, "savings.product.update", "savings_product", p.code,
                     before={k: before[k] for k in changes}, after={k: after[k] for k in changes})
        return view(SavingsProduct.get_by_id(p.id))


@requires("savings.products")
def create_product(ctx: Context, code: str, kind: str, currency: str,
                   values: dict[str, Any]) -> ProductView:
    """A further product (e.g. a second interest-bearing one at another rate)."""
    code = code.strip().upper()
    errors: dict[str, str] = {}
    if not code or len(code) > 16:
        errors["code"] = _("1 to 16 characters.")
    if kind not in KINDS:
        errors["kind"] = _("Unknown kind of savings.")
    if currency not in CURRENCIES:
        errors["currency"] = _("Unknown currency {code}.").format(code=currency)
    if errors:
        raise ValidationError(errors)
    row = _default_row(kind, currency, "")
    row.update({k: v for k, v in values.items() if k in EDITABLE})
    row["code"] = code
    errors = validate(row, kind)
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        if SavingsProduct.select().where(SavingsProduct.code == code).exists():
            raise Conflict(_("A product {code} exists already.").format(code=code))
        p = SavingsProduct.create(**row)
        audit.record(ctx, "savings.product.create", "savings_product", code,
                     after={k: row[k] for k in row if k != "created_at"})
        return view(p)
