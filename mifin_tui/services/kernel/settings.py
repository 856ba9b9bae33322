"""Institution settings: typed values with defaults, stored as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mifin_tui.db import write_transaction
from mifin_tui.db.models import Setting
from mifin_tui.i18n import N_, _
from mifin_tui.services.kernel import audit
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import ValidationError
from mifin_tui.services.kernel.permissions import requires

# How a backup is checked once written (admin.backup): SQLite's integrity_check or its
# quick_check; the closing's setting takes one of them.
BACKUP_CHECKS = ("full", "quick")


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: Any
    minimum: int | None = None
    maximum: int | None = None


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("idle_lock_minutes", N_("Minutes without a key before the screen locks"),
                    5, 1, 120),
        SettingSpec("max_failed_logins", N_("Failed logins before an account is locked"),
                    5, 3, 10),
        SettingSpec("weekend_days", N_("Non-working days of the week (0 = Monday)"), [5, 6]),
        SettingSpec("default_language", N_("Default language of new users"), "fr"),
        SettingSpec("document_language", N_("Language of printed documents"), "fr"),
        SettingSpec("timezone", N_("Time zone of the branch (times printed on vouchers)"),
                    "Africa/Kinshasa"),
        # Notes and coins counted at the till, in minor units, largest first.
        SettingSpec("denominations", N_("Notes and coins of each currency"), {
            "USD": [10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5, 1],
            "CDF": [2000000, 1000000, 500000, 100000, 50000, 20000, 10000, 5000, 2000, 1000,
                    500, 100],
            "XOF": [10000, 5000, 2000, 1000, 500, 250, 200, 100, 50, 25, 10, 5, 1],
            "XAF": [10000, 5000, 2000, 1000, 500, 100, 50, 25, 10, 5, 2, 1],
        }),
        # Vault <-> till transfers above this amount (minor units) wait for the gérant.
        SettingSpec("transfer_approval_limit", N_("Vault transfers above this amount need "
                                                  "the manager's approval"), {
            "USD": 500000, "CDF": 100000000, "XOF": 2000000, "XAF": 2000000,
        }),
        # Savings withdrawals above this amount (minor units) wait for the gérant.
        SettingSpec("withdrawal_approval_limit", N_("Savings withdrawals above this amount "
                                                    "need the manager's approval"), {
            "USD": 100000, "CDF": 250000000, "XOF": 500000, "XAF": 500000,
        }),
        # The printed passbook's page: A5 or A6.
        SettingSpec("passbook_format", N_("Page format of the printed passbook (A5 or A6)"),
                    "A6"),
        # Adhésion: collected at the till with a BE voucher each (minor units, per currency).
        SettingSpec("membership_fee", N_("Membership fee (frais d'adhésion) per currency"), {
            "USD": 500, "CDF": 1000000, "XOF": 2000, "XAF": 2000,
        }),
        SettingSpec("account_opening_fee", N_("Account-opening fee per currency"), {
            "USD": 200, "CDF": 500000, "XOF": 1000, "XAF": 1000,
        }),
        SettingSpec("share_capital", N_("Share capital (part sociale) a member pays up, per "
                                        "currency"), {
            "USD": 1000, "CDF": 2000000, "XOF": 5000, "XAF": 5000,
        }),
        SettingSpec("member_min_age", N_("Youngest age for an individual member"), 18, 0, 30),
        # Empty: free text. A list: the commune/province of a member must be one of them.
        SettingSpec("member_communes", N_("Communes a member's address may name (empty: any)"),
                    []),
        SettingSpec("member_provinces", N_("Provinces a member's address may name (empty: "
                                           "any)"), []),
        # The nightly closing.
        SettingSpec("closing_backup_dir", N_("Folder of the closing backups and reports "
                                             "(empty: beside the database)"), ""),
        SettingSpec("closing_backup_days", N_("Days a closing backup is kept"), 30, 1, 3650),
        # "quick" (SQLite quick_check) or "full" (integrity_check, also every index).
        SettingSpec("closing_backup_check", N_("Check of the closing backup: quick or full "
                                               "(also every index, slower)"), "quick"),
        SettingSpec("closing_batch_size", N_("Rows a closing step handles per transaction"),
                    2000, 1, 100000),
        # What a request still waiting for approval does to the closing: "block" stops it,
        # "warn" lets it run and names the request in the report.
        SettingSpec("closing_pending_approvals", N_("Pending approvals that block the "
                                                    "closing (block) or only warn (warn)"),
                    {"vault_transfer": "block", "savings_withdrawal": "warn",
                     "manual_entry": "warn"}),
        # Loans: the credit committee and the gérant's delegation.
        SettingSpec("loan_committee_size", N_("Members of the credit committee who give "
                                              "their opinion on an application"), 3, 1, 9),
        # Above this amount (minor units, per currency) the board decides, recorded by an
        # administrator; the gérant approves up to it.
        SettingSpec("loan_delegation_limit", N_("Largest loan the manager may approve, per "
                                                "currency"), {
            "USD": 200000, "CDF": 560000000, "XOF": 1000000, "XAF": 1000000,
        }),
        # Provision rates (basis points per arrears bucket key) where the regulator profile
        # leaves them to the institution; the closing's ageing applies them.
        SettingSpec("loan_provision_rates", N_("Provision rates per arrears bucket (basis "
                                               "points), where the regulator leaves them "
                                               "to the institution"), {}),
        # 1: a cashier may take loan applications too (small branches without an officer).
        SettingSpec("loan_cashier_applications", N_("Cashiers may take loan applications "
                                                    "(1 yes, 0 no)"), 0, 0, 1),
        # How the TEG is annualised (loans/engine/teg.py), among the methods the regulator
        # profile allows; empty: the profile's own (BCEAO: proportional by default).
        SettingSpec("teg_method", N_("TEG annualisation: proportional or actuarial (empty: "
                                     "the regulator profile's)"), ""),
        # 0: any loan in arrears may be written off by the gérant (write_off.py).
        SettingSpec("loan_write_off_min_days", N_("Days past due before a loan may be "
                                                  "written off"), 0, 0, 3650),
    )
}


def get(key: str) -> Any:
    spec = SPECS[key]
    row = Setting.get_or_none(Setting.key == key)
    return spec.default if row is None else json.loads(row.value)


def _validate(spec: SettingSpec, value: Any) -> None:
    if isinstance(spec.default, int):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError({spec.key: _("A whole number is expected.")})
        if (spec.minimum is not None and value < spec.minimum) or (
            spec.maximum is not None and value > spec.maximum
        ):
            raise ValidationError({spec.key: _("Between {lo} and {hi}.").format(
                lo=spec.minimum, hi=spec.maximum)})
    if spec.key in ("default_language", "document_language") and value not in ("fr", "en"):
        raise ValidationError({spec.key: _("Choose fr or en.")})
    if spec.key == "closing_pending_approvals" and (
            not isinstance(value, dict) or any(v not in ("block", "warn")
                                               for v in value.values())):
        raise ValidationError({spec.key: _("Each kind of request is block or warn.")})
    if spec.key == "passbook_format" and value not in ("A5", "A6"):
        raise ValidationError({spec.key: _("Choose A5 or A6.")})
    if spec.key == "teg_method":
        from mifin_tui.services.kernel import institution

        allowed = institution.profile_teg_methods()
        if value != "" and value not in allowed:
            raise ValidationError({spec.key: _("Choose one of {methods}, or leave empty.")
                                   .format(methods=", ".join(allowed))})
    if spec.key == "closing_backup_check" and value not in BACKUP_CHECKS:
        raise ValidationError({spec.key: _("Choose quick or full.")})


def put(key: str, value: Any) -> None:
    """Store a setting; inside the caller's transaction (used at init too)."""
    Setting.insert(key=key, value=json.dumps(value)).on_conflict_replace().execute()


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
