"""The loan simulator as a cashier uses it: type the terms, the schedule follows, F2 prints
it on A4 (read back with pdftotext); a product fills the terms and enforces its limits."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from textual.widgets import DataTable

from mifin_tui.app import MifinApp
from mifin_tui.screens.loans.simulator import DEBOUNCE, SimulatorScreen
from tests.conftest import PASSWORD
from tests.tui.conftest import SIZE, choose_entry, login, type_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


async def open_simulator(pilot, app: MifinApp, username: str) -> None:
    await login(pilot, username, PASSWORD)
    await choose_entry(app, pilot, "loan_simulator")
    assert isinstance(app.screen, SimulatorScreen)


async def settle(pilot) -> None:
    await pilot.pause(DEBOUNCE + 0.2)
    await pilot.pause()


def table_rows(app: MifinApp) -> list[list[str]]:
    table = app.screen.query_one("#schedule", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_typing_terms_shows_the_schedule_and_f2_prints_it(admin, make_user, tmp_path,
                                                                monkeypatch):
    documents = tmp_path / "documents"
    monkeypatch.setenv("MIFIN_DOCUMENT_PRINTER", f"folder:{documents}")
    monkeypatch.setenv("MIFIN_CONFIG", str(tmp_path / "ws.toml"))
    make_user("cashier", username="kabila")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_simulator(pilot, app, "kabila")
        screen = app.screen
        await pilot.press("enter")  # product: by hand -> amount
        await type_text(pilot, "1200")
        await pilot.press("enter", "enter")  # currency USD (the institution's)
        await pilot.press(*["backspace"] * 2)
        await type_text(pilot, "12")  # rate 12 %
        await pilot.press("enter", *["backspace"] * 2)
        await type_text(pilot, "4")  # 4 instalments
        await pilot.press("enter")
        # frequency: weekly -> monthly (the third choice)
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        assert str(screen.query_one("#frequency").value) == "monthly"
        await pilot.press("enter")
        # method: equal principal (the second choice)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert screen.error == "", {n: screen.query_one(f"#{n}").value for n in (
            "amount", "currency", "rate", "term", "frequency", "method")}
        rows = table_rows(app)
        assert [r[2:4] for r in rows[:4]] == [["300.00", "12.00"], ["300.00", "9.00"],
                                             ["300.00", "6.00"], ["300.00", "3.00"]]
        assert rows[-1][1:6] == ["Totals", "1,200.00", "30.00", "0.00", "1,230.00"]
        summary = str(screen.query_one("#sim-summary").render())
        assert "TEG 12.00 % (proportional)" in summary
        # A bad rate: the error shows, the last schedule stays. (A field selects its text
        # when it gets the focus: typing replaces it.)
        screen.query_one("#rate").focus()
        await type_text(pilot, "x")
        await settle(pilot)
        assert "Rate" in screen.error
        assert len(table_rows(app)) == 5
        await pilot.press("backspace", "1", "2")
        await settle(pilot)
        assert screen.error == ""
        await pilot.press("f2")
        for _i in range(50):
            await pilot.pause(0.1)
            if screen.print_outcome is not None:
                break
        assert screen.print_outcome is not None and screen.print_outcome.ok, \
            screen.print_outcome
        pdf = next(Path(documents).glob("*.pdf"))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "Repayment schedule" in text and "SIMULATION" in text
        assert "1,230.00" in text and "12.00 % (proportional)" in text
        assert "Printed by User kabila" in text


async def test_a_product_fills_the_terms_and_its_limits_hold(admin, make_user):
    import dataclasses

    from mifin_tui.services.loans import products as loan_products
    from tests.services.test_loan_products import WEEKLY

    loan_products.create(admin, dataclasses.replace(WEEKLY, code="H1"))
    make_user("loan_officer", username="mbala")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_simulator(pilot, app, "mbala")
        screen = app.screen
        await pilot.press("down", "down", "enter")  # the product H1
        await settle(pilot)
        assert screen.product is not None and screen.product.code == "H1"
        assert screen.query_one("#term").value == "12"
        assert screen.error == ""
        assert len(table_rows(app)) == 13  # 12 instalments and the totals
        assert "Fees at disbursement 6.00 USD" in str(screen.query_one("#sim-summary")
                                                        .render())
        screen.query_one("#term").focus()
        await type_text(pilot, "99")
        await settle(pilot)
        assert "between 12 and 52" in screen.error


async def test_a_seasonal_plan_with_dates_typed_and_a_long_table_pages(admin, make_user):
    make_user("manager", username="gerant")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_simulator(pilot, app, "gerant")
        screen = app.screen
        await pilot.press("enter")
        await type_text(pilot, "2000")
        await pilot.press("enter", "enter", "enter")  # USD, rate 24 kept
        await type_text(pilot, "2")
        await pilot.press("enter", "down", "down", "down", "down", "enter")  # seasonal
        await pilot.pause()
        assert str(screen.query_one("#frequency").value) == "seasonal"
        await settle(pilot)
        assert "one due date per instalment" in screen.error
        screen.query_one("#due_dates").focus()
        await pilot.pause()
        await type_text(pilot, "01/06/2027 01/09/2027")
        await settle(pilot)
        assert screen.error == ""
        assert [r[1] for r in table_rows(app)[:2]] == ["01/06/2027", "01/09/2027"]
        # Back to weekly over two years: 104 rows, Page Down moves through them.
        screen.query_one("#due_dates").focus()
        await pilot.pause()
        await pilot.press("end", *["backspace"] * 21)  # the dates go
        screen.query_one("#term").focus()
        await pilot.pause()
        await pilot.press("end", "backspace", "backspace")
        await type_text(pilot, "104")
        screen.query_one("#frequency").focus()
        await pilot.pause()
        await pilot.press("down", "up", "up", "up", "enter")  # weekly, the first choice
        await settle(pilot)
        assert screen.error == "" and len(table_rows(app)) == 105
        table = screen.query_one("#schedule")
        await pilot.press("pagedown")
        await pilot.pause()
        assert table.cursor_row > 0 or table.scroll_y > 0
