"""Small windows over the users list: a temporary password, the roles of a user."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import SelectionList, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.admin.user_form import role_choices
from mifin_tui.screens.common.base import DialogScreen, FormMixin
from mifin_tui.services.admin import users
from mifin_tui.services.admin.users import UserView
from mifin_tui.services.kernel.context import Context
from mifin_tui.widgets import ChoiceList, FieldError, MifinFooter


class ResetPasswordDialog(FormMixin, DialogScreen):
    """F2 gives the user a one-time password and shows it, once; Enter or Escape then
    closes. Dismissed with True when a password was given."""

    BINDINGS = [Binding("f2", "submit", N_("Give"), id="reset.save")]

    def __init__(self, ctx: Context, user: UserView) -> None:
        super().__init__()
        self.ctx = ctx
        self.user = user
        self.given = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("New password for {user}").format(user=self.user.username),
                         classes="screen-title", markup=False)
            yield Static(_("F2 gives {user} a one-time password, shown here once. It only "
                           "lets him choose his own at his next login: tell it to him in "
                           "person. Escape: nothing changes.").format(user=self.user.username),
                         id="otp-question", classes="hint", markup=False)
            yield Static("", id="otp", classes="summary", markup=False)
            yield FieldError(id="error-form")
        yield MifinFooter()

    def action_submit(self) -> None:
        if self.given:
            self.dismiss(True)
            return
        self.clear_errors()
        ok, password = self.call_service(users.reset_password, self.ctx, self.user.username)
        if not ok:
            return
        self.given = True
        self.query_one("#otp-question", Static).update(
            _("Write it down now: it will not be shown again. Enter closes."))
        self.query_one("#otp", Static).update(
            _("One-time password of {user}: {password}").format(user=self.user.username,
                                                                password=password))

    def key_enter(self) -> None:
        if self.given:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(self.given)


class RolesDialog(FormMixin, DialogScreen):
    """Dismissed with True once the roles are changed."""

    AUTO_FOCUS = "#roles"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="roles.save")]

    def __init__(self, ctx: Context, user: UserView) -> None:
        super().__init__()
        self.ctx = ctx
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Roles of {user}").format(user=self.user.username),
                         classes="screen-title", markup=False)
            yield Static(_("Space ticks a role; Enter or F2 saves."), classes="hint",
                         markup=False)
            yield ChoiceList(*role_choices(self.user.roles), id="roles",
                             classes="submit-on-enter")
            yield FieldError(id="error-roles")
            yield FieldError(id="error-form")
        yield MifinFooter()

    def action_submit(self) -> None:
        self.clear_errors()
        roles = list(self.query_one("#roles", SelectionList).selected)
        ok, _none = self.call_service(users.set_roles, self.ctx, self.user.username, roles)
        if not ok:
            return
        self.dismiss(True)
