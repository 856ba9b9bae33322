"""Inputs that read what a person typed into a value, or say at the field why not.

Each is a small container: the text field and, under it, its error line. The
value is read when the field loses focus or on Enter; Enter on a bad value
stays on the field (the form does not move on), the error shows under it.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input

from mifin_tui.widgets.fields import FieldError, TextField

T = TypeVar("T")


class CheckedInput(Vertical, Generic[T]):
    """Base: subclasses implement `parse` (raise ValueError with the message) and `show`."""

    DEFAULT_CSS = """
    CheckedInput {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, value: str = "", *, placeholder: str = "", id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._initial = value
        self._placeholder = placeholder
        self._value: T | None = None
        self._value_text: str | None = None  # the text `_value` was read from
        self.error_message = ""

    def compose(self) -> ComposeResult:
        yield TextField(self._initial, placeholder=self._placeholder)
        yield FieldError()

    @property
    def input(self) -> Input:
        return self.query_one(TextField)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    @property
    def parsed(self) -> T | None:
        """The value read by the last `check()`, if the text has not changed since."""
        if self._value_text is None or self._value_text != self.input.value:
            return None
        return self._value

    def focus(self, scroll_visible: bool = True) -> CheckedInput[T]:
        self.input.focus(scroll_visible)
        return self

    # --- to implement -------------------------------------------------------------------

    def parse(self, text: str) -> T:
        """The value of `text`, or ValueError whose message is shown at the field."""
        raise NotImplementedError

    def show(self, value: T) -> str:
        """How a parsed value is written back into the field."""
        return str(value)

    # --- checking -----------------------------------------------------------------------

    def check(self) -> bool:
        """Read the field now; True when it holds a value (an empty field is not an error)."""
        text = self.input.value.strip()
        self._value, self._value_text = None, None
        if not text:
            self.set_error("")
            return False
        try:
            value = self.parse(text)
        except ValueError as exc:
            self.set_error(str(exc))
            return False
        self.set_error("")
        shown = self.show(value)
        if shown != self.input.value:
            self.input.value = shown
        self._value, self._value_text = value, shown
        return True

    def set_error(self, message: str) -> None:
        """Show a message under the field (also used for errors a service returns)."""
        self.error_message = message
        self.query_one(FieldError).show(message)
        self.input.set_class(bool(message), "-invalid")

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self.check()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.check()
        if self.error_message:
            event.stop()  # stay here: the form moves on only from a good value
