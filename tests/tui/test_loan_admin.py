"""The administrator's loan settings typed as he would: a loan product (refused above the
usury rate, saved, audited) and the public holidays due dates move past."""

from __future__ import annotations

from datetime import date

from mifin_tui.app import MifinApp
from mifin_tui.db.models import AuditLog, Holiday, LoanProduct
from mifin_tui.screens.admin.holidays import AddHolidayScreen, HolidaysScreen
from mifin_tui.screens.loans.products_admin import LoanProductsScreen, ProductFormScreen
from mifin_tui.widgets import FieldError
from tests.conftest import ADMIN_PASSWORD
from tests.tui.conftest import SIZE, choose_entry, login, type_text


def errors(app: MifinApp) -> dict[str, str]:
    return {e.id.removeprefix("error-"): e.message
            for e in app.screen.query(FieldError) if e.id and e.message}


async def open_entry(pilot, app: MifinApp, entry_id: str) -> None:
    await login(pilot, "admin", ADMIN_PASSWORD)
    await choose_entry(app, pilot, entry_id)


async def test_holidays_added_and_removed(admin):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, app, "holidays")
        assert isinstance(app.screen, HolidaysScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, AddHolidayScreen)
        await type_text(pilot, "30/06/2027")
        await pilot.press("enter")
        await type_text(pilot, "Fête de l'indépendance")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HolidaysScreen), errors(app)
        assert [(h.date, h.label) for h in Holiday.select()] == [
            (date(2027, 6, 30), "Fête de l'indépendance")]
        table = app.screen.query_one("#holidays")
        assert [str(c) for c in table.get_row_at(0)] == ["30/06/2027", "Wednesday",
                                                          "Fête de l'indépendance"]
        # The same day again: refused, nothing written.
        await pilot.press("f2")
        await pilot.pause()
        await type_text(pilot, "30/06/2027")
        await pilot.press("enter")
        await type_text(pilot, "Doublon")
        await pilot.press("enter")
        await pilot.pause()
        assert errors(app) == {"form": "2027-06-30 is already a holiday."}
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("f2")  # confirm
        await pilot.pause()
        assert Holiday.select().count() == 0
        assert AuditLog.select().where(AuditLog.action.in_(
            ["holiday.add", "holiday.remove"])).count() == 2


async def test_a_product_is_refused_above_the_usury_rate_then_saved(admin):
    from mifin_tui.db.models import Institution

    # The BCEAO profile caps the TEG at 24 %; the demo admin works in FCFA.
    Institution.update(regulator="bceao", currency="XOF").execute()
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, app, "loan_products")
        assert isinstance(app.screen, LoanProductsScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ProductFormScreen)
        await type_text(pilot, "HEB")
        await pilot.press("enter")
        await type_text(pilot, "Crédit hebdomadaire")
        await pilot.press("enter", "enter", "enter")  # currency XOF, individual
        await type_text(pilot, "50000")
        await pilot.press("enter")
        await type_text(pilot, "500 000")
        await pilot.press("enter")
        await type_text(pilot, "12")
        await pilot.press("enter")
        await type_text(pilot, "52")
        await pilot.press("enter", "enter", "enter")  # weekly, annuity
        await type_text(pilot, "12")
        await pilot.press("enter")
        await type_text(pilot, "22")
        await pilot.press("enter")
        await type_text(pilot, "20")
        await pilot.press("enter", "enter", "enter", "enter", "enter")
        await type_text(pilot, "25")  # round to 25 francs
        await pilot.press("enter", "enter")  # fees in %
        await type_text(pilot, "3")  # 3 % file fees
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ProductFormScreen)
        refusal = errors(app)["rate_max_bp"]
        assert "TEG reaches" in refusal and "usury rate of 24.00%" in refusal
        assert "for 50,000 FCFA over 12 instalments at 22.00%" in refusal
        assert LoanProduct.select().count() == 0
        field = app.screen.query_one("#fee_value")
        field.focus()
        await type_text(pilot, "0")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, LoanProductsScreen), errors(app)
        product = LoanProduct.get()
        assert (product.code, product.amount_min, product.amount_max, product.rate_max_bp,
                product.rate_default_bp, product.round_to, product.fee_value) == (
            "HEB", 50_000, 500_000, 2200, 2000, 25, 0)
        assert AuditLog.select().where(AuditLog.action == "loan_product.create").count() == 1
        row = [str(c) for c in app.screen.query_one("#products").get_row_at(0)]
        assert row[0] == "HEB" and row[-1] == "active"
        await pilot.press("f8")  # retire it
        await pilot.pause()
        assert not LoanProduct.get().active
