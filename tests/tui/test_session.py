"""Login, the menu of each role, wrong passwords, lockout, logout, idle lock, palette."""

from __future__ import annotations

from mifin_tui.app import MifinApp
from mifin_tui.db.models import User
from mifin_tui.screens.session.lock import LockScreen
from mifin_tui.screens.session.login import LoginScreen
from mifin_tui.screens.session.main_menu import OTHERS, MainMenuScreen
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
                  ["loan_board", "holidays", "provision_rates", "member_import",
                   "printer_settings", "password", "language"]),
        "mbuyi": (PASSWORD, ["deposit", "withdrawal", "account_transfer", "statement",
                             "passbook", "account_lookup", "member_card", "adhesion",
                             "open_till", "close_till", "vault_transfer", "cash_journal",
                             "loan_disburse", "repayment", "logout"],
                  ["account_open", "account_close", "holds", "standing_orders",
                   "member_list", "groups",
                   "reprint", "till_differences", "my_differences", "vault_count",
                   "loan_simulator", "repayment_reversal",
                   "loan_card", "arrears_list", "recovery", "printer_settings", "password",
                   "language"]),
        "kalala": (PASSWORD, ["statement", "account_lookup", "member_card", "cash_journal",
                              "journal", "reports", "audit_log", "verify", "logout"],
                   ["member_list", "groups", "till_differences", "loan_card", "arrears_list",
                    "dashboard", "printer_settings", "password", "language"]),
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
        assert error_at(app, "password") == "Wrong user name or password."
        assert app.screen.query_one("#password").value == ""
        assert app.screen.focused.id == "password"


async def test_five_wrong_passwords_lock_the_user(admin, fake_clock):
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "admin")
        await pilot.press("enter")
        for attempt in range(5):
            await type_text(pilot, f"wrong-{attempt}")
            await pilot.press("enter")
            await pilot.pause()
            fake_clock.advance(60)  # past the growing delay
        assert "locked" in error_at(app, "password")
        assert User.get(User.username == "admin").locked
        await type_text(pilot, ADMIN_PASSWORD)  # even the right password is refused now
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert "locked" in error_at(app, "password")


async def test_a_wait_is_shown_after_a_failure(admin, fake_clock):
    # the services' clock stands still: however slowly the keys come, the second try
    # falls inside the wait the first failure imposed
    app = MifinApp()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", "wrong-once")
        await type_text(pilot, "wrong-twice")
        await pilot.press("enter")
        await pilot.pause()
        assert error_at(app, "password").startswith("Wait ")


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
        assert app.screen.query_one("#error-password", FieldError).message == \
            "Wrong user name or password."
        await type_text(pilot, ADMIN_PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is users_screen and not app.locked


async def test_too_many_failures_at_the_lock_end_the_session(admin, fake_clock):
    app = MifinApp(idle_seconds=60)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "admin", ADMIN_PASSWORD)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        for attempt in range(5):
            await type_text(pilot, f"wrong-{attempt}")
            await pilot.press("enter")
            await pilot.pause()
            fake_clock.advance(60)
        assert isinstance(app.screen, LoginScreen) and app.ctx is None
        assert "locked" in error_at(app, "password")
        assert User.get(User.username == "admin").locked


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
