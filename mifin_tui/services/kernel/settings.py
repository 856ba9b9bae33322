"""Institution settings: typed values with defaults, stored as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Setting
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.money import CURRENCIES
from mifin_tui.services.kernel.permissions import requires

# How a backup is checked once written (admin.backup): SQLite's integrity_check or its
# quick_check; the closing's setting takes one of them.
BACKUP_CHECKS = ("full", "quick")


# --- schemas: what a setting's value must be --------------------------------------------
# Each schema checks a value (`check` raises ValueError with the message for the user) and
# says in one sentence what it takes (`help`). A new setting picks one, or writes its own
# with the same two methods.


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _currencies() -> tuple[str, ...]:
    """The currencies the institution keeps (its regulator profile's)."""
    from mifin_tui.services.kernel import institution
    from mifin_tui.services.kernel.regulators import get_profile

    return tuple(get_profile(institution.info().regulator).currencies)


@dataclass(frozen=True)
class Whole:
    """A whole number within bounds."""

    minimum: int | None = None
    maximum: int | None = None

    def check(self, value: Any) -> None:
        if not _whole(value):
            raise ValueError(_("A whole number is expected."))
        if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum):
            raise ValueError(self.help())

    def help(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return _("A whole number between {lo} and {hi}.").format(lo=self.minimum,
                                                                     hi=self.maximum)
        if self.minimum is not None:
            return _("A whole number, {lo} or more.").format(lo=self.minimum)
        return _("A whole number.")


@dataclass(frozen=True)
class OneOf:
    """One text among fixed choices."""

    choices: tuple[str, ...]

    def check(self, value: Any) -> None:
        if value not in self.choices:
            raise ValueError(self.help())

    def help(self) -> str:
        return _("One of: {codes}.").format(codes=", ".join(self.choices))


@dataclass(frozen=True)
class Text:
    """Free text (one line)."""

    max_length: int = 200

    def check(self, value: Any) -> None:
        if not isinstance(value, str) or len(value) > self.max_length or "\n" in value:
            raise ValueError(self.help())

    def help(self) -> str:
        return _("Text of one line, {n} characters at most.").format(n=self.max_length)


@dataclass(frozen=True)
class TextList:
    """A list of texts (empty allowed)."""

    def check(self, value: Any) -> None:
        if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value):
            raise ValueError(self.help())

    def help(self) -> str:
        return _("A list of names, e.g. [\"Gombe\", \"Limete\"]; empty: any.")


@dataclass(frozen=True)
class WholeList:
    """A list of distinct whole numbers within bounds."""

    minimum: int
    maximum: int

    def check(self, value: Any) -> None:
        if (not isinstance(value, list) or not all(_whole(v) for v in value)
                or len(set(value)) != len(value)
                or any(not self.minimum <= v <= self.maximum for v in value)):
            raise ValueError(self.help())

    def help(self) -> str:
        return _("A list of distinct whole numbers between {lo} and {hi}.").format(
            lo=self.minimum, hi=self.maximum)


@dataclass(frozen=True)
class PerCurrency:
    """An amount in minor units for each currency the institution keeps."""

    minimum: int = 0

    def check(self, value: Any) -> None:
        if not isinstance(value, dict):
            raise ValueError(self.help())
        missing = [c for c in _currencies() if c not in value]
        if missing:
            raise ValueError(_("An amount is required for {currencies}.").format(
                currencies=", ".join(missing)))
        for code, amount in value.items():
            if code not in CURRENCIES:
                raise ValueError(_("{code}: not a currency code.").format(code=code))
            if not _whole(amount) or amount < self.minimum:
                raise ValueError(_("{code}: a whole number of minor units, {lo} or "
                                   "more.").format(code=code, lo=self.minimum))

    def help(self) -> str:
        return _("An amount in minor units (cents, francs) for each of {currencies}, "
                 "e.g. {{\"USD\": 100000}} for 1,000.00 USD; {lo} or more.").format(
            currencies=", ".join(_currencies()), lo=self.minimum)


@dataclass(frozen=True)
class Denominations:
    """The notes and coins of each currency: minor units, largest first."""

    def check(self, value: Any) -> None:
        if not isinstance(value, dict):
            raise ValueError(self.help())
        for code in _currencies():
            notes = value.get(code)
            if (not isinstance(notes, list) or not notes
                    or not all(_whole(v) and v > 0 for v in notes)
                    or notes != sorted(set(notes), reverse=True)):
                raise ValueError(_("{code}: the notes and coins in minor units, largest "
                                   "first, each once.").format(code=code))

    def help(self) -> str:
        return _("For each of {currencies}: the notes and coins in minor units, largest "
                 "first.").format(currencies=", ".join(_currencies()))


@dataclass(frozen=True)
class ChoiceMap:
    """Known keys, each given one of fixed choices."""

    keys: tuple[str, ...]
    choices: tuple[str, ...]

    def check(self, value: Any) -> None:
        if (not isinstance(value, dict) or set(value) - set(self.keys)
                or any(v not in self.choices for v in value.values())):
            raise ValueError(self.help())

    def help(self) -> str:
        return _("For each of {keys}: one of {choices}.").format(
            keys=", ".join(self.keys), choices=", ".join(self.choices))


@dataclass(frozen=True)
class Custom:
    """A rule of its own: `rule(value)` raises ValueError; `text` is its help."""

    rule: Callable[[Any], None]
    text: str

    def check(self, value: Any) -> None:
        self.rule(value)

    def help(self) -> str:
        return _(self.text)


Schema = Whole | OneOf | Text | TextList | WholeList | PerCurrency | Denominations | ChoiceMap \
    | Custom


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: Any
    schema: Schema


def _timezone_rule(value: Any) -> None:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except (TypeError, ValueError, KeyError, OSError):
        raise ValueError(_("Not a time zone name, e.g. Africa/Kinshasa.")) from None


def _teg_rule(value: Any) -> None:
    from mifin_tui.services.kernel import institution

    allowed = institution.profile_teg_methods()
    if value != "" and value not in allowed:
        raise ValueError(_("Choose one of {methods}, or leave empty.").format(
            methods=", ".join(allowed)))


def _provision_rule(value: Any) -> None:
    try:
        validate_provision_rates(value)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.errors.values())) from None


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("idle_lock_minutes", N_("Minutes without a key before the screen locks"),
                    5, Whole(1, 120)),
        SettingSpec("max_failed_logins", N_("Failed logins before an account is locked"),
                    5, Whole(3, 10)),
        # Each browser session is an app process of about 100 MB (mifin serve).
        SettingSpec("serve_max_sessions", N_("Browser sessions served at once (mifin serve)"),
                    4, Whole(1, 50)),
        SettingSpec("weekend_days", N_("Non-working days of the week (0 = Monday)"), [5, 6],
                    WholeList(0, 6)),
        SettingSpec("default_language", N_("Default language of new users"), "fr",
                    OneOf(("fr", "en"))),
        SettingSpec("document_language", N_("Language of printed documents"), "fr",
                    OneOf(("fr", "en"))),
        SettingSpec("timezone", N_("Time zone of the branch (times printed on vouchers)"),
                    "Africa/Kinshasa", Custom(_timezone_rule, N_(
                        "A time zone name, e.g. Africa/Kinshasa or Africa/Abidjan."))),
        # Notes and coins counted at the till, in minor units, largest first.
        SettingSpec("denominations", N_("Notes and coins of each currency"), {
            "USD": [10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5, 1],
            "CDF": [2000000, 1000000, 500000, 100000, 50000, 20000, 10000, 5000, 2000, 1000,
                    500, 100],
            "XOF": [10000, 5000, 2000, 1000, 500, 250, 200, 100, 50, 25, 10, 5, 1],
            "XAF": [10000, 5000, 2000, 1000, 500, 100, 50, 25, 10, 5, 2, 1],
        }, Denominations()),
        # Vault <-> till transfers above this amount (minor units) wait for the gérant or
        # the vault keeper (dual control of the vault, #21): 0, every transfer waits.
        SettingSpec("transfer_approval_limit", N_("Vault transfers above this amount need "
                                                  "the manager's approval"), {
            "USD": 0, "CDF": 0, "XOF": 0, "XAF": 0,
        }, PerCurrency()),
        # A count differing from the books by at most this much (minor units) is still
        # held in suspense and listed, but charged to expense (or taken to income) at once
        # instead of waiting for the gérant (cash.differences); 0: every difference waits.
        SettingSpec("cash_difference_tolerance", N_("Till and vault differences up to this "
                                                    "amount are charged at once (still "
                                                    "listed)"), {
            "USD": 0, "CDF": 0, "XOF": 0, "XAF": 0,
        }, PerCurrency()),
        # Savings withdrawals above this amount (minor units) wait for the gérant.
        SettingSpec("withdrawal_approval_limit", N_("Savings withdrawals above this amount "
                                                    "need the manager's approval"), {
            "USD": 100000, "CDF": 250000000, "XOF": 500000, "XAF": 500000,
        }, PerCurrency()),
        # The printed passbook's page: A5 or A6.
        SettingSpec("passbook_format", N_("Page format of the printed passbook (A5 or A6)"),
                    "A6", OneOf(("A5", "A6"))),
        # Adhésion: collected at the till with a BE voucher each (minor units, per currency).
        SettingSpec("membership_fee", N_("Membership fee (frais d'adhésion) per currency"), {
            "USD": 500, "CDF": 1000000, "XOF": 2000, "XAF": 2000,
        }, PerCurrency()),
        SettingSpec("account_opening_fee", N_("Account-opening fee per currency"), {
            "USD": 200, "CDF": 500000, "XOF": 1000, "XAF": 1000,
        }, PerCurrency()),
        SettingSpec("share_capital", N_("Share capital (part sociale) a member pays up, per "
                                        "currency"), {
            "USD": 1000, "CDF": 2000000, "XOF": 5000, "XAF": 5000,
        }, PerCurrency()),
        SettingSpec("member_min_age", N_("Youngest age for an individual member"), 18,
                    Whole(0, 30)),
        # Empty: free text. A list: the commune/province of a member must be one of them.
        SettingSpec("member_communes", N_("Communes a member's address may name (empty: any)"),
                    [], TextList()),
        SettingSpec("member_provinces", N_("Provinces a member's address may name (empty: "
                                           "any)"), [], TextList()),
        # The nightly closing.
        SettingSpec("closing_backup_dir", N_("Folder of the closing backups and reports "
                                             "(empty: beside the database)"), "", Text(255)),
        SettingSpec("closing_backup_days", N_("Days a closing backup is kept"), 30,
                    Whole(1, 3650)),
        # "quick" (SQLite quick_check) or "full" (integrity_check, also every index).
        SettingSpec("closing_backup_check", N_("Check of the closing backup: quick or full "
                                               "(also every index, slower)"), "quick",
                    OneOf(BACKUP_CHECKS)),
        SettingSpec("closing_batch_size", N_("Rows a closing step handles per transaction"),
                    2000, Whole(1, 100000)),
        # What a request still waiting for approval does to the closing: "block" stops it,
        # "warn" lets it run and names the request in the report.
        SettingSpec("closing_pending_approvals", N_("Pending approvals that block the "
                                                    "closing (block) or only warn (warn)"),
                    {"vault_transfer": "block", "savings_withdrawal": "warn",
                     "manual_entry": "warn"},
                    ChoiceMap(("vault_transfer", "savings_withdrawal", "manual_entry"),
                              ("block", "warn"))),
        # Loans: the credit committee and the gérant's delegation.
        SettingSpec("loan_committee_size", N_("Members of the credit committee who give "
                                              "their opinion on an application"), 3,
                    Whole(1, 9)),
        # Above this amount (minor units, per currency) the board decides, recorded by an
        # administrator; the gérant approves up to it.
        SettingSpec("loan_delegation_limit", N_("Largest loan the manager may approve, per "
                                                "currency"), {
            "USD": 200000, "CDF": 560000000, "XOF": 1000000, "XAF": 1000000,
        }, PerCurrency()),
        # Provision rates (basis points per arrears bucket key) where the regulator profile
        # leaves them to the institution; its schema is `provision_rate_fields`. `mifin
        # init` and the provision-rates screen ask for them; the closing refuses to run
        # while one is missing and a loan is late (closing.checks).
        SettingSpec("loan_provision_rates", N_("Provision rates per arrears bucket (basis "
                                               "points), where the regulator leaves them "
                                               "to the institution"), {},
                    Custom(_provision_rule, N_("For each arrears class the regulator "
                                               "leaves open: basis points, 0 to 10000."))),
        # Whether unpaid penalties alone keep a loan late: "profile" follows the regulator
        # profile's documented default (penalties_age_loans), "yes" or "no" overrides it.
        SettingSpec("loan_penalties_age", N_("Unpaid penalties make a loan late: profile "
                                             "(the regulator's reading), yes or no"),
                    "profile", OneOf(("profile", "yes", "no"))),
        # 1: a cashier may take loan applications too (small branches without an officer).
        SettingSpec("loan_cashier_applications", N_("Cashiers may take loan applications "
                                                    "(1 yes, 0 no)"), 0, Whole(0, 1)),
        # How the TEG is annualised (loans/engine/teg.py), among the methods the regulator
        # profile allows; empty: the profile's own (BCEAO: proportional by default).
        SettingSpec("teg_method", N_("TEG annualisation: proportional or actuarial (empty: "
                                     "the regulator profile's)"), "",
                    Custom(_teg_rule, N_("proportional or actuarial, among those the "
                                         "regulator profile allows; empty: its own."))),
        # 0: any loan in arrears may be written off by the gérant (write_off.py).
        SettingSpec("loan_write_off_min_days", N_("Days past due before a loan may be "
                                                  "written off"), 0, Whole(0, 3650)),
    )
}


def get(key: str) -> Any:
    spec = SPECS[key]
    row = Setting.get_or_none(Setting.key == key)
    return spec.default if row is None else json.loads(row.value)


def _validate(spec: SettingSpec, value: Any) -> None:
    try:
        spec.schema.check(value)
    except ValueError as exc:
        raise ValidationError({spec.key: str(exc)}) from None


def help_text(key: str) -> str:
    """What the setting's value must be, for the settings screen."""
    return SPECS[key].schema.help()


@dataclass(frozen=True)
class RateField:
    """One arrears bucket of the institution's profile as the rate forms show it."""

    key: str          # the bucket key, the setting's key
    label: str        # the regulator's words
    min_days: int
    max_days: int | None
    text_rate_bp: int | None  # the rate the regulator's text fixes (None: the institution's)
    source: str       # the article

    @property
    def asked(self) -> bool:
        return self.text_rate_bp is None


def provision_rate_fields(regulator: str) -> tuple[RateField, ...]:
    """The schema of loan_provision_rates for a profile: every bucket, those whose rate
    the text leaves to the institution marked `asked`."""
    from mifin_tui.services.kernel.regulators import get_profile

    return tuple(RateField(b.key, b.label, b.min_days, b.max_days, b.provision_rate_bp,
                           b.source) for b in get_profile(regulator).arrears_buckets)


def parse_rate(text: str) -> int:
    """A rate typed in percent ("25", "12.5", "12,5 %") in basis points, 0..10000."""
    from decimal import Decimal, InvalidOperation

    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError({"rate": _("A percentage is expected, e.g. 25 or 12.5.")}
                              ) from None
    bp = value * 100
    if not value.is_finite() or bp != bp.to_integral_value() or not 0 <= bp <= 10000:
        raise ValidationError({"rate": _("Between 0 and 100 %, two decimals at most.")})
    return int(bp)


def validate_provision_rates(value: Any, regulator: str | None = None) -> None:
    """A {bucket key: basis points} of the buckets whose rate the text leaves open."""
    if regulator is None:
        from mifin_tui.services.kernel import institution

        regulator = institution.info().regulator
    open_keys = {f.key for f in provision_rate_fields(regulator) if f.asked}
    if not isinstance(value, dict):
        raise ValidationError({"loan_provision_rates": _("A rate per arrears class.")})
    for key, rate in value.items():
        if key not in open_keys:
            raise ValidationError({"loan_provision_rates": _(
                "{key}: the regulator's text fixes this rate, or no such class.").format(
                key=key)})
        if not isinstance(rate, int) or isinstance(rate, bool) or not 0 <= rate <= 10000:
            raise ValidationError({"loan_provision_rates": _(
                "{key}: between 0 and 10000 basis points.").format(key=key)})


def missing_provision_rates(regulator: str) -> tuple[RateField, ...]:
    """The buckets whose rate the text leaves open and the institution has not set."""
    rates = get("loan_provision_rates") or {}
    return tuple(f for f in provision_rate_fields(regulator)
                 if f.asked and rates.get(f.key) is None)


def put(key: str, value: Any) -> None:
    """Store a setting; inside the caller's transaction (used at init too)."""
    Setting.insert(key=key, value=json.dumps(value)).on_conflict_replace().execute()


@dataclass(frozen=True)
class SettingView:
    key: str
    label: str      # msgid
    value: Any
    help: str       # what the value must be (translated)
    is_default: bool


@requires("settings.manage")
def listing(ctx: Context) -> list[SettingView]:
    """Every setting with its value and what it takes, for the settings screen."""
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    return [SettingView(key, spec.label, stored.get(key, spec.default), spec.schema.help(),
                        key not in stored) for key, spec in SPECS.items()]


def parse_typed(key: str, text: str) -> Any:
    """A value typed on the settings screen: JSON (a number, a list, {"USD": 100000}),
    or plain words for a setting that holds text."""
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        if isinstance(SPECS[key].default, str):
            return text
        raise ValidationError({key: _("Not understood: {help}").format(
            help=SPECS[key].schema.help())}) from None


@requires("settings.manage")
def change(ctx: Context, key: str, value: Any) -> None:
    if key not in SPECS:
        raise ValidationError({key: _("Unknown setting.")})
    spec = SPECS[key]
    _validate(spec, value)
    with write_transaction():
        before = get(key)
        put(key, value)
        audit.record(ctx, "setting.change", "setting", key,
                     before={"value": before}, after={"value": value})


@requires("settings.manage")
def change_provision_rates(ctx: Context, typed: dict[str, str]) -> dict[str, int]:
    """The provision rates typed on the provision-rates screen ({bucket key: percent as
    typed}), every open class required: stored (audited) in basis points, or a
    ValidationError by bucket key."""
    from mifin_tui.services.kernel import institution

    fields = [f for f in provision_rate_fields(institution.info().regulator) if f.asked]
    rates: dict[str, int] = {}
    errors: dict[str, str] = {}
    for f in fields:
        text = typed.get(f.key, "").strip()
        if not text:
            errors[f.key] = _("Required: the regulator's text leaves this rate to the "
                              "institution.")
            continue
        try:
            rates[f.key] = parse_rate(text)
        except ValidationError as exc:
            errors[f.key] = exc.errors["rate"]
    if errors:
        raise ValidationError(errors)
    change(ctx, "loan_provision_rates", rates)
    return rates
