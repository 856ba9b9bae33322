"""The login screen: the gate of every session (also over SSH and in a browser)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Label, Static

from mifin_tui.i18n import N_, _
from mifin_tui.messages import LoggedIn
from mifin_tui.screens.common.base import FormMixin, QuietFocus
from mifin_tui.services.kernel.errors import AuthenticationError, MifinError
from mifin_tui.widgets import FieldError, MifinFooter, TextField


class LoginScreen(QuietFocus, FormMixin, Screen):
    AUTO_FOCUS = "#username"
    BINDINGS = [Binding("f2", "submit", N_("Log in"), id="login.submit")]

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="login-box"):
                yield Static("", id="login-institution", markup=False)
                yield Static(_("Mifin: log in"), classes="screen-title", markup=False)
                yield Label(_("User name"), markup=False)
                yield TextField(id="username")
                yield FieldError(id="error-username")
                yield Label(_("Password"), markup=False)
                yield TextField(password=True, id="password", classes="submit-on-enter")
                yield FieldError(id="error-password")
                yield Static(_("Enter moves to the next field, then logs you in."),
                             classes="hint", markup=False)
        yield MifinFooter()

    def on_mount(self) -> None:
        if getattr(self.app, "_db_path", None) is None:  # the database is open already
            self.show_institution()

    def show_institution(self) -> None:
        from mifin_tui.services.kernel import institution

        name = institution.info().name if institution.is_initialized() else ""
        self.query_one("#login-institution", Static).update(name)

    def action_submit(self) -> None:
        open_database = getattr(self.app, "open_database", None)
        if open_database is not None and not open_database():
            return
        from mifin_tui.services.kernel import auth

        self.clear_errors()
        username = self.query_one("#username", TextField).value.strip()
        password_field = self.query_one("#password", TextField)
        if not username:
            self.show_errors({"username": _("Enter your user name.")})
            return
        if not password_field.value:
            self.show_errors({"password": _("Enter your password.")})
            return
        try:
            ctx = auth.login(username, password_field.value)
        except AuthenticationError as exc:  # wrong, locked, or wait N s
            password_field.value = ""
            self.show_errors({"password": str(exc)})
            return
        except MifinError as exc:
            self.show_errors({"password": str(exc)})
            return
        except Exception as exc:  # noqa: BLE001 - the gate never shows a traceback
            # A database locked past the busy timeout, a damaged page: one line. A
            # traceback here would show the password being checked among its locals.
            password_field.value = ""
            reason = " ".join(str(exc).split())[:120] or type(exc).__name__
            self.show_errors({"password": _(
                "The database cannot be used now ({reason}): try again in a moment; if "
                "it lasts, tell the administrator.").format(reason=reason)})
            return
        for field in self.query(TextField):
            field.value = ""  # nothing of this user stays beneath his session
        self.post_message(LoggedIn(ctx))

    async def reset(self, message: str = "") -> None:
        """Draw the screen afresh (in the language now active) and show `message`."""
        await self.recompose()
        self.show_institution()
        if message:
            self.show_errors({"password": message})
        self.query_one("#username").focus()
