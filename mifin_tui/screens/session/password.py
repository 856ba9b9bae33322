"""My password: every user changes his own."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import FormMixin, MifinScreen
from mifin_tui.services.kernel import auth
from mifin_tui.widgets import FieldError, TextField


class PasswordScreen(FormMixin, MifinScreen):
    """`forced`: right after login with a one-time password; no way back but the new
    password (or logging out). Dismissed with the context to go on with (None when the
    user goes back)."""

    TITLE_MSGID = N_("My password")
    AUTO_FOCUS = "#old"
    BINDINGS = [Binding("f2", "submit", N_("Save"), id="password.save")]

    def __init__(self, ctx, *, forced: bool = False) -> None:
        super().__init__(ctx)
        self.forced = forced

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            if self.forced:
                yield Static(_("Your password was set by an administrator: it only lets "
                               "you choose your own. Choose it now to go on."),
                             classes="summary", markup=False)
            yield Static(_("At least {n} characters, a sentence is best; not a common "
                           "password, not your name.").format(n=auth.MIN_PASSWORD_LENGTH),
                         classes="hint", markup=False)
            for name, label, extra in (
                ("old", _("Current password"), ""),
                ("new", _("New password"), ""),
                ("confirm", _("New password again"), "submit-on-enter"),
            ):
                with Horizontal(classes="row"):
                    yield Label(label, markup=False)
                    yield TextField(id=name, password=True, classes=extra)
                yield FieldError(id=f"error-{name}", classes="row-error")
            yield FieldError(id="error-form")

    def action_submit(self) -> None:
        self.clear_errors()
        old, new, confirm = (self.query_one(f"#{n}", TextField).value
                             for n in ("old", "new", "confirm"))
        if new != confirm:
            self.show_errors({"confirm": _("The two new passwords differ.")})
            return
        ok, ctx = self.call_service(auth.change_own_password, self.ctx, old, new)
        if not ok:
            return
        for field in self.query(TextField):
            field.value = ""
        self.notify(_("Your password is changed."))
        self.dismiss(ctx)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.forced and action == "back")
