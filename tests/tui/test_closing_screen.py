"""The gérant closes the day from his menu: F12, the checks, F2 and a confirmation, the
progress in a worker, the report on screen, its PDF beside the backups and on the
document printer (read back with pdftotext)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mifin_tui.app import MifinApp
from mifin_tui.db.models import BusinessDay, TransferRequest, User
from mifin_tui.demo import closing as demo_closing
from mifin_tui.screens.closing.close_day import ClosingScreen
from mifin_tui.screens.common.dialogs import ConfirmDialog
from mifin_tui.services.cash import tills, transfers
from mifin_tui.services.closing import nightly as closing
from mifin_tui.services.kernel import auth, business_day
from tests.tui.conftest import SIZE, login, open_tills

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def screen_text(app: MifinApp) -> str:
    return "\n".join(str(app.screen.query_one(f"#{i}").render())
                     for i in ("closing-day", "closing-status", "closing-text"))


def close_quietly(user) -> None:
    ctx = auth.login(user.username, user.password)
    till = next(t for t in tills.list_tills(ctx) if t.id == tills.my_session(ctx).till_id)
    tills.close_session(ctx, {cur: tills.breakdown(till.balances.get(cur, 0), cur)
                              for cur in till.currencies})


async def test_the_manager_closes_the_day_from_his_menu(demo_db, db_path, tmp_path,
                                                        monkeypatch):
    *_rest, demo = demo_db
    User.update(language="en").execute()
    documents = tmp_path / "documents"
    monkeypatch.setenv("MIFIN_CONFIG", str(tmp_path / "workstation.toml"))
    monkeypatch.setenv("MIFIN_DOCUMENT_PRINTER", f"folder:{documents}")
    users = {u.username: u for u in demo.users}
    open_tills(users)  # the cashiers open their tills for the day, closed when it began
    gerant = users["gerant"]
    manager = auth.login(gerant.username, gerant.password)
    day = business_day.open_date(manager.branch_id)
    past = closing.history(manager)
    assert len(past) >= 5 and all(status == "done" for _d, status in past)  # the demo's

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, gerant.username, gerant.password)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, ClosingScreen)
        text = screen_text(app)
        assert f"Business day to close: {day.strftime('%d/%m/%Y')}" in text
        assert "The closing cannot start yet:" in text
        assert "BLOCKING: Till C01 is still open" in text
        assert "BLOCKING: The vault was not counted today." in text
        assert "what to do: The cashier counts his till and closes it" in text
        await pilot.press("f2")  # refused while a check blocks: nothing happens
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert BusinessDay.get(BusinessDay.date == day).status == "open"

        # the cashiers count and close their tills, the gérant decides what waits
        close_quietly(users["caissier1"])
        close_quietly(users["caissier2"])
        for waiting in TransferRequest.select().where(TransferRequest.status == "pending"):
            transfers.reject(manager, waiting.id, "Tomorrow")
        # the head cashier counts the vault, the gérant confirms it (as the demo's days)
        head = users["caissier1"]
        demo_closing.count_vault(auth.login(head.username, head.password), manager)
        await pilot.press("f5")
        await pilot.pause()
        assert "All checks pass. F2 closes the day." in screen_text(app)

        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "cashiers cannot post on this day" in str(
            app.screen.query_one("#confirm-lines").render())
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ClosingScreen)
        text = screen_text(app)
        nxt = business_day.open_date(manager.branch_id)
        assert f"Day {day.strftime('%d/%m/%Y')} closed; business day " \
               f"{nxt.strftime('%d/%m/%Y')} is open." in text
        assert "11. Backup of the database: DONE" in text
        assert "Closing report: " in text
        assert app.status.business_date == nxt

        await pilot.press("f6")  # print the report on the document printer
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert BusinessDay.get(BusinessDay.date == day).status == "closed"
    assert nxt > day
    folder = db_path.parent / f"{db_path.stem}-closing"
    saved = folder / f"KIN-{day.isoformat()}-closing.pdf"
    text = pdf_text(saved)
    assert "Rapport de clôture" in text  # the document language of the demo: French
    assert day.strftime("%d/%m/%Y") in text and nxt.strftime("%d/%m/%Y") in text
    assert f"KIN-{day.isoformat()}.db" in text
    [printed] = sorted(documents.glob("*.pdf"))
    assert "Rapport de clôture" in pdf_text(printed)
    # the demo's past days were closed the same way: their backups are there
    assert len(list(folder.glob("KIN-*.db"))) == len(past) + 1
