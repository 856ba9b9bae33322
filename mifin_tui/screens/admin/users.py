"""Users (administrator): the list, and from it add, reset a password, lock, unlock, roles."""

from __future__ import annotations

from datetime import UTC

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mifin_tui.i18n import N_, _, current_language, ngettext
from mifin_tui.screens.common.base import MifinScreen
from mifin_tui.services.admin import users
from mifin_tui.services.admin.users import UserView
from mifin_tui.services.kernel.dates import format_datetime
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.services.kernel.permissions import role_label


def state_word(user: UserView) -> str:
    """In words, never by colour alone."""
    if user.locked:
        return _("LOCKED")
    if not user.active:
        return _("DISABLED")
    if user.waiting_until:
        return _("WAITING")
    return _("new pass.") if user.must_change_password else _("active")


def _when(moment) -> str:
    if not moment:
        return ""
    if moment.tzinfo is None:  # the store hands UTC back without its zone
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment.astimezone(), current_language())


def reset_words(user: UserView) -> str:
    """What the administrator last did to the user's password, and what came of it."""
    if not user.reset_at:
        return ""
    if user.reset_login_at:
        return _("Password set by {admin} on {at}; first login with it on {login}.").format(
            admin=user.reset_by, at=_when(user.reset_at), login=_when(user.reset_login_at))
    return _("One-time password given by {admin} on {at}, not used yet.").format(
        admin=user.reset_by, at=_when(user.reset_at))


class UsersScreen(MifinScreen):
    TITLE_MSGID = N_("Users")
    AUTO_FOCUS = "#users"
    BINDINGS = [
        Binding("f2,ctrl+n", "add", N_("Add"), id="users.add"),
        Binding("f4", "reset_password", N_("Password"), id="users.password"),
        Binding("f5", "toggle_lock", N_("Lock"), id="users.lock"),
        Binding("f6", "roles", N_("Roles"), id="users.roles"),
    ]

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.users: list[UserView] = []

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="users", cursor_type="row")
        yield Static("", id="detail", classes="detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#users", DataTable)
        table.add_column(_("User"), width=12)
        table.add_column(_("Name"), width=22)
        table.add_column(_("State"), width=10)
        table.add_column(_("Roles"), width=24)
        # room for a wait and a password reset's story when there is one (the table
        # gives up its empty rows)
        detail = self.query_one("#detail", Static)
        detail.styles.height = "auto"
        detail.styles.max_height = 6
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the list again, keeping the cursor on `select` (a user name) if given."""
        try:
            self.users = users.list_users(self.ctx)
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        table = self.query_one("#users", DataTable)
        keep = select or (self.current.username if self.current else None)
        table.clear()
        for user in self.users:
            table.add_row(*(Text(cell, no_wrap=True, overflow="ellipsis") for cell in (
                user.username, user.full_name, state_word(user),
                ", ".join(role_label(r) for r in user.roles))))
        row = next((i for i, u in enumerate(self.users) if u.username == keep), 0)
        if self.users:
            table.move_cursor(row=row)
        self.show_detail()

    @property
    def current(self) -> UserView | None:
        table = self.query_one("#users", DataTable)
        if not self.users or not 0 <= table.cursor_row < len(self.users):
            return None
        return self.users[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        user = self.current
        detail = self.query_one("#detail", Static)
        if user is None:
            detail.update("")
            return
        n = user.failed_attempts
        parts = [
            _("{user} ({name}), branch {branch}, language {language}: {state}.").format(
                user=user.username, name=user.full_name, branch=user.branch_code,
                language=user.language, state=state_word(user)),
            ngettext("{n} failed login since the last success.",
                     "{n} failed logins since the last success.", n).format(n=n),
        ]
        if user.waiting_until:
            parts.append(_("Logins wait until {at} (F5 lifts the wait).").format(
                at=_when(user.waiting_until)))
        parts.append(_("Roles: {roles}.").format(
            roles=", ".join(role_label(r) for r in user.roles)))
        parts.append(reset_words(user))
        # a pair given before the rule (#21): the administrator takes one role away
        clash = users.incompatible_roles(user.roles)
        if clash:
            parts.append(_("To correct (F6): {problem}").format(problem=clash))
        detail.update(" ".join(p for p in parts if p))

    # --- actions ------------------------------------------------------------------------

    def action_add(self) -> None:
        from mifin_tui.screens.admin.user_form import AddUserScreen

        def added(username: str | None) -> None:
            if username:
                self.reload(select=username)
                self.notify(_("User {user} added; he changes his password at first login.")
                            .format(user=username))

        self.app.push_screen(AddUserScreen(self.ctx), callback=added)

    def action_reset_password(self) -> None:
        from mifin_tui.screens.admin.user_dialogs import ResetPasswordDialog

        if (user := self.current) is None:
            return

        def done(result: bool | None) -> None:
            if result:
                self.reload()

        self.app.push_screen(ResetPasswordDialog(self.ctx, user), callback=done)

    def action_roles(self) -> None:
        from mifin_tui.screens.admin.user_dialogs import RolesDialog

        if (user := self.current) is None:
            return

        def done(result: bool | None) -> None:
            if result:
                self.reload()
                self.notify(_("Roles of {user} changed.").format(user=user.username))

        self.app.push_screen(RolesDialog(self.ctx, user), callback=done)

    def action_toggle_lock(self) -> None:
        if (user := self.current) is None:
            return
        try:
            if user.locked or user.waiting_until:
                users.unlock_user(self.ctx, user.username)
                message = _("User {user} unlocked.")
            else:
                users.lock_user(self.ctx, user.username)
                message = _("User {user} locked.")
        except MifinError as exc:
            self.notify(str(exc), severity="error")
            return
        self.reload()
        self.notify(message.format(user=user.username))
