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
from mifin_tui.widgets import ChoiceList, FieldError, MifinFooter, TextField


class ResetPasswordDialog(FormMixin, DialogScreen):
    """Dismissed with True once the password is reset."""

    AUTO_FOCUS = "#password"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="reset.save")]

    def __init__(self, ctx: Context, user: UserView) -> None:
        super().__init__()
        self.ctx = ctx
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("New password for {user}").format(user=self.user.username),
                         classes="screen-title", markup=False)
            yield Static(_("A temporary password: the user must change it at his next "
                           "login. Tell it to him in person."), classes="hint", markup=False)
            yield TextField(id="password", password=True, classes="submit-on-enter")
            yield FieldError(id="error-password")
            yield FieldError(id="error-form")
        yield MifinFooter()

    def action_submit(self) -> None:
        self.clear_errors()
        ok, _none = self.call_service(users.reset_password, self.ctx, self.user.username,
                                      self.query_one("#password", TextField).value)
        if not ok:
            return
        self.dismiss(True)


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
