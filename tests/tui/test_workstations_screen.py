"""The workstations screen (#23): the administrator adds the desk of a remote cashier
with its printers, keys only; a wrong address is refused at its field."""

from __future__ import annotations

from mifin_tui.app import MifinApp
from mifin_tui.screens.admin.workstations import WorkstationFormScreen, WorkstationsScreen
from mifin_tui.services.admin import workstations
from mifin_tui.widgets import FieldError
from tests.conftest import ADMIN_PASSWORD
from tests.tui.conftest import SIZE, choose_entry, login, type_text


def errors(app: MifinApp) -> dict[str, str]:
    return {e.id.removeprefix("error-"): e.message
            for e in app.screen.query(FieldError) if e.id and e.message}


async def test_the_administrator_adds_a_desk_that_prints_through_its_terminal(
        admin, monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.0.3.22 50522 10.0.3.1 22")
    monkeypatch.delenv("MIFIN_WORKSTATION", raising=False)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        await choose_entry(app, pilot, "workstations")
        assert isinstance(app.screen, WorkstationsScreen)
        session = str(app.screen.query_one("#session").render())
        assert "10.0.3.22" in session and "matches no workstation" in session
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, WorkstationFormScreen)
        await type_text(pilot, "guichet-2")
        await pilot.press("enter")
        await type_text(pilot, "10.0.3")  # a typo: refused at its field
        await pilot.press("enter")
        await type_text(pilot, "Counter 2")
        await pilot.press("enter")
        # the receipt printer's kind: down to the terminal's printer (the 4th)
        await pilot.press("space", "down", "down", "down", "enter")
        await pilot.press("enter")  # its kind chosen: on to the queue
        await pilot.press("enter")  # no queue for the terminal
        await pilot.press("space", "up", "enter")  # a 58 mm roll
        await pilot.press("enter")
        await pilot.press("space", "down", "enter")  # documents: PDF files in a folder
        await pilot.press("f2")
        await pilot.pause()
        assert list(errors(app)) == ["address"]
        assert workstations.list_workstations() == []
        assert app.screen.focused.id == "address"  # the cursor is back on it
        await pilot.press("end")
        await type_text(pilot, ".22")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, WorkstationsScreen), errors(app)
        session = str(app.screen.query_one("#session").render())
        assert "is workstation GUICHET-2" in session
        # F6: a test slip for the desk; this (headless) session has no terminal to print on
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        detail = str(app.screen.query_one("#detail").render())
        assert "Test page on GUICHET-2: Not printed: This session has no terminal" in detail
    [desk] = workstations.list_workstations()
    assert (desk.name, desk.address, desk.location) == ("GUICHET-2", "10.0.3.22", "Counter 2")
    assert (desk.receipt_kind, desk.paper_mm, desk.document_kind) == ("terminal", 58, "folder")
