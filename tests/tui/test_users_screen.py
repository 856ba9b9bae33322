"""The administrator adds a user by typing; bad input shows at the fields, writes nothing."""

from __future__ import annotations

from mifin_tui.app import MifinApp
from mifin_tui.db.models import AuditLog
from mifin_tui.screens.admin.user_form import AddUserScreen
from mifin_tui.screens.admin.users import UsersScreen
from mifin_tui.services.admin import users
from mifin_tui.services.kernel import auth
from mifin_tui.widgets import FieldError
from tests.conftest import ADMIN_PASSWORD
from tests.tui.conftest import SIZE, login, type_text


def errors(app: MifinApp) -> dict[str, str]:
    return {e.id.removeprefix("error-"): e.message
            for e in app.screen.query(FieldError) if e.id and e.message}


async def open_add_form(pilot) -> None:
    await login(pilot, "admin", ADMIN_PASSWORD)
    await pilot.press("f7")
    await pilot.pause()
    await pilot.press("f2")
    await pilot.pause()


async def test_admin_adds_a_user_with_the_keyboard(admin):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_add_form(pilot)
        assert isinstance(app.screen, AddUserScreen)
        await type_text(pilot, "mbuyi")
        await pilot.press("enter")
        await type_text(pilot, "Mbuyi Kalala")
        await pilot.press("enter")
        await type_text(pilot, "Temp-pass-2026")
        await pilot.press("enter")  # -> language
        await pilot.press("down", "down", "enter")  # open the list, English, choose
        await pilot.press("enter")  # -> roles
        await pilot.press("space", "down", "space")  # cashier, loan officer
        await pilot.press("enter")  # the last field: save
        await pilot.pause()
        assert isinstance(app.screen, UsersScreen), errors(app)
        added = {u.username: u for u in users.list_users(admin)}["mbuyi"]
        assert added.full_name == "Mbuyi Kalala"
        assert added.roles == ("cashier", "loan_officer")
        assert added.language == "en"
        assert auth.login("mbuyi", "Temp-pass-2026").username == "mbuyi"


async def test_bad_input_shows_at_each_field_and_writes_nothing(admin):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_add_form(pilot)
        audit_rows = AuditLog.select().count()
        await type_text(pilot, "9x")
        await pilot.press("enter", "enter")  # no full name
        await type_text(pilot, "short")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, AddUserScreen)
        assert set(errors(app)) == {"username", "full_name", "password", "roles"}
        assert "10 characters" in errors(app)["password"]
        assert app.screen.focused.id == "username"  # the cursor goes to the first error
        assert [u.username for u in users.list_users(admin)] == ["admin"]
        assert AuditLog.select().count() == audit_rows


async def test_lock_and_unlock_from_the_list(admin, make_user):
    make_user("cashier", username="mbuyi")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("down", "f5")  # admin, mbuyi: lock mbuyi
        await pilot.pause()
        state = {u.username: u.locked for u in users.list_users(admin)}
        assert state == {"admin": False, "mbuyi": True}
        assert "LOCKED" in str(app.screen.query_one("#users").get_row_at(1)[2])
        await pilot.press("f5")
        await pilot.pause()
        assert not {u.username: u.locked for u in users.list_users(admin)}["mbuyi"]


async def test_reset_password_and_roles_dialogs(admin, make_user):
    from mifin_tui.screens.admin.user_dialogs import ResetPasswordDialog, RolesDialog

    make_user("cashier", username="mbuyi")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("down", "f4")
        await pilot.pause()
        assert isinstance(app.screen, ResetPasswordDialog)
        await pilot.press("f2")  # give a one-time password: shown once
        await pilot.pause()
        shown = str(app.screen.query_one("#otp").render())
        otp = shown.split(": ")[1].strip()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UsersScreen)
        assert otp not in str(app.screen.query_one("#detail").render())
        assert "not used yet" in str(app.screen.query_one("#detail").render())
        assert auth.login("mbuyi", otp).must_change_password
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, RolesDialog)
        await pilot.press("space", "enter")  # untick cashier: no role left
        await pilot.pause()
        assert errors(app) == {"roles": "Give known roles, at least one."}
        await pilot.press("down", "space", "enter")  # loan officer instead
        await pilot.pause()
        assert isinstance(app.screen, UsersScreen)
        assert {u.username: u.roles for u in users.list_users(admin)}["mbuyi"] == \
            ("loan_officer",)


async def test_the_form_keeps_up_with_keys_typed_ahead(admin):
    """Over SSH keys arrive in bursts; each must reach the field it was typed for."""
    from textual import events

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_add_form(pilot)
        keys = [*"mbuyi", "enter", *"Mbuyi Kalala", "enter", *"Temp-pass-2026", "enter",
                "enter", "space", "down", "space", "enter"]
        for key in keys:  # all at once, no pause: as a burst from the terminal
            app._driver.send_message(events.Key(key, " " if key == "space" else
                                                key if len(key) == 1 else None))
        await pilot.pause(0.5)
        assert isinstance(app.screen, UsersScreen), errors(app)
        added = {u.username: u for u in users.list_users(admin)}["mbuyi"]
        assert added.full_name == "Mbuyi Kalala"
        assert added.roles == ("cashier", "loan_officer")
