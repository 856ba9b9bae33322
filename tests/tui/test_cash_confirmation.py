"""The last step of every cash operation (ConfirmCashScreen), the workstation's printer
settings, the counter's menu keys, and a session ended by an administrator's lock."""

from __future__ import annotations

import shutil
import subprocess
import tomllib

import pytest

from mifin_tui import menu
from mifin_tui.app import MifinApp
from mifin_tui.db.models import Account, User, Voucher
from mifin_tui.screens.admin.printer_settings import PrinterSettingsScreen
from mifin_tui.screens.cash.confirm import ConfirmCashScreen
from mifin_tui.screens.session.login import LoginScreen
from mifin_tui.services.admin import users
from mifin_tui.services.cash import counter as cash
from mifin_tui.services.cash import tills
from mifin_tui.services.kernel import accounts, auth
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.permissions import ROLE_PERMISSIONS
from mifin_tui.widgets import FieldError
from tests.tui.conftest import SIZE, choose_entry, login, open_tills, sign, type_text


@pytest.fixture
def cashier(demo_db, tmp_path, monkeypatch):
    user, ctx, member, demo = demo_db
    User.update(language="en").execute()
    monkeypatch.setenv("MIFIN_CONFIG", str(tmp_path / "workstation.toml"))
    monkeypatch.setenv("MIFIN_RECEIPT_PRINTER", f"folder:{tmp_path / 'receipts'}")
    monkeypatch.setenv("MIFIN_DOCUMENT_PRINTER", f"folder:{tmp_path / 'documents'}")
    open_tills({u.username: u for u in demo.users})  # the day begins with them closed
    till = tills.my_session(ctx)
    held = next(t for t in tills.list_tills(ctx) if t.id == till.till_id).currencies
    account = next(a for a in accounts.member_accounts(ctx, member.id)
                   if a.currency in held and a.status == "active")
    return {"user": user, "ctx": ctx, "account": account, "demo": demo,
            "receipts": tmp_path / "receipts"}


async def confirm_deposit(app: MifinApp, pilot, c, amount: int) -> ConfirmCashScreen:
    """What a deposit screen does at its end: preview, then the confirmation dialog."""
    ctx = app.ctx
    preview = cash.preview(ctx, "in", c["account"].id, amount)
    dialog = ConfirmCashScreen(preview, post=lambda: cash.cash_in(
        ctx, c["account"].id, amount, party_name="Depositor Test", purpose="Savings"))
    await app.push_screen(dialog)
    await pilot.pause()
    return dialog


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils)")
async def test_confirmation_shows_what_will_be_posted_then_posts_and_prints(cashier):
    c = cashier
    before = Account.get_by_id(c["account"].id).balance
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, c["user"].username, c["user"].password)
        dialog = await confirm_deposit(app, pilot, c, 12_500)
        shown = str(dialog.query_one("#cash-preview").render())
        assert c["account"].number in shown and "Balance after" in shown
        assert "Ledger lines" in shown
        await pilot.press("escape")  # back: nothing posted
        await pilot.pause()
        assert Account.get_by_id(c["account"].id).balance == before

        dialog = await confirm_deposit(app, pilot, c, 12_500)
        await pilot.press("f2")  # no password: nothing is posted, the window stays
        await pilot.pause()
        assert isinstance(app.screen, ConfirmCashScreen)
        await sign(pilot, "not-my-password")  # a wrong one is refused at the field
        assert isinstance(app.screen, ConfirmCashScreen)
        assert "Wrong" in str(dialog.query_one("#error-actor-password").render())
        assert Account.get_by_id(c["account"].id).balance == before
        await pilot.pause(1.2)  # a failed try makes the next one wait a second (auth)
        await sign(pilot, c["user"].password)  # the cashier's own: posted
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmCashScreen)

    assert Account.get_by_id(c["account"].id).balance == before + 12_500
    voucher = Voucher.select().where(Voucher.client_account == c["account"].id).order_by(
        Voucher.txn.desc()).first()
    assert voucher.series == "BE" and voucher.amount == 12_500
    [pdf] = sorted(c["receipts"].glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert voucher.number in text and "Depositor Test" in text


async def test_a_printer_failure_keeps_the_posting_and_says_it_can_be_reprinted(
        cashier, monkeypatch):
    c = cashier
    monkeypatch.setenv("MIFIN_RECEIPT_PRINTER", "cups:NO_SUCH_QUEUE")
    before = Account.get_by_id(c["account"].id).balance
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, c["user"].username, c["user"].password)
        await confirm_deposit(app, pilot, c, 7_000)
        await sign(pilot, c["user"].password)
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert Account.get_by_id(c["account"].id).balance == before + 7_000
    assert any("is posted" in m and "reprinted" in m for m in messages), messages


async def test_printer_settings_refuse_a_queue_that_is_not_there_then_save(cashier,
                                                                            tmp_path):
    c = cashier
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, c["user"].username, c["user"].password)
        await choose_entry(app, pilot, "printer_settings")  # arrows to it in the menu
        assert isinstance(app.screen, PrinterSettingsScreen)
        await pilot.press("down", "up", "enter")  # receipt printer: a CUPS queue
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert "queue name is required" in error_at(app, "receipt_target")

        await type_text(pilot, "NO_SUCH_QUEUE")
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert error_at(app, "receipt_target")  # CUPS says no (or is not running)
        assert not (tmp_path / "workstation.toml").exists()

        await pilot.press("shift+tab", "down", "down", "enter")  # PDF files in a folder
        await pilot.press("tab", *["backspace"] * len("NO_SUCH_QUEUE"))
        await type_text(pilot, str(tmp_path / "pdf"))
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert error_at(app, "receipt_target") == ""
    saved = tomllib.loads((tmp_path / "workstation.toml").read_text())
    assert saved["receipt_printer"] == {"kind": "folder", "target": str(tmp_path / "pdf"),
                                        "paper_mm": 80}


def error_at(app: MifinApp, field_id: str) -> str:
    return app.screen.query_one(f"#error-{field_id}", FieldError).message


def test_each_role_has_distinct_menu_keys_and_never_f3(db_path):
    # db_path: a cashier's loan applications depend on a setting (permissions.CONDITIONAL)
    for role, permissions in ROLE_PERMISSIONS.items():
        ctx = Context(user_id=1, username="x", full_name="X", roles=frozenset({role}),
                      branch_id=1, branch_code="KIN", permissions=permissions)
        entries = menu.entries_for(ctx)
        keys = [e.key for e in entries if e.key]
        assert len(keys) == len(set(keys)), (role, keys)
        assert "f3" not in keys
        # Status, title, footer and the group headings leave 21 lines for the menu: the
        # entries it shows, their groups' headings, and "Other screens" for the rest.
        shown = [e for e in entries if e.main]
        others = 1 if len(shown) < len(entries) else 0
        assert len(shown) + len({e.group for e in shown}) + others <= 21, role


async def test_a_user_locked_by_the_administrator_is_logged_out(cashier):
    c = cashier
    admin = next(u for u in c["demo"].users if u.username == "admin")
    app = MifinApp(idle_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, c["user"].username, c["user"].password)
        users.lock_user(auth.login(admin.username, admin.password), c["user"].username)
        app.check_idle_lock()  # the periodic tick
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and app.ctx is None
        assert "locked" in str(app.screen.query_one("#error-password").render())
