"""Login, the menu of each role, wrong passwords, lockout, logout, idle lock, palette."""

from __future__ import annotations

from mifin_tui.app import MifinApp
from mifin_tui.db.models import User
from mifin_tui.screens.session.lock import LockScreen
from mifin_tui.screens.session.login import LoginScreen
from mifin_tui.screens.session.main_menu import OTHERS, MainMenuScreen
from mifin_tui.services.kernel.auth import REFUSED
from mifin_tui.widgets import FieldError, StatusLine
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.tui.conftest import SIZE, login, menu_ids, type_text


def error_at(app: MifinApp, field: str) -> str:
    return app.screen.query_one(f"#error-{field}", FieldError).message


async def test_each_role_sees_its_own_menu(admin, make_user):
    make_user("cashier", username="mbuyi")
    make_user("auditor", username="kalala")
    # Per user: the main menu (then "Other screens"), and the screens under that entry.
    expected = {
        "admin": (ADMIN_PASSWORD, ["audit_log", "users", "tills", "loan_products",
                                   "savings_products", "logout"],
                  ["loan_board", "write_off_decisions", "holidays", "settings",
                   "provision_rates", "workstations", "member_import", "printer_settings",
                   "password", "language"]),
        "mbuyi": (PASSWORD, ["deposit", "withdrawal", "account_transfer", "statement",
                             "passbook", "account_lookup", "member_card", "adhesion",
                             "open_till", "close_till", "vault_transfer", "cash_journal",
                             "loan_disburse", "repayment", "logout"],
                  ["account_open", "account_close", "holds", "standing_orders",
                   "member_list", "groups",
                   "reprint", "till_differences", "my_differences", "vault_count",
                   "loan_simulator", "repayment_reversal",
                   "loan_card", "arrears_list", "recovery", "verify_receipt",
                   "printer_settings", "password", "language"]),
        "kalala": (PASSWORD, ["statement", "account_lookup", "member_card", "cash_journal",
                              "journal", "reports", "audit_log", "verify", "logout"],
                   ["member_list", "groups", "till_differences", "loan_card", "arrears_list",
                    "dashboard", "verify_receipt", "printer_settings", "password",
                    "language"]),
    }
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        for username, (password, shown, others) in expected.items():
            await login(pilot, username, password)
            assert isinstance(app.screen, MainMenuScreen)
            assert menu_ids(app) == [*shown, OTHERS]
            # The palette offers the same screens and nothing else.
            assert sorted(e.id for e in app.palette_entries()) == sorted(shown + others)
            await pilot.press("0")  # Other screens
            await pilot.pause()
            assert menu_ids(app) == others
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, MainMenuScreen)
            status = str(app.screen.query_one(StatusLine).render())
            assert "COOPEC Test" in status and "23/11/2026" in status
            await pilot.press("f10")
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen)
            assert app.ctx is None and app.palette_entries() == []


async def test_wrong_password_says_so_at_the_field(admin):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", "not-the-password")
        assert isinstance(app.screen, LoginScreen)
        assert error_at(app, "password") == REFUSED
        assert app.screen.query_one("#password").value == ""
        assert app.screen.focused.id == "password"


async def test_five_wrong_passwords_earn_a_wait_that_ends(admin, fake_clock):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "admin")
        await pilot.press("enter")
        for attempt in range(5):
            await type_text(pilot, f"wrong-{attempt}")
            await pilot.press("enter")
            await pilot.pause()
        await type_text(pilot, ADMIN_PASSWORD)  # even the right password waits now
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert error_at(app, "password") == REFUSED  # the answer every refusal gets
        assert not User.get(User.username == "admin").locked
        fake_clock.advance(61)
        await type_text(pilot, ADMIN_PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)


async def test_a_one_time_password_opens_only_its_change(admin, make_user):
    """#21: after a reset, the first login leads to the change and nowhere else; the
    session begins with the user's own password."""
    from mifin_tui.screens.session.password import PasswordScreen
    from mifin_tui.services.admin import users

    make_user("cashier", username="mbuyi")
    otp = users.reset_password(admin, "mbuyi")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "mbuyi", otp)
        assert isinstance(app.screen, PasswordScreen) and app.screen.forced
        assert len(app.screen_stack) == 2  # no menu beneath to go back to
        await pilot.press("escape", "f7")
        await pilot.pause()
        assert isinstance(app.screen, PasswordScreen)
        for text in (otp, "Ma-phrase-a-moi-26", "Ma-phrase-a-moi-26"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen), app.screen
        assert app.ctx.can("ledger.post") and not app.ctx.must_change_password
    assert User.get(User.username == "mbuyi").reset_login_at is not None


async def test_logout_returns_to_an_empty_login_screen(admin):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        await pilot.press("f7")  # Users, one screen deeper
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and len(app.screen_stack) == 1
        assert app.screen.query_one("#username").value == ""
        assert app.screen.focused.id == "username"


async def test_idle_session_locks_and_unlocks_on_the_same_screen(admin):
    app = MifinApp(idle_seconds=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        await pilot.press("f7")
        await pilot.pause()
        users_screen = app.screen
        assert users_screen.__class__.__name__ == "UsersScreen", users_screen
        for _tick in range(100):  # a loaded machine is slow to notice: up to 10 s
            if isinstance(app.screen, LockScreen):
                break
            await pilot.pause(0.1)
        assert isinstance(app.screen, LockScreen)
        assert app.palette_entries() == []  # nothing to reach behind the lock
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, LockScreen)
        await type_text(pilot, "wrong-password")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#error-password", FieldError).message == REFUSED
        await type_text(pilot, ADMIN_PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is users_screen and not app.locked


async def test_keys_typed_on_the_lock_are_not_failed_logins(admin):
    """Only real tries count: keys too short to be a password, and the same wrong entry
    sent again, are answered without a try."""
    app = MifinApp(idle_seconds=60)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        for entry in ("150", "1", "wrong-password", "wrong-password", "wrong-password"):
            await type_text(pilot, entry)
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert User.get(User.username == "admin").failed_attempts == 1
        await type_text(pilot, ADMIN_PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.locked


async def test_palette_is_closed_before_login(admin):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


async def test_a_screen_outside_the_role_cannot_be_opened(admin, make_user):
    make_user("cashier", username="mbuyi")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "mbuyi", PASSWORD)
        await app.open_entry("users")  # as a forged palette command would
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)


async def test_keys_typed_ahead_follow_the_focus(admin):
    """A burst (SSH) of name, Enter, password, Enter: the password never lands in the
    user-name field."""
    from textual import events

    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        for key in [*"admin", "enter", *ADMIN_PASSWORD, "enter"]:
            event = events.Key(key, key if len(key) == 1 else None)
            app._driver.send_message(event)  # no pause between keys
        await pilot.pause(0.5)
        assert isinstance(app.screen, MainMenuScreen)


async def test_palette_lists_the_users_screens_and_opens_them(admin, make_user):
    from textual.command import CommandList, CommandPalette

    make_user("cashier", username="mbuyi")
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "mbuyi", PASSWORD)
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        assert isinstance(app.screen, CommandPalette)
        commands = app.screen.query_one(CommandList)
        titles = {str(commands.get_option_at_index(i).hit.text)
                  for i in range(commands.option_count)}
        assert {"Account lookup", "My password", "Language", "Log out"} <= titles
        assert not titles & {"Users", "Audit log", "General journal", "Verify the books"}
        await type_text(pilot, "account lookup")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        from mifin_tui.screens.members.account_lookup import AccountLookupScreen

        assert isinstance(app.screen, AccountLookupScreen)


async def test_language_switch_redraws_the_menu_and_is_kept(admin):
    from mifin_tui.i18n import current_language
    from mifin_tui.services.admin import users

    users.set_language(admin, "fr")  # a French user, who switches to English
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        assert current_language() == "fr"  # the user's setting, applied at login
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("down", "enter")  # English
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)
        assert current_language() == "en" and app.ctx.language == "en"
        assert User.get(User.username == "admin").language == "en"
        title = app.screen.query_one(".screen-title")
        assert str(title.render()) == "Main menu"
        await pilot.press("f10")
        await pilot.pause()
        assert current_language() == "en"  # the language the app started in
