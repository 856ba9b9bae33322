"""The Textual App: login, main menu, screen routing, idle lock, logout.

The App opens no database (the CLI or the test fixture does) and holds the
session: the user's context, what the status line shows, whether it is
locked. Screens post messages (messages.py); the App answers with method
calls down.
"""

from __future__ import annotations

import os

# Escape also starts key sequences; over SSH a slow link can split them (Textual #4816).
# Textual reads ESCDELAY when it is first imported, hence before the imports below.
os.environ.setdefault("ESCDELAY", "300")

import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, ClassVar  # noqa: E402

from textual import events  # noqa: E402
from textual.app import App, SystemCommand  # noqa: E402
from textual.binding import Binding  # noqa: E402
from textual.command import CommandPalette  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.system_commands import SystemCommandsProvider  # noqa: E402
from textual.theme import Theme  # noqa: E402

from mifin_tui import memory  # noqa: E402
from mifin_tui.i18n import N_, _, chosen_language, current_language, set_language  # noqa: E402
from mifin_tui.messages import LanguageChanged, LoggedIn, LogoutRequested, OpenEntry  # noqa: E402
from mifin_tui.screens.session.login import LoginScreen  # noqa: E402
from mifin_tui.services.kernel.errors import AuthenticationError, MifinError  # noqa: E402

if TYPE_CHECKING:
    from textual.command import Provider

    from mifin_tui.menu import MenuEntry
    from mifin_tui.services.kernel.context import Context
    from mifin_tui.widgets import StatusInfo

# The idle check is a comparison of two numbers and one small query every 15 s (is the
# user still allowed in?): no repaint, no bytes sent.
IDLE_CHECK_SECONDS = 15.0

# Users who print vouchers or cash journals: their fonts are loaded after login.
PRINTING_PERMISSIONS = ("till.operate", "transfer.approve", "voucher.reprint",
                        "cashjournal.read")


def _setting(key: str):
    from mifin_tui.services.kernel import settings  # the store loads after the first paint

    return settings.get(key)


# The menu registry, its permissions and the palette's providers serve a session: they
# load at login (or when the palette first opens), not before the login screen.
def _screens_provider() -> type[Provider]:
    from mifin_tui.screens.session.palette import ScreensProvider

    return ScreensProvider


def _vouchers_provider() -> type[Provider]:
    from mifin_tui.screens.session.palette import VouchersProvider

    return VouchersProvider


def _start_renderer() -> None:
    """In a thread: start the renderer process, which loads fpdf2 and cuts the receipt
    fonts at once, outside this process (output/renderer.py)."""
    from mifin_tui.output import renderer

    renderer.enable()


# The text cursor is drawn in reverse video (its colours given the other way round, so
# it shows as a light block): reverse survives NO_COLOR and 16-colour terminals, and
# the end-to-end tests find the focused field by it.
_CURSOR = {"input-cursor-text-style": "reverse"}

MIFIN_THEME = Theme(
    name="mifin",
    primary="#2F7FC1",
    secondary="#1F5A8A",
    accent="#F0A020",
    warning="#F0A020",
    error="#E04050",
    success="#40B060",
    foreground="#E8E8E8",
    background="#101418",
    surface="#1A2028",
    panel="#263040",
    dark=True,
    variables={**_CURSOR, "input-cursor-foreground": "#E8E8E8",
               "input-cursor-background": "#101418"},
)

HIGH_CONTRAST_THEME = Theme(
    name="mifin-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFFF00",
    error="#FF6060",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    variables={
        **_CURSOR,
        "input-cursor-foreground": "#FFFF00",
        "input-cursor-background": "#000000",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFFF00",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "input-selection-background": "#FFFF00 60%",
    },
)


class MifinApp(App[None]):
    TITLE = "Mifin"
    CSS_PATH: ClassVar = ["app.tcss", "high_contrast.tcss"]
    COMMANDS: ClassVar = {_screens_provider, _vouchers_provider, SystemCommandsProvider}
    BINDINGS: ClassVar = [
        Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True,
                tooltip=N_("Leave Mifin (your session ends).")),
        Binding("f10,ctrl+o", "logout", N_("Log out"), id="logout"),
        Binding("ctrl+l", "lock", N_("Lock"), id="lock", show=False),
        Binding("ctrl+p", "command_palette", N_("Screens"), id="command_palette",
                show=False, priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(self, *, idle_seconds: float | None = None,
                 high_contrast: bool | None = None, db_path: Path | None = None) -> None:
        """`idle_seconds` overrides the `idle_lock_minutes` setting (tests);
        `high_contrast` defaults to the MIFIN_HIGH_CONTRAST environment variable;
        `db_path`: open that database just after the first paint (the CLI), rather
        than finding it open (tests, the demo)."""
        super().__init__()
        memory.start_log()
        self._db_path = db_path
        self.ctx: Context | None = None
        self.status: StatusInfo | None = None
        self.locked = False
        self._idle_override = idle_seconds
        self._idle_limit = 0.0  # set at login, from the setting unless overridden
        self._last_input = time.monotonic()
        self._startup_language = current_language()
        if os.environ.get("TEXTUAL_ANIMATIONS") is None:
            self.animation_level = "none"  # slow links: nothing moves unless asked
        if high_contrast is None:
            high_contrast = os.environ.get("MIFIN_HIGH_CONTRAST", "") not in ("", "0")
        self.high_contrast = high_contrast
        self.register_theme(MIFIN_THEME)
        self.register_theme(HIGH_CONTRAST_THEME)
        self._themes_registered = True
        self._set_first_theme()

    # --- start ----------------------------------------------------------------------------

    def get_driver_class(self):  # type: ignore[override]
        """In a terminal, the driver that sends blank runs compactly (slow links)."""
        from textual import constants

        driver = super().get_driver_class()
        if constants.DRIVER is None and driver.__name__ == "LinuxDriver":
            if os.environ.get("MIFIN_THIN_OUTPUT", "1") != "0":
                from mifin_tui.thin_driver import ThinLinuxDriver

                return ThinLinuxDriver
            from mifin_tui.hangup import HangUpDriver  # a dead terminal ends the session

            return HangUpDriver
        return driver

    def get_default_screen(self) -> Screen:
        return LoginScreen()

    _themes_registered = False

    def get_css_variables(self) -> dict[str, str]:
        # Textual's __init__ asks once, before Mifin's themes are registered, for the
        # variables of its default theme, which Mifin never shows: they are computed once,
        # for Mifin's theme, by _set_first_theme.
        if not self._themes_registered:
            return {}
        return super().get_css_variables()

    def _set_first_theme(self) -> None:
        """Give the theme before the stylesheet is first parsed. Set once the app runs
        (`self.theme = ...` in on_mount), it re-parsed every CSS source, and Textual's
        re-parse leaves the parse cache empty: each widget class the login screen then
        mounted parsed app.tcss and every DEFAULT_CSS again (~60 ms at startup)."""
        theme = HIGH_CONTRAST_THEME if self.high_contrast else MIFIN_THEME
        self.set_reactive(App.theme, theme.name)  # no watcher: nothing to refresh yet
        self.set_class(True, f"-theme-{theme.name}", update=False)
        self.set_class(theme.dark, "-dark-mode", update=False)
        self.set_class(not theme.dark, "-light-mode", update=False)
        self.set_class(self.high_contrast, "-high-contrast", update=False)
        # 8 colours, none bright: the focused field gets colours it can draw (app.tcss).
        self.set_class(os.environ.get("TERM") == "linux", "-linux-console", update=False)
        self.stylesheet.set_variables(self.get_css_variables())

    @property
    def _long_session(self) -> bool:
        """A session at a terminal or in a browser, for a working day: its garbage is
        collected as memory.py says. Not a headless app (the tests' Pilot, in a process
        that runs many apps): freezing would keep every earlier test's objects, and a full
        collection at each closed screen walks the whole test process."""
        return not self.is_headless

    def _freeze(self) -> None:
        if self._long_session:
            memory.freeze()

    def on_mount(self) -> None:
        if self._long_session:
            memory.tune()
        # A screen closed: nothing of its drawing is kept (memory.release_closed_screens).
        self.screen_change_signal.subscribe(self, self._screen_changed)
        interval = IDLE_CHECK_SECONDS
        if self._idle_override is not None:
            interval = min(IDLE_CHECK_SECONDS, max(self._idle_override / 4, 0.05))
        self.set_interval(interval, self.check_idle_lock, name="idle-check")
        if self._db_path is not None:
            self.call_after_refresh(self.open_database)

    _collect_pending = False
    _stack_depth = 0

    def _screen_changed(self, _screen: Screen) -> None:
        memory.release_closed_screens()
        depth = len(self.screen_stack)
        closed, self._stack_depth = depth < self._stack_depth, depth
        if closed and not self._collect_pending and self._long_session:
            self._collect_pending = True
            self.set_timer(memory.COLLECT_AFTER, self._collect_closed, name="collect")

    def _collect_closed(self) -> None:
        self._collect_pending = False
        memory.collect_now()

    def open_database(self) -> bool:
        """Open the database given to the App (once); on a database Mifin cannot use,
        end with one clear line. The login screen is drawn before: on an old machine
        the store's modules load while the user reads it."""
        if self._db_path is None:
            return True
        from mifin_tui.db import DatabaseBusy, DatabaseRefused, SchemaTooNew, open_database
        from mifin_tui.services.kernel import chain, institution

        try:
            open_database(self._db_path)
            chain.ensure_built()  # once, on books upgraded from a Mifin without it
            if not institution.is_initialized():
                raise MifinError(_("This database holds no institution: run `mifin init` "
                                   "first."))
        except (MifinError, SchemaTooNew, DatabaseBusy, DatabaseRefused) as exc:
            self.exit(return_code=1, message=f"mifin: {exc}")
            return False
        except Exception as exc:  # noqa: BLE001 - a file SQLite cannot open: one line
            detail = " ".join(str(exc).split())[:200]
            self.exit(return_code=1, message=f"mifin: {self._db_path}: {detail}")
            return False
        self._db_path = None
        if isinstance(self.screen, LoginScreen):
            self.screen.show_institution()
        self.call_after_refresh(self._freeze)  # the start-up's objects, once
        return True

    def _fatal_error(self) -> None:
        """An unexpected error ends the app with its traceback, without the values of
        local variables: Textual shows them by default, and they hold what the user
        typed (a password at login) and members' data, on the screen and, under
        `mifin serve`, in the browser. MIFIN_DEBUG=1 (a developer's machine) keeps them."""
        if os.environ.get("MIFIN_DEBUG", "") not in ("", "0"):
            super()._fatal_error()
            return
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    def _apply_contrast(self) -> None:
        self.theme = HIGH_CONTRAST_THEME.name if self.high_contrast else MIFIN_THEME.name
        self.set_class(self.high_contrast, "-high-contrast")

    def action_toggle_contrast(self) -> None:
        self.high_contrast = not self.high_contrast
        self._apply_contrast()

    # --- the session ------------------------------------------------------------------------

    def on_logged_in(self, message: LoggedIn) -> None:
        ctx = message.ctx
        if chosen_language() not in (None, ctx.language):  # --lang, MIFIN_LANG: this session
            ctx = replace(ctx, language=chosen_language())
        if ctx.language != current_language():
            set_language(ctx.language)
        self.ctx = ctx
        self.status = self.status_for(ctx)
        self._idle_limit = (self._idle_override if self._idle_override is not None
                            else _setting("idle_lock_minutes") * 60.0)
        self._last_input = time.monotonic()
        self.locked = False
        # A one-time password (new user, reset) opens nothing but its change: the session
        # begins with the context the change returns.
        if ctx.must_change_password:
            from mifin_tui.screens.session.password import PasswordScreen

            self.push_screen(PasswordScreen(ctx, forced=True), callback=self._password_chosen)
            return
        # Screens after the login are imported after it: the first paint waits for less.
        from mifin_tui import menu
        from mifin_tui.screens.session.main_menu import MainMenuScreen
        from mifin_tui.services.kernel.permissions import MANAGER

        self.push_screen(MainMenuScreen(ctx, menu.entries_for(ctx)))
        # The gérant starts his day on his dashboard; Escape leads to the menu.
        dashboard = menu.get("dashboard")
        if MANAGER in ctx.roles and dashboard is not None and dashboard.allowed(ctx):
            self.push_screen(dashboard.build(ctx))
        if MANAGER in ctx.roles:
            self._notify_reset_logins(ctx)
        if (any(ctx.can(p) for p in PRINTING_PERMISSIONS) and not self.is_headless
                and os.environ.get("MIFIN_PRINT_RENDERER", "1") != "0"):
            # The documents' libraries and fonts load in the renderer process, started
            # now: the first voucher of the day prints as fast as the next. A headless
            # app (the tests' Pilot) builds its documents in process.
            self.run_worker(_start_renderer, thread=True, group="warm-up",
                            name="start-renderer", exit_on_error=False)
        # What the session keeps all day is loaded: no full collection walks it again.
        self.call_after_refresh(self._freeze)

    def _password_chosen(self, ctx: Context | None) -> None:
        if ctx is not None and not ctx.must_change_password:
            self.post_message(LoggedIn(ctx))

    def _notify_reset_logins(self, ctx: Context) -> None:
        """Tell the gérant who logged in for the first time with a password an
        administrator set, since his last login: was it really that user?"""
        from mifin_tui.services.admin import users

        try:
            found = users.reset_logins_since_my_last_login(ctx)
        except MifinError:
            return
        for r in found:
            self.notify(_("{user} ({name}) logged in with a password {admin} set: check it "
                          "was him.").format(user=r.username, name=r.full_name,
                                             admin=r.reset_by),
                        title=_("Password reset"), severity="warning", timeout=30)

    def status_for(self, ctx: Context) -> StatusInfo:
        from mifin_tui.services.kernel import institution
        from mifin_tui.services.kernel.permissions import ROLES
        from mifin_tui.widgets import StatusInfo

        info = institution.info(ctx.branch_id)
        return StatusInfo(
            institution=info.name, branch_code=info.branch_code, branch_name=info.branch_name,
            business_date=info.business_date, user_full_name=ctx.full_name,
            roles=tuple(r for r in ROLES if r in ctx.roles), till=self.till_for(ctx),
        )

    def till_for(self, ctx: Context) -> str | None:
        """The till a cashier has open, for the status line. Screens that open or close a
        till session call `refresh_status()` afterwards."""
        if not ctx.can("till.operate"):
            return None
        from mifin_tui.services.cash import tills  # after login: not on the start-up path

        session = tills.my_session(ctx)
        return session.till_code if session else None

    def refresh_status(self) -> None:
        """Draw the status line again on every screen (new business day, new till)."""
        if self.ctx is None:
            return
        from mifin_tui.widgets import StatusLine

        self.status = self.status_for(self.ctx)
        for screen in self.screen_stack:
            for line in screen.query(StatusLine):
                line.show(self.status)

    async def on_logout_requested(self, message: LogoutRequested) -> None:
        await self.end_session(message.reason)

    async def action_logout(self) -> None:
        await self.end_session()

    async def end_session(self, reason: str = "") -> None:
        """Log out: audit it, drop every screen of the session, back to the login screen."""
        if self._close_session() is None:
            return
        if current_language() != self._startup_language:
            set_language(self._startup_language)
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        memory.thaw()
        login = self.screen_stack[0]
        if isinstance(login, LoginScreen):
            await login.reset(reason)

    def _close_session(self) -> Context | None:
        """Forget the session (audited as a logout); returns its context, if there was one."""
        ctx, self.ctx = self.ctx, None
        self.status = None
        self.locked = False
        if ctx is not None:
            try:
                from mifin_tui.services.kernel import auth

                auth.logout(ctx)
            except MifinError:
                pass  # the session ends anyway
        return ctx

    def terminal_lost(self) -> None:
        """The terminal hung up (the driver calls this): the session ends as a logout
        does; a cashier's till stays open, his to resume at his next login."""
        from mifin_tui.hangup import EXIT_HANG_UP

        self._close_session()
        self.exit(return_code=EXIT_HANG_UP)

    async def action_quit(self) -> None:
        self._close_session()
        self.exit()

    def action_help_quit(self) -> None:
        self.notify(_("Press Ctrl+Q to quit Mifin, F10 to log out."))

    # --- idle lock --------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.InputEvent, events.Paste)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def watch_app_focus(self, focus: bool) -> None:
        """A browser session (textual-serve) starts blurred, so the first screen skipped
        its auto focus; give it now, before the key that woke the app is delivered."""
        screen = self.screen
        if not focus or screen.focused is not None:
            return
        selector = screen.AUTO_FOCUS if screen.AUTO_FOCUS is not None else self.AUTO_FOCUS
        if selector:
            for widget in screen.query(selector):
                if widget.focusable:
                    screen.set_focus(widget)
                    break

    def check_idle_lock(self) -> None:
        """The periodic tick: end the session of a user an administrator locked or disabled
        meanwhile; lock the screen after the idle time."""
        if self.ctx is None:
            return
        try:
            from mifin_tui.services.kernel import auth

            auth.check_session(self.ctx)
        except AuthenticationError as exc:  # AccountLocked too
            self.post_message(LogoutRequested(str(exc)))
            return
        if self.locked:
            return
        if time.monotonic() - self._last_input >= self._idle_limit:
            self.lock_session()

    def action_lock(self) -> None:
        self.lock_session()

    def lock_session(self) -> None:
        """Cover the current screen (kept as it is) with the lock screen."""
        if self.ctx is None or self.locked:
            return
        self.locked = True
        from mifin_tui.screens.session.lock import LockScreen

        self.push_screen(LockScreen(self.ctx), callback=self._unlocked)

    def _unlocked(self, _result: bool | None) -> None:
        self.locked = False
        self._last_input = time.monotonic()

    # --- opening screens ----------------------------------------------------------------------

    def palette_entries(self) -> list[MenuEntry]:
        # a one-time password opens nothing but its change (and logging out)
        if self.ctx is None or self.locked or self.ctx.must_change_password:
            return []
        from mifin_tui import menu

        return menu.entries_for(self.ctx)

    def request_entry(self, entry_id: str) -> None:
        self.post_message(OpenEntry(entry_id))

    async def on_open_entry(self, message: OpenEntry) -> None:
        await self.open_entry(message.entry_id)

    async def open_entry(self, entry_id: str, search: str = "") -> None:
        """Open a menu entry, checked again here: a palette or a key is no way round it.
        `search`: what the screen starts with (the reprint screen's voucher number)."""
        from mifin_tui import menu

        ctx, entry = self.ctx, menu.get(entry_id)
        if ctx is None or self.locked or entry is None or ctx.must_change_password:
            return
        if not entry.allowed(ctx):
            self.notify(_("You are not allowed to open this screen."), severity="error")
            return
        if entry.action:
            await self.run_action(entry.action)
            return
        while len(self.screen_stack) > 2:  # from a deeper screen: back to the menu first
            await self.pop_screen()
        screen = entry.build(ctx)
        if search and hasattr(screen, "start_search"):
            screen.start_search(search)
        await self.push_screen(screen)

    def find_vouchers(self, text: str) -> list[str]:
        """Voucher numbers holding `text`, for the palette (none if he may not reprint)."""
        if self.ctx is None or self.locked or not self.ctx.can("voucher.reprint"):
            return []
        try:
            from mifin_tui.services.cash import vouchers

            return [v.number for v in vouchers.find(self.ctx, text, limit=5)]
        except MifinError:
            return []

    def request_reprint(self, number: str) -> None:
        self.call_later(self.open_entry, "reprint", number)

    def on_language_changed(self, message: LanguageChanged) -> None:
        set_language(message.language)
        if self.ctx is not None:
            self.ctx = replace(self.ctx, language=message.language)
        self.refresh_status()

    # --- command palette ------------------------------------------------------------------------

    def action_command_palette(self) -> None:
        if self.ctx is None or self.locked:
            return  # nothing to find before login, nothing to reach behind the lock
        if not CommandPalette.is_open(self):
            from mifin_tui.screens.session.palette import MifinCommandPalette

            self.push_screen(MifinCommandPalette())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("logout", "lock", "command_palette"):
            return self.ctx is not None and not self.locked
        return True

    def get_system_commands(self, screen: Screen):
        yield SystemCommand(_("Quit"), _("Leave Mifin; your session ends."), self.action_quit)
        if self.ctx is not None and not self.locked:
            yield SystemCommand(_("Lock the session"),
                                _("Ask for the password before anyone goes on."),
                                self.action_lock)
        yield SystemCommand(
            _("Normal colours") if self.high_contrast else _("High contrast"),
            _("Switch between the normal and the high-contrast theme."),
            self.action_toggle_contrast)
