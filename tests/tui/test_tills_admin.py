"""The administrator sees the branch's tills and adds one by typing; bad input shows at the
fields and writes nothing."""

from __future__ import annotations

from mifin_tui.app import MifinApp
from mifin_tui.db.models import Account, AuditLog, Till
from mifin_tui.screens.cash.tills_admin import AddTillScreen, TillsScreen
from mifin_tui.services.cash.tills import VAULT_CODE
from mifin_tui.widgets import FieldError
from tests.conftest import ADMIN_PASSWORD
from tests.tui.conftest import SIZE, login, type_text


def errors(app: MifinApp) -> dict[str, str]:
    return {e.id.removeprefix("error-"): e.message
            for e in app.screen.query(FieldError) if e.id and e.message}


def rows(app: MifinApp) -> list[list[str]]:
    table = app.screen.query_one("#tills")
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_tills(pilot) -> None:
    await login(pilot, "admin", ADMIN_PASSWORD)
    await pilot.press("f6")
    await pilot.pause()


async def test_admin_sees_the_vault_and_till_c01_and_adds_c02(admin):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_tills(pilot)
        assert isinstance(app.screen, TillsScreen)
        listed = rows(app)
        assert [r[0] for r in listed] == [VAULT_CODE, "C01"]
        assert listed[0][2] == "Vault" and listed[1][2] == "Till"
        assert listed[1][3] == "CDF\nUSD"  # the BCC profile's currencies, one a line
        assert listed[1][5] == "CLOSED (free)"
        detail = lambda: str(app.screen.query_one("#detail").render())  # noqa: E731
        assert detail() == ("Vault COFFRE (Main vault): cashiers draw on it by vault "
                            "transfers.\nCash in the books: 0.00 FC · 0.00 USD.")
        await pilot.press("down")
        await pilot.pause()
        assert detail().startswith("Till C01 (Till 1): no cashier holds it.")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, AddTillScreen)
        await type_text(pilot, "C02")
        await pilot.press("enter")
        await type_text(pilot, "Caisse 2")
        await pilot.press("enter")  # -> currencies: CDF, USD
        await pilot.press("down", "space")  # tick USD
        await pilot.press("enter")  # the last field: save
        await pilot.pause()
        assert isinstance(app.screen, TillsScreen), errors(app)
        till = Till.get(Till.code == "C02")
        assert (till.name, till.kind, till.currencies, till.branch_id) == \
            ("Caisse 2", "till", "USD", admin.branch_id)
        cash = list(Account.select().where(Account.till == till))
        assert [(a.currency, a.balance) for a in cash] == [("USD", 0)]
        assert AuditLog.select().where(AuditLog.action == "till.create").count() == 1
        assert [r[0] for r in rows(app)] == [VAULT_CODE, "C01", "C02"]
        assert app.screen.query_one("#tills").cursor_row == 2  # on the new till


async def test_bad_input_shows_at_each_field_and_writes_nothing(admin):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_tills(pilot)
        before = (Till.select().count(), Account.select().count(), AuditLog.select().count())
        await pilot.press("f2")
        await pilot.pause()
        await type_text(pilot, "C01")
        await pilot.press("enter")  # no name
        await pilot.press("f2")  # and no currency
        await pilot.pause()
        assert isinstance(app.screen, AddTillScreen)
        assert errors(app) == {"name": "Required.",
                               "currencies": "Give the till's currencies (e.g. USD, CDF)."}
        assert app.screen.focused.id == "name"  # the cursor goes to the first error
        await type_text(pilot, "Caisse bis")
        await pilot.press("enter", "space")  # tick CDF
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AddTillScreen)
        assert errors(app) == {"code": "A till C01 exists already."}
        assert app.screen.focused.id == "code"
        assert (Till.select().count(), Account.select().count(),
                AuditLog.select().count()) == before
        await pilot.press("escape")  # back to the list, nothing added
        await pilot.pause()
        assert isinstance(app.screen, TillsScreen)
        assert [r[0] for r in rows(app)] == [VAULT_CODE, "C01"]


async def test_the_list_says_who_holds_each_till(admin, make_user):
    from mifin_tui.services.cash import tills

    cashier = make_user("cashier", username="mbuyi")
    tills.open_session(cashier, Till.get(Till.code == "C01").id, {})
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_tills(pilot)
        assert rows(app)[1][5] == "OPEN by mbuyi"
        await pilot.press("down")
        await pilot.pause()
        assert str(app.screen.query_one("#detail").render()).startswith(
            "Till C01 (Till 1): open by mbuyi for the day of 23/11/2026.")
