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
