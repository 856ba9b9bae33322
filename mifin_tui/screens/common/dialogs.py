"""Small windows shared by the counter screens: "confirm what will happen" (with the
actor's password when it moves money), and "give a note, then act" (approve, reject).

Escape cancels (dismisses with None) and is never the destructive choice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from mifin_tui.i18n import N_, _
from mifin_tui.screens.common.base import DialogScreen, FormMixin
from mifin_tui.services.kernel import auth
from mifin_tui.services.kernel.context import Context
from mifin_tui.services.kernel.errors import MifinError
from mifin_tui.widgets import FieldError, MifinFooter, TextField


class ActorPassword:
    """The actor's password, typed again in the confirmation of anything that moves money
    (#21). The field has the cursor as the window opens, so the cashier types it and
    presses Enter: one key more than before, and nobody confirms at a colleague's
    session. A wrong password counts as a failed login (`auth.confirm_password`)."""

    actor: Context | None = None

    def compose_password(self) -> ComposeResult:
        ctx = self.actor_context()
        yield Label(_("Password of {user}").format(user=ctx.username if ctx else ""),
                    markup=False)
        yield TextField(id="actor-password", password=True, max_length=128)
        yield FieldError(id="error-actor-password")

    def actor_context(self) -> Context | None:
        """Who acts: the context given, else the session's, else the screen's below."""
        if self.actor is not None:
            return self.actor
        app = self.app  # type: ignore[attr-defined]
        ctx = getattr(app, "ctx", None)
        if ctx is None and len(app.screen_stack) > 1:
            ctx = getattr(app.screen_stack[-2], "ctx", None)
        return ctx

    def focus_password(self) -> None:
        self.query_one("#actor-password", TextField).focus()  # type: ignore[attr-defined]

    def password_confirmed(self) -> bool:
        """Check the typed password; on a refusal say so at the field and empty it."""
        field = self.query_one("#actor-password", TextField)  # type: ignore[attr-defined]
        error = self.query_one("#error-actor-password", FieldError)  # type: ignore[attr-defined]
        error.clear()
        ctx = self.actor_context()
        if not field.value:
            error.show(_("Type your password to confirm."))
            field.focus()
            return False
        try:
            if ctx is None:
                raise MifinError(_("Nobody is signed in."))
            auth.confirm_password(ctx, field.value)
        except MifinError as exc:
            field.value = ""
            error.show(str(exc))
            field.focus()
            return False
        return True


class ConfirmDialog(ActorPassword, DialogScreen):
    """Says what will happen; F2 or Enter dismisses with True, Escape with None.

    With `password=True` (a decision that moves money) the actor types his password
    first; a wrong one keeps the window open."""

    CONFIRMATION = True
    BINDINGS = [
        Binding("f2", "confirm", N_("Confirm"), id="confirm.ok"),
        Binding("enter", "confirm", N_("Confirm"), id="confirm.enter", show=False),
    ]

    def __init__(self, title: str, lines: Sequence[str], *, hint: str = "",
                 password: bool = False, actor: Context | None = None) -> None:
        """`title` and `lines` are already translated."""
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.password = password
        self.actor = actor
        self.hint = hint or (
            _("Your password, then Enter or F2 confirms; Escape goes back, nothing is done.")
            if password else _("F2 or Enter confirms; Escape goes back, nothing is done."))
        self.done = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(self.title_text, classes="screen-title", markup=False)
            yield Static("\n".join(self.lines), id="confirm-lines", markup=False)
            if self.password:
                yield from self.compose_password()
            yield Static(self.hint, classes="hint", markup=False)
        yield MifinFooter()

    def on_mount(self) -> None:
        if self.password:
            self.focus_password()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        if self.done:
            return
        if self.password and not self.password_confirmed():
            return
        self.done = True
        self.dismiss(True)


def confirm_then(screen: Any, title: str, lines: Sequence[str], then: Callable[[], None], *,
                 password: bool = False) -> None:
    """Ask with a ConfirmDialog; `then` runs on yes (a decision that moves money or
    rights is never taken on one key)."""
    screen.app.push_screen(ConfirmDialog(title, list(lines), password=password),
                           callback=lambda yes: then() if yes else None)


class NoteDialog(FormMixin, DialogScreen):
    """A summary, a note, and an action run with the note when F2 (or Enter) is pressed.

    `action(note)` is a service call: a ValidationError shows at the note (or under
    the form), any other refusal under the form; the dialog stays open. On success
    it dismisses with what `action` returned.
    """

    AUTO_FOCUS = "#note"
    BINDINGS = [Binding("f2", "submit", N_("Confirm"), id="note.ok")]

    def __init__(self, title: str, lines: Sequence[str], action: Callable[[str], Any], *,
                 note_label: str, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.action = action
        self.note_label = note_label
        self.hint = hint
        self.done = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="screen-title", markup=False)
            yield Static("\n".join(self.lines), id="note-lines", markup=False)
            yield Label(self.note_label, markup=False)
            yield TextField(id="note", max_length=200, classes="submit-on-enter")
            yield FieldError(id="error-note")
            yield FieldError(id="error-form")
            if self.hint:
                yield Static(self.hint, classes="hint", markup=False)
        yield MifinFooter()

    def action_submit(self) -> None:
        if self.done:
            return  # an Enter typed twice: the action ran once, it does not run again
        self.clear_errors()
        ok, result = self.call_service(self.action, self.query_one("#note", TextField).value)
        if not ok:
            return
        self.done = True
        self.dismiss(result)
