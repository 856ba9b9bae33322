"""The lock screen: after minutes without a key, the password again; the work beneath stays."""

from __future__ import annotations

import hashlib

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
from mifin_tui.services.kernel.errors import AuthenticationError, MifinError, ValidationError
from mifin_tui.widgets import FieldError, MifinFooter, TextField


class LockScreen(QuietFocus, ModalScreen[bool]):
    """Opaque (see app.tcss): a locked terminal shows no member's data.

    Dismissed with True once the password is right. Only real tries count as failed
    logins: an entry too short to be a password (the service says so) and the same
    wrong entry sent again are not checked again. Wrong passwords earn the login's
    waits; a user locked or disabled meanwhile is logged out.
    """

    AUTO_FOCUS = "#password"
    BINDINGS = [
        Binding("f10,ctrl+o", "logout", N_("Log out"), id="lock.logout"),
    ]

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        # (a digest of the last refused entry, the answer): not the entry itself
        self._last_refused: tuple[bytes, str] | None = None

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
        entry = field.value
        field.value = ""
        if not entry:
            error.show(_("Enter your password."))
            return
        digest = hashlib.sha256(entry.encode()).digest()
        if self._last_refused and self._last_refused[0] == digest:
            error.show(self._last_refused[1])  # the same keys again: the same answer
            return
        try:
            auth.unlock_session(self.ctx, entry)
        except ValidationError as exc:  # too short to be a password: not a try
            error.show(str(exc))
            return
        except MifinError as exc:  # refused
            try:
                auth.check_session(self.ctx)
            except AuthenticationError as ended:  # locked or disabled meanwhile
                self.post_message(LogoutRequested(str(ended)))
                return
            self._last_refused = (digest, str(exc))
            error.show(str(exc))
            return
        self.dismiss(True)

    def action_logout(self) -> None:
        self.post_message(LogoutRequested())
