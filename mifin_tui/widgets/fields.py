"""Plain text fields and the error line shown under a field."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input, Select, SelectionList, Static

from mifin_tui.i18n import N_, _


class TextField(Input):
    """An Input that does not blink: a blinking cursor repaints twice a second,
    which costs bytes on a 2G link and shows nothing new."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)
        self.set_reactive(Input.cursor_blink, False)


class FieldError(Static):
    """The message under a field. Hidden while empty; a leading "!" and the words
    themselves carry the meaning, so it reads without colour (NO_COLOR, TERM=linux)."""

    DEFAULT_CSS = """
    FieldError {
        display: none;
        height: auto;
        color: $text-error;
        text-style: bold;
    }
    FieldError.-shown {
        display: block;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.message = ""

    def show(self, message: str) -> None:
        self.message = message
        self.update(_("! {message}").format(message=message) if message else "")
        self.set_class(bool(message), "-shown")

    def clear(self) -> None:
        self.show("")


class FormSelect(Select):
    """A Select in a form: Enter moves on like in a text field (Down or Space opens it)."""

    BINDINGS = [Binding("enter", "screen.next_field", N_("Next field"), show=False)]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)


class ChoiceList(SelectionList):
    """Boxes to tick in a form: Space ticks, Enter moves on like in a text field."""

    BINDINGS = [Binding("enter", "screen.next_field", N_("Next field"), show=False)]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)
