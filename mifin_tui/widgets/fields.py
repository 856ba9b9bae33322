"""Plain text fields and the error line shown under a field. (The select and the boxes
to tick are in choices.py: the login screen, which uses these, does not load them.)"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, Static

from mifin_tui.i18n import _


class FormKeys:
    """Keys of a form field, made safe for type-ahead.

    Textual queues each key on the widget focused when the key arrives; a key
    bound to an action bubbles back to the App, which runs the binding later,
    after the keys queued behind it. Over SSH keys come in bursts, so "ab,
    Backspace, c" or "name, Enter, password" would be applied out of order or
    in the wrong field. Here, in the order typed:
    - on a form screen (one with a `field_entered` method, see FormMixin) Enter
      is handled at once;
    - Tab and Shift+Tab move the focus at once;
    - the widget's own bindings (arrows, Backspace, Space...) run at once;
    - a key still queued here after the focus moved goes on to the widget that
      has the focus now. A password typed ahead never shows in the name field.
    """

    moves_on: bool = True  # False: Enter is the widget's own (a search field submits)

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen  # type: ignore[attr-defined]
        focused = screen.focused
        if focused is not None and self in focused.ancestors:
            return  # bubbling up from our own part (the list of a Select): not ours
        if focused is not None and focused is not self:
            self._take(event)
            focused._forward_event(events.Key(event.key, event.character))
            return
        entered = getattr(screen, "field_entered", None)
        if event.key == "enter" and self.moves_on and entered is not None:
            self._take(event)
            await entered(self)
            return
        if event.key in ("tab", "shift+tab"):
            self._take(event)
            screen.focus_next() if event.key == "tab" else screen.focus_previous()
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):  # type: ignore[attr-defined]
            if not binding.priority and await self.app.run_action(  # type: ignore[attr-defined]
                    binding.action, self):
                self._take(event)
                return

    @staticmethod
    def _take(event: events.Key) -> None:
        event.stop()
        event.prevent_default()


class TextField(FormKeys, Input):
    """The text field of every Mifin screen. It does not blink: a blinking cursor
    repaints twice a second, which costs bytes on a 2G link and shows nothing new."""

    def __init__(self, *args, moves_on: bool = True, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)
        self.set_reactive(Input.cursor_blink, False)
        self.moves_on = moves_on


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
