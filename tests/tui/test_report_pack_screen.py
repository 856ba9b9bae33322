"""The regulator's report pack (#20) on the reports screen at 80x24: the gérant picks the
portfolio movements, types the period, sees the table the service computes and prints it
(the PDF read back)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest
from textual.widgets import Select

from mifin_tui.app import MifinApp
from mifin_tui.db.models import User
from mifin_tui.screens.reports.reports import ReportsScreen
from mifin_tui.services.kernel import business_day
from mifin_tui.services.reports import movements, portfolio
from mifin_tui.services.reports.base import profile_of_institution
from tests.services.test_demo_history import history_users, history_world
from tests.tui.conftest import SIZE, login
from tests.tui.test_reports_screen import _open_reports

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


@pytest.fixture
def history(tmp_path, worlds) -> dict:
    """The demo with four months of loan history (its loans move between classes)."""
    return history_users(worlds.open_copy(("demo-history",), history_world,
                                           tmp_path / "mifin.db"))


async def test_movements_shown_and_printed(history, tmp_path, monkeypatch):
    User.update(language="en").execute()
    documents = tmp_path / "documents"
    monkeypatch.setenv("MIFIN_CONFIG", str(tmp_path / "workstation.toml"))
    monkeypatch.setenv("MIFIN_DOCUMENT_PRINTER", f"folder:{documents}")
    monkeypatch.chdir(tmp_path)
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "gerant", history["gerant"])
        await _open_reports(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        names = [s.name for s in screen.specs]
        assert {"prudential", "movements", "performance"} <= set(names)
        select = screen.query_one("#report", Select)
        await pilot.press("down")
        await pilot.pause()
        for _ in range(names.index("movements")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert select.value == "movements"
        day = business_day.open_date(app.ctx.branch_id)
        start = (day.replace(day=1) - timedelta(days=80)).replace(day=1)  # 3 months back
        screen.query_one("#date_from").focus()
        await pilot.press("end", *["backspace"] * 10, *start.strftime("%d/%m/%Y"))
        await pilot.press("enter")
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.table
        assert table is not None and table.name == "movements"
        lines = movements.movements(profile_of_institution(), start, day,
                                    portfolio.Filters())
        closing = sum(x.amounts["closing"] for x in lines)
        assert table.totals[8] == closing == portfolio.par(day).outstanding > 0
        assert table.totals[3] == sum(x.amounts["disbursed"] for x in lines) > 0
        assert table.totals[6] == 0  # reclassifications move between classes only
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
    printed = sorted(documents.glob("*.pdf"))
    assert len(printed) == 1
    text = subprocess.run(["pdftotext", "-layout", str(printed[0]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Portfolio movements" in text and "Reclassified" in text
