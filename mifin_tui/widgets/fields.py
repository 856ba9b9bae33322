"""Plain text fields and the error line shown under a field."""

from __future__ import annotations

from rich.segment import Segment
from textual import events
from textual.strip import Strip
from textual.widgets import Input, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import OptionDoesNotExist

from mifin_tui.i18n import _


class FormKeys:
    """Keys of a form field, made safe for type-ahead.

    Textual queues each key on the widget focused when the key arrives. Over SSH
    keys come in bursts, so the keys typed after an Enter that moves to the next
    field are already queued on this one. On a form screen (one with a
    `field_entered` method, see FormMixin) Enter is therefore handled here, at
    once, and every key still queued here after the focus moved is passed on to
    the widget that has the focus now. A password typed ahead must never show in
    the user-name field.
    """

    moves_on: bool = True  # False: Enter is the widget's own (a search field submits)

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen  # type: ignore[attr-defined]
        focused = screen.focused
        if focused is not None and self in focused.ancestors:
            return  # bubbling up from our own part (the list of a Select): not ours
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused._forward_event(events.Key(event.key, event.character))
            return
        entered = getattr(screen, "field_entered", None)
        if event.key == "enter" and self.moves_on and entered is not None:
            event.stop()
            event.prevent_default()
            await entered(self)


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


class FormSelect(FormKeys, Select):
    """A Select in a form: Enter moves on like in a text field (Down or Space opens it)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)


class ChoiceList(FormKeys, SelectionList):
    """Boxes to tick in a form: Space ticks, Enter moves on like in a text field.

    A ticked box reads "[x]", an empty one "[ ]": Textual's own box differs only by
    colour, and its half-block glyphs are missing from the Linux console font.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # Toggle the option Space was pressed on. SelectionList toggles whatever is
        # highlighted when the message arrives: with keys typed ahead ("space down
        # space") that is already the next option.
        event.stop()
        event.prevent_default()
        self.toggle(self.get_option_at_index(event.option_index))

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        try:
            choice = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if len(segments) < 4:
            return strip
        # The first three segments are the box; the fourth, a space in the prompt's style.
        mark = "[x]" if choice.value in self.selected else "[ ]"
        return Strip([Segment(mark, segments[3].style), *segments[3:]])
