"""The accountant's reports screen on the demo institution: choose the trial balance,
type the period, see the table, print it (PDF read back) and export it to XLSX."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from textual.widgets import OptionList, Select

from mifin_tui.app import MifinApp
from mifin_tui.db.models import User
from mifin_tui.screens.reports.reports import ReportsScreen
from mifin_tui.services.accounting import reports as accounting_reports
from mifin_tui.widgets import PagedTable
from tests.tui.conftest import SIZE, login, type_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


async def _open_reports(app: MifinApp, pilot) -> None:
    menu = app.screen.query_one("#menu", OptionList)
    for _ in range(menu.option_count):
        if menu.highlighted is not None and \
                menu.get_option_at_index(menu.highlighted).id == "reports":
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def test_trial_balance_shown_printed_and_exported(demo_db, tmp_path, monkeypatch):
    *_rest, demo = demo_db
    User.update(language="en").execute()
    documents = tmp_path / "documents"
    monkeypatch.setenv("MIFIN_CONFIG", str(tmp_path / "workstation.toml"))
    monkeypatch.setenv("MIFIN_DOCUMENT_PRINTER", f"folder:{documents}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    exports = tmp_path / "data" / "mifin" / "exports"
    user = next(u for u in demo.users if u.username == "comptable")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, user.username, user.password)
        await _open_reports(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        names = [s.name for s in screen.specs]
        assert names[:1] == ["cash-journal"] and "trial-balance" in names
        # Choose the trial balance in the list: Down opens it, Down again moves, Enter.
        select = screen.query_one("#report", Select)
        await pilot.press("down")
        await pilot.pause()
        for _ in range(names.index("trial-balance")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert select.value == "trial-balance"
        assert not screen.query_one("#row-account").display  # not this report's
        day = app.ctx and demo.business_date
        screen.query_one("#date_from").focus()
        await pilot.press("end", *["backspace"] * 10, *f"01/{day.month:02d}/{day.year}")
        await pilot.press("enter")  # to the next field
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.table
        assert table is not None and table.name == "trial-balance"
        expected = accounting_reports.trial_balance(
            app.ctx, day.replace(day=1), day)
        assert table.totals == expected.totals
        assert table.totals[4] == table.totals[5] > 0
        paged = screen.query_one(PagedTable)
        assert paged.row_count == len(table.rows) + 1  # and the totals
        summary = str(screen.query_one("#report-summary").render())
        assert "Debit and credit totals are equal." in summary

        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Saved as" in str(screen.query_one("#report-result").render())

        screen.query_one("#output").focus()
        await type_text(pilot, "../balance")  # a path: refused, nothing written
        await pilot.press("f8")
        await pilot.pause()
        assert "A file name only" in str(screen.query_one("#error-form").render())
        assert not (tmp_path / "data" / "mifin" / "balance.xlsx").exists()
        screen.query_one("#output").value = "balance"
        await pilot.press("f8")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Written" in str(screen.query_one("#report-result").render())
        written = exports / "balance.xlsx"
        assert written.stat().st_mode & 0o777 == 0o600
        assert exports.stat().st_mode & 0o777 == 0o700
        # The same name again: asked; Escape keeps the file, F2 replaces it.
        written.write_bytes(b"kept")
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert written.read_bytes() == b"kept"
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Written" in str(screen.query_one("#report-result").render())

    printed = sorted(documents.glob("*.pdf"))
    assert len(printed) == 1
    text = subprocess.run(["pdftotext", "-layout", str(printed[0]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Trial balance" in text and "Page 1 /" in text
    assert f"From 01/{day.month:02d}/{day.year}" in text
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(exports / "balance.xlsx").active
    assert sheet["A3"].value == "Trial balance"


async def test_a_cashier_sees_only_his_reports(demo_db):
    cashier, _ctx, _member, demo = demo_db
    from mifin_tui.services.reports import registry as report_registry

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, cashier.username, cashier.password)
        # the cash journal, and the statement of an account he may look up
        assert [s.name for s in report_registry.available(app.ctx)] == ["cash-journal",
                                                                         "statement"]
        menu = app.screen.query_one("#menu", OptionList)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        assert "reports" not in ids


async def test_a_100000_line_report_shows_one_page_at_a_time(demo_db):
    """The screen hands the table 100 lines, then the next 100 as the cursor goes down."""
    from mifin_tui.services.reports.table import MONEY, TEXT, Column, ReportTable

    *_rest, demo = demo_db
    user = next(u for u in demo.users if u.username == "comptable")
    big = ReportTable(name="journal", title="Big", subtitle="", rows=[
        (f"OD-{n:06d}", n * 100) for n in range(100_000)],
        columns=(Column("ref", "Reference", TEXT), Column("amount", "Amount", MONEY, "USD")),
        printed_at=None, language="en")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, user.username, user.password)
        await _open_reports(app, pilot)
        screen = app.screen
        screen.table = big
        screen._show_table()
        await pilot.pause()
        paged = screen.query_one(PagedTable)
        assert paged.row_count == PagedTable.PAGE_SIZE
        paged.focus()
        await pilot.press(*["down"] * PagedTable.PAGE_SIZE)
        await pilot.pause()
        assert paged.row_count == 2 * PagedTable.PAGE_SIZE
