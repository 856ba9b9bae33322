"""What every screen of a session shares: status line, title, footer, Escape to go back,
and, for forms, Enter to move on and errors shown at their fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from mifin_tui.i18n import N_, _
from mifin_tui.widgets import CheckedInput, FieldError, MifinFooter

if TYPE_CHECKING:
    from mifin_tui.services.kernel.context import Context
    from mifin_tui.widgets import StatusInfo


def status_info(screen: Screen) -> StatusInfo | None:
    return getattr(screen.app, "status", None)


class QuietFocus:
    """Moving the focus repaints the two widgets concerned, not the whole screen.

    Textual's `Screen.focused` repaints every cell of the screen on each change,
    although the widget that gains and the one that loses the focus refresh
    themselves: over SSH that was ~3 KB per Enter between two fields of a form
    (bench/wire_bytes.py). Mixed in before Screen/ModalScreen.
    """

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


class MifinScreen(QuietFocus, Screen):
    """A screen of a logged-in session: status line on top, title, body, footer.

    Subclasses set TITLE_MSGID and implement `compose_body`. Escape pops the
    screen (never anything else: Escape can arrive by accident over SSH).
    """

    TITLE_MSGID: ClassVar[str] = ""
    BINDINGS = [Binding("escape", "back", N_("Back"), id="back")]
    # Ctrl+Q and F10 work on every screen; the footer names them on the main menu only.
    SHOW_SESSION_KEYS = False

    def __init__(self, ctx: Context, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        # The status line (roles, dates, amounts) is a session's: the login screen, which
        # imports this module for FormMixin, does not load it.
        from mifin_tui.widgets import StatusLine

        yield StatusLine(status_info(self))
        yield Static(_(self.TITLE_MSGID), classes="screen-title", markup=False)
        yield from self.compose_body()
        yield MifinFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_screen_resume(self) -> None:
        # The language or the business day may have changed under us.
        from mifin_tui.widgets import StatusLine

        self.query_one(StatusLine).show(status_info(self))
        self.query_one(".screen-title", Static).update(_(self.TITLE_MSGID))

    def action_back(self) -> None:
        self.dismiss()


class FormMixin:
    """For screens with fields: Enter moves to the next field, and on the field marked
    with the CSS class `submit-on-enter` it submits (calls `action_submit`).

    Errors go to the FieldError with id `error-<field>` (the field names a
    service uses in ValidationError.errors); others to `#error-form`. A dotted
    name ("count.USD.10000") is looked up with dashes ("#count-USD-10000"): a dot
    in a CSS selector starts a class name.
    """

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.field_entered(event.input)

    async def field_entered(self, field: Widget) -> None:
        """Enter in `field`: stay on a bad value, submit from the field marked
        `submit-on-enter`, otherwise go to the next field."""
        owner = field.parent if isinstance(field.parent, CheckedInput) else None
        if owner is not None and not owner.check() and owner.error_message:
            return
        if field.has_class("submit-on-enter") or (
                owner is not None and owner.has_class("submit-on-enter")):
            await self.run_action("submit")  # type: ignore[attr-defined]
        else:
            self.focus_next()  # type: ignore[attr-defined]

    def clear_errors(self) -> None:
        """Clear the messages of the last submit (a CheckedInput keeps its own: it re-reads
        its text with `check()`)."""
        for error in self.query(FieldError):  # type: ignore[attr-defined]
            if not isinstance(error.parent, CheckedInput):
                error.clear()

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each message at its field and put the cursor on the first one."""
        first: Widget | None = None
        leftovers: list[str] = []
        for name, message in errors.items():
            target = self._field(name)
            if isinstance(target, CheckedInput):
                target.set_error(message)
            elif (label := self._error_label(name)) is not None:
                label.show(message)
            else:
                leftovers.append(message)
                continue
            if first is None and target is not None:
                first = target
        if leftovers:
            self.show_form_error(" ".join(leftovers))
        if first is not None:
            first.focus()
            self.reveal(first)

    @staticmethod
    def field_row(label: str, field: Widget, name: str) -> ComposeResult:
        """A labelled field on one line, its error line under it (`error-<name>`)."""
        with Horizontal(classes="row"):
            yield Label(label, markup=False)
            yield field
        yield FieldError(id=f"error-{name}", classes="row-error")

    def call_service(self, service: Callable[..., Any], *args: Any, **kwargs: Any
                     ) -> tuple[bool, Any]:
        """Run a service call for this form: (True, its result), or (False, None) with
        its refusal shown at the fields it names (or above the form)."""
        from mifin_tui.services.kernel.errors import MifinError, ValidationError

        try:
            return True, service(*args, **kwargs)
        except ValidationError as exc:
            self.show_errors(exc.errors)
        except MifinError as exc:
            self.show_form_error(str(exc))
        return False, None

    def read_amount(self, name: str = "amount", *, focus: bool = True) -> int | None:
        """The amount in the MoneyInput of field `name`, read again from its text; None
        when there is none: its own message shows, or "greater than zero", and (`focus`)
        the cursor goes back to it."""
        from mifin_tui.widgets import MoneyInput

        field = self.query_one(f"#{self.field_id(name)}", MoneyInput)  # type: ignore[attr-defined]
        field.check()
        if field.amount is None:
            if not field.error_message:
                self.show_errors({name: _("Enter an amount greater than zero.")})
            if focus:
                field.focus()
        return field.amount

    def show_form_error(self, message: str) -> None:
        label = self._error_label("form")
        if label is not None:
            label.show(message)
            self.reveal(label)
        else:
            self.notify(message, severity="error")  # type: ignore[attr-defined]

    def reveal(self, widget: Widget) -> None:
        """Scroll the form so that `widget` and the message under it are on the screen
        (at 80x24 a message below the last row is a message nobody reads). Once laid
        out: a message just shown has no height yet."""
        def scroll() -> None:
            if not widget.is_attached:
                return
            below = self._error_label(widget.id or "") if widget.id else None
            target = below if below is not None and below.has_class("-shown") else widget
            target.scroll_visible(animate=False, immediate=True)
            if target is not widget:
                widget.scroll_visible(animate=False, immediate=True)

        self.call_after_refresh(scroll)  # type: ignore[attr-defined]

    @staticmethod
    def field_id(name: str) -> str:
        """The widget id of the field a service calls `name`."""
        return name.replace(".", "-")

    # The field a cancelled confirmation returns to.
    RETURN_FIELD: ClassVar[str] = "amount"

    def confirmation_cancelled(self) -> None:
        """Escape on a confirmation: back to the amount (if the form has one showing)."""
        field = self._field(self.RETURN_FIELD)
        if field is not None and field.display and not field.disabled:
            field.focus()
            self.reveal(field)

    def _field(self, name: str) -> Widget | None:
        found = self.query(f"#{self.field_id(name)}")  # type: ignore[attr-defined]
        return found.first() if found else None

    def _error_label(self, name: str) -> FieldError | None:
        found = self.query(f"#error-{self.field_id(name)}").results(  # type: ignore[attr-defined]
            FieldError)
        return next(iter(found), None)


class DialogScreen(QuietFocus, ModalScreen):
    """A small window over the current screen; Escape cancels it (dismisses with None).

    A confirmation (CONFIRMATION = True) cancelled puts the cursor back on the form's
    amount (`FormMixin.confirmation_cancelled`): what a cashier corrects after reading
    the confirmation is the amount, never the account or loan number above it.
    """

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]
    CONFIRMATION: ClassVar[bool] = False

    def action_cancel(self) -> None:
        stack = self.app.screen_stack
        below = stack[-2] if self.CONFIRMATION and len(stack) > 1 else None
        self.dismiss(None)
        back = getattr(below, "confirmation_cancelled", None)
        if back is not None:
            below.call_after_refresh(back)
