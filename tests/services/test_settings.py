"""Typed settings (#21): every setting has a schema; a value that breaks it is refused with
a message and nothing changes."""

from __future__ import annotations

import pytest

from mifin_tui.db.models import AuditLog
from mifin_tui.services.kernel import settings
from mifin_tui.services.kernel.errors import ValidationError


def test_every_setting_has_a_schema_its_default_keeps_and_a_help(admin):
    for key, spec in settings.SPECS.items():
        spec.schema.check(spec.default)  # the shipped default is valid
        assert settings.help_text(key).strip(), key


@pytest.mark.parametrize("bad", [{}, "1500", {"USD": 100_000}, {"USD": -1, "CDF": 0},
                                 {"USD": 1.5, "CDF": 0}, {"USD": 100_000, "CDF": 0, "EUR": 5},
                                 {"USD": True, "CDF": 0}, None, [100_000]])
def test_an_approval_limit_is_an_amount_per_currency_of_the_institution(admin, bad):
    before = settings.get("withdrawal_approval_limit")
    with pytest.raises(ValidationError) as err:
        settings.change(admin, "withdrawal_approval_limit", bad)
    assert err.value.errors["withdrawal_approval_limit"]
    assert settings.get("withdrawal_approval_limit") == before
    assert not AuditLog.select().where(AuditLog.action == "setting.change").exists()


def test_a_valid_change_is_stored_and_audited(admin):
    settings.change(admin, "withdrawal_approval_limit", {"USD": 50_000, "CDF": 100_000_000})
    assert settings.get("withdrawal_approval_limit") == {"USD": 50_000, "CDF": 100_000_000}
    assert AuditLog.select().where(AuditLog.action == "setting.change").count() == 1


@pytest.mark.parametrize("key, bad", [
    ("idle_lock_minutes", 0), ("idle_lock_minutes", "5"), ("weekend_days", [7]),
    ("weekend_days", [5, 5]), ("default_language", "de"), ("timezone", "Mars/Olympus"),
    ("denominations", {"USD": [100, 500], "CDF": [1000]}), ("passbook_format", "A4"),
    ("member_communes", "Gombe"), ("closing_pending_approvals", {"vault_transfer": "stop"}),
    ("loan_provision_rates", {"nope": 100}), ("loan_penalties_age", "maybe"),
    ("closing_backup_dir", 3), ("loan_cashier_applications", 2)])
def test_values_that_break_the_schema_are_refused(admin, key, bad):
    with pytest.raises(ValidationError) as err:
        settings.change(admin, key, bad)
    assert err.value.errors[key]
