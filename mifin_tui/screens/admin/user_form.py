"""Add a user (administrator): name, roles, temporary password, language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Select, SelectionList

from mifin_tui.i18n import LANGUAGES, N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.services.admin import users
from mifin_tui.services.kernel.permissions import ROLES, role_label
from mifin_tui.widgets import ChoiceList, FieldError, FormSelect, TextField
from mifin_tui.widgets.formatting import LANGUAGE_NAMES


def role_choices(selected: tuple[str, ...] = ()) -> list[tuple[str, str, bool]]:
    return [(role_label(r), r, r in selected) for r in ROLES]


class AddUserScreen(FormMixin, MifinScreen):
    """Dismissed with the new user name, or None if the administrator goes back."""

    TITLE_MSGID = N_("Add a user")
    AUTO_FOCUS = "#username"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="user_form.save")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield from self.field_row(_("User name"), TextField(id="username", max_length=32),
                                 "username")
            yield from self.field_row(_("Full name"), TextField(id="full_name", max_length=80),
                                 "full_name")
            yield from self.field_row(_("Temporary password"),
                                 TextField(id="password", password=True), "password")
            yield from self.field_row(
                _("Language"),
                FormSelect([(LANGUAGE_NAMES[lang], lang) for lang in LANGUAGES],
                           id="language", value="fr", allow_blank=False),
                "language")
            with Horizontal(classes="row"):
                yield Label(_("Roles (Space ticks)"), markup=False)
                yield ChoiceList(*role_choices(), id="roles", classes="submit-on-enter")
            yield FieldError(id="error-roles", classes="row-error")
            yield FieldError(id="error-form")

    def action_submit(self) -> None:
        self.clear_errors()
        value = lambda name: self.query_one(f"#{name}", TextField).value  # noqa: E731
        roles = list(self.query_one("#roles", SelectionList).selected)
        language = self.query_one("#language", Select).value
        ok, user = self.call_service(users.add_user, self.ctx, value("username"),
                                     value("full_name"), value("password"), roles,
                                     str(language))
        if not ok:
            return
        self.dismiss(user.username)
