"""The lock screen: after minutes without a key, the password again; the work beneath stays."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from mifin_tui.i18n import N_, _
from mifin_tui.messages import LogoutRequested
from mifin_tui.screens.common.base import QuietFocus
from mifin_tui.services.kernel import auth
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import AccountLocked, MifinError
from mifin_tui.widgets import FieldError, MifinFooter, TextField


class LockScreen(QuietFocus, ModalScreen[bool]):
    """Opaque (see app.tcss): a locked terminal shows no member's data.

    Dismissed with True once the password is right. Too many wrong passwords lock
    the user (the service decides) and end the session.
    """

    AUTO_FOCUS = "#password"
    BINDINGS = [
        Binding("f10,ctrl+o", "logout", N_("Log out"), id="lock.logout"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="lock-box"):
                yield Static(_("Session locked"), classes="screen-title", markup=False)
                yield Static(
                    _("{user}, this session is locked. Type your password to go on.")
                    .format(user=self.ctx.full_name),
                    markup=False)
                yield TextField(password=True, id="password",
                                placeholder=_("your password"))
                yield FieldError(id="error-password")
        yield MifinFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one("#password", TextField)
        error = self.query_one("#error-password", FieldError)
        if not field.value:
            error.show(_("Enter your password."))
            return
        try:
            auth.unlock_session(self.ctx, field.value)
        except AccountLocked as exc:
            self.post_message(LogoutRequested(str(exc)))
            return
        except MifinError as exc:  # wrong password, or wait N s
            field.value = ""
            error.show(str(exc))
            return
        field.value = ""
        self.dismiss(True)

    def action_logout(self) -> None:
        self.post_message(LogoutRequested())
