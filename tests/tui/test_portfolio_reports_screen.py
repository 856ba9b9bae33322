"""The gérant's portfolio reports on the reports screen: choose PAR, see the figures the
service computes, print them (PDF read back)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from textual.widgets import Select

from mifin_tui.app import MifinApp
from mifin_tui.db.models import User
from mifin_tui.screens.reports import ReportsScreen
from mifin_tui.services import portfolio
from tests.tui.conftest import SIZE, login
from tests.tui.test_reports_screen import _open_reports

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


async def test_par_shown_and_printed_for_the_manager(demo_db, tmp_path, monkeypatch):
    *_rest, demo = demo_db
    User.update(language="en").execute()
    documents = tmp_path / "documents"
    monkeypatch.setenv("MIFIN_CONFIG", str(tmp_path / "workstation.toml"))
    monkeypatch.setenv("MIFIN_DOCUMENT_PRINTER", f"folder:{documents}")
    monkeypatch.chdir(tmp_path)
    user = next(u for u in demo.users if u.username == "gerant")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, user.username, user.password)
        await _open_reports(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        names = [s.name for s in screen.specs]
        assert {"portfolio", "par", "classification", "arrears"} <= set(names)
        select = screen.query_one("#report", Select)
        await pilot.press("down")
        await pilot.pause()
        for _ in range(names.index("par")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert select.value == "par"
        for name in ("date", "branch", "product", "officer", "zone"):
            assert screen.query_one(f"#row-{name}").display, name
        assert not screen.query_one("#row-account").display
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.table
        assert table is not None and table.name == "par"
        s = portfolio.par(demo.business_date)
        assert s.outstanding > 0
        assert [r[2] for r in table.rows[:3]] == [s.at_risk[k] for k in portfolio.PAR_LEVELS]
        assert {r[3] for r in table.rows[:3]} == {s.outstanding}

        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
    printed = sorted(documents.glob("*.pdf"))
    assert len(printed) == 1
    text = subprocess.run(["pdftotext", "-layout", str(printed[0]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Portfolio at risk" in text and "PAR30 (more than 30 days)" in text
