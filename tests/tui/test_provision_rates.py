"""The provision-rates screen (#20): the administrator types the rates the BCC's text
leaves to the institution; an empty one is refused at its field, the saved ones are
what the closing reads, audited; the fixed rate shows with its article."""

from __future__ import annotations

import json

from mifin_tui.app import MifinApp
from mifin_tui.db import write_transaction
from mifin_tui.db.models import AuditLog, Setting
from mifin_tui.screens.admin.provision_rates import ProvisionRatesScreen
from mifin_tui.services.kernel import settings
from mifin_tui.widgets import FieldError
from tests.conftest import ADMIN_PASSWORD
from tests.tui.conftest import SIZE, choose_entry, login, type_text


def errors(app: MifinApp) -> dict[str, str]:
    return {e.id.removeprefix("error-"): e.message
            for e in app.screen.query(FieldError) if e.id and e.message}


async def test_the_rates_the_text_leaves_open_are_asked_and_saved(admin):
    with write_transaction():
        settings.put("loan_provision_rates", {})
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        await choose_entry(app, pilot, "provision_rates")
        assert isinstance(app.screen, ProvisionRatesScreen)
        fixed = [str(w.render()) for w in app.screen.query("Static")
                 if (w.id or "").startswith("fixed-")]
        assert fixed == ["Crédits sains (à jour) (0-0 days): 0 % "
                         "(Instruction n° 003 BCC, art. 2 et 3)"]
        # Three of four typed: the fourth is refused at its field, nothing stored.
        for text in ("5", "25", "50"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("f2")
        await pilot.pause()
        assert list(errors(app)) == ["irrecuperable"]
        assert json.loads(Setting.get(Setting.key == "loan_provision_rates").value) == {}
        await type_text(pilot, "100")
        await pilot.press("enter")  # the last field submits
        await pilot.pause()
        assert not isinstance(app.screen, ProvisionRatesScreen), errors(app)
    assert settings.get("loan_provision_rates") == {
        "impaye": 500, "douteux": 2500, "contentieux": 5000, "irrecuperable": 10000}
    assert settings.missing_provision_rates("bcc") == ()
    audit = AuditLog.get(AuditLog.action == "setting.change")
    assert audit.entity_id == "loan_provision_rates" and audit.username == "admin"


async def test_the_settings_screen_shows_the_help_and_refuses_a_broken_limit(admin):
    """#21: `{}` as the withdrawal limit would remove the gérant's approval: refused at the
    field with the schema's message; a valid value is confirmed, then saved."""
    from mifin_tui.screens.admin.settings import SettingsScreen
    from mifin_tui.screens.common.dialogs import ConfirmDialog

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        await choose_entry(app, pilot, "settings")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        row = [s.key for s in screen.rows].index("withdrawal_approval_limit")
        await pilot.press(*["down"] * row, "f3")
        await pilot.pause()
        help_text = str(screen.query_one("#setting-help").render())
        assert "for each of" in help_text and "USD" in help_text and "CDF" in help_text
        screen.query_one("#value").value = "{}"
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert "required for" in errors(app)["value"]
        screen.query_one("#value").value = "un million"  # words where numbers are due
        await pilot.press("f2")
        await pilot.pause()
        assert "Not understood" in errors(app)["value"]
        assert settings.get("withdrawal_approval_limit")["USD"] == 100_000
        screen.query_one("#value").value = '{"USD": 50000, "CDF": 100000000}'
        await pilot.press("f2", "enter")
        await pilot.pause()
    assert settings.get("withdrawal_approval_limit") == {"USD": 50_000, "CDF": 100_000_000}
    assert AuditLog.select().where(AuditLog.action == "setting.change").count() == 1
